"""The routing part of the bad-input catalog (tests/render/test_bad_inputs.py): Gateway API routes, the Gateway,
Application Gateway for Containers, the weighted canary and KEDA."""

from __future__ import annotations

from harness.cases import (
    AGC_REFERENCE,
    AGC_RESOURCE_ID,
    AZURE_MONITOR_WORKSPACE,
    CANARY_MINIMUM,
    CLIENT_ID,
    GRPC_ROUTE,
    KEDA_MINIMUM,
    KEYVAULT_CERT,
    LISTENER_TLS,
    ROUTE_MINIMUM,
    WAF_POLICY_ID,
)
from harness.helm_messages import (
    PATTERN,
    Bad,
    allowed,
    chart_error,
    extra,
    maximum,
    minimum,
    one_of,
    required,
    schema_error,
)

AGC_ROUTE = {**ROUTE_MINIMUM, **AGC_REFERENCE}

ROUTING_CATALOG: list[Bad] = [
    # --- Gateway API routes, the Gateway, Application Gateway for Containers ---
    Bad(
        "httpRoute-with-ingress-hosts",
        {**ROUTE_MINIMUM, "httpRoute.hosts": ["vision.example.com"]},
        (schema_error("httpRoute", extra("hosts")),),
    ),
    Bad(
        "httpRoute-with-ingress-tls",
        {**ROUTE_MINIMUM, "httpRoute.tls": {"enabled": True}},
        (schema_error("httpRoute", extra("tls")),),
    ),
    Bad(
        "httpRoute-rule-with-ingress-path",
        {**ROUTE_MINIMUM, "httpRoute.rules": [{"path": "/", "pathType": "Prefix"}]},
        (schema_error("httpRoute.rules.0", extra("path")),),
    ),
    Bad(
        "httpRoute-with-nginx-annotation",
        {**ROUTE_MINIMUM, "httpRoute.annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "600"}},
        (chart_error("httpRoute.annotations", "Ingress annotation.*allowed: httpRoute.timeouts"),),
    ),
    Bad(
        "gateway-with-agic-annotation",
        {**ROUTE_MINIMUM, "gateway.annotations": {"appgw.ingress.kubernetes.io/request-timeout": "600"}},
        (chart_error("gateway.annotations", "Ingress annotation"),),
    ),
    Bad(
        "httpRoute-backendRequest-over-request",
        {**ROUTE_MINIMUM, "httpRoute.timeouts.backendRequest": "15m"},
        (chart_error("httpRoute.timeouts.backendRequest", "longer than .*allowed: at most the request timeout"),),
    ),
    Bad(
        "httpRoute-rule-backendRequest-over-request",
        {**ROUTE_MINIMUM, "httpRoute.rules": [{"timeouts": {"request": "1m", "backendRequest": "61s"}}]},
        (chart_error("httpRoute.rules[0].timeouts.backendRequest", "allowed: at most the request timeout"),),
    ),
    Bad(
        "httpRoute-timeout-not-a-duration",
        {**ROUTE_MINIMUM, "httpRoute.timeouts.request": "10 minutes"},
        (schema_error("httpRoute.timeouts.request", PATTERN),),
    ),
    Bad(
        "httpRoute-without-parent",
        {"httpRoute.enabled": True},
        (chart_error("httpRoute.parentRefs", "required when gateway.create is false"),),
    ),
    Bad(
        "httpRoute-parentRef-without-name",
        {"httpRoute.enabled": True, "httpRoute.parentRefs": [{"namespace": "gateways"}]},
        (schema_error("httpRoute.parentRefs.0", required("name")),),
    ),
    Bad(
        "httpRoute-hostname-with-scheme",
        {**ROUTE_MINIMUM, "httpRoute.hostnames": ["https://vision.example.com"]},
        (schema_error("httpRoute.hostnames.0", allowed("a lowercase host name")),),
    ),
    Bad(
        "grpc-port-not-a-service-port",
        {**ROUTE_MINIMUM, **GRPC_ROUTE, "httpRoute.grpc.port": "triton-grpc"},
        (chart_error("httpRoute.grpc.port", "allowed: the name of a service.extraPorts entry"),),
    ),
    Bad(
        "grpc-without-hostnames",
        {**ROUTE_MINIMUM, "httpRoute.grpc.enabled": True},
        (chart_error("httpRoute.grpc.hostnames", "required with httpRoute.grpc.enabled"),),
    ),
    Bad(
        "grpc-hostname-shared-with-http",
        {**ROUTE_MINIMUM, **GRPC_ROUTE, "httpRoute.grpc.hostnames": ["api.example.com"]},
        (chart_error("httpRoute.grpc.hostnames", "overlaps .*allowed: distinct host names"),),
    ),
    Bad(
        "grpc-under-http-wildcard",
        {**ROUTE_MINIMUM, **GRPC_ROUTE, "httpRoute.hostnames": ["*.example.com"]},
        (chart_error("httpRoute.grpc.hostnames", "overlaps"),),
    ),
    Bad(
        "grpc-with-catch-all-http-route",
        {**ROUTE_MINIMUM, **GRPC_ROUTE, "httpRoute.hostnames": []},
        (chart_error("httpRoute.hostnames", "required with httpRoute.grpc.enabled"),),
    ),
    Bad(
        "gateway-without-route",
        {"gateway.create": True},
        (chart_error("gateway.create", "allowed: httpRoute.enabled=true"),),
    ),
    Bad(
        "gateway-without-listener",
        {**ROUTE_MINIMUM, "gateway.http": False},
        (chart_error("gateway", "no listener; allowed: gateway.http=true"),),
    ),
    Bad(
        "gateway-class-unknown",
        {**ROUTE_MINIMUM, "gateway.className": "webapprouting.kubernetes.azure.com"},
        (schema_error("gateway.className", one_of("approuting-istio", "azure-alb-external")),),
    ),
    Bad(
        "gateway-name-too-long-for-approuting",
        {**ROUTE_MINIMUM, "gateway.name": "g" * 47},
        (chart_error("gateway.name", "allowed: at most 46 characters"),),
    ),
    Bad(
        "gateway-tls-without-certificate",
        {**ROUTE_MINIMUM, "gateway.tls.enabled": True},
        (
            chart_error(
                "gateway.tls", "needs a certificate; allowed: gateway.tls.keyVaultUri with gateway.tls.serviceAccount"
            ),
        ),
    ),
    Bad(
        "gateway-tls-key-vault-without-service-account",
        {**ROUTE_MINIMUM, "gateway.tls.enabled": True, "gateway.tls.keyVaultUri": KEYVAULT_CERT},
        (chart_error("gateway.tls.serviceAccount", "required with gateway.tls.keyVaultUri"),),
    ),
    Bad(
        "gateway-tls-service-account-without-key-vault",
        {**ROUTE_MINIMUM, "gateway.tls.enabled": True, "gateway.tls.serviceAccount": "tls-reader"},
        (chart_error("gateway.tls.keyVaultUri", "required with gateway.tls.serviceAccount"),),
    ),
    Bad(
        "gateway-tls-key-vault-and-secret",
        {**ROUTE_MINIMUM, **LISTENER_TLS, "gateway.tls.secretName": "vision-tls"},
        (chart_error("gateway.tls", "not both"),),
    ),
    Bad(
        "gateway-tls-source-while-disabled",
        {**ROUTE_MINIMUM, "gateway.tls.secretName": "vision-tls"},
        (chart_error("gateway.tls.enabled", "must be true"),),
    ),
    Bad(
        "gateway-tls-key-vault-uri-malformed",
        {**ROUTE_MINIMUM, **LISTENER_TLS, "gateway.tls.keyVaultUri": "roo-kv/certificates/vision"},
        (schema_error("gateway.tls.keyVaultUri", PATTERN),),
    ),
    Bad(
        "gateway-tls-chart-service-account-without-identity",
        {**ROUTE_MINIMUM, **LISTENER_TLS, "gateway.tls.serviceAccount": "ai-ai-inference"},
        (chart_error("gateway.tls.serviceAccount", "no workload identity"),),
    ),
    Bad(
        "gateway-tls-without-own-gateway",
        {"httpRoute.enabled": True, "httpRoute.parentRefs": [{"name": "shared"}], "gateway.tls.enabled": True},
        (chart_error("gateway.create", "configure the chart's own Gateway"),),
    ),
    Bad(
        "gateway-tls-key-vault-on-agc",
        {**AGC_ROUTE, **LISTENER_TLS},
        (chart_error("gateway.tls.keyVaultUri", "allowed with azure-alb-external: gateway.tls.secretName"),),
    ),
    Bad(
        "gateway-load-balancer-idle-timeout-out-of-range",
        {
            **ROUTE_MINIMUM,
            "gateway.infrastructureAnnotations": {
                "service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout": "60"
            },
        },
        (chart_error("gateway.infrastructureAnnotations", 'allowed: "4" to "30"'),),
    ),
    Bad(
        "agc-infrastructure-annotations",
        {
            **AGC_ROUTE,
            "gateway.infrastructureAnnotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
        },
        (chart_error("gateway.infrastructureAnnotations", "only approuting-istio"),),
    ),
    Bad(
        "agc-without-alb-reference",
        {**ROUTE_MINIMUM, "gateway.className": "azure-alb-external"},
        (
            chart_error(
                "gateway.agc", "needs an ALB reference; allowed: gateway.agc.albNamespace and gateway.agc.albName"
            ),
        ),
    ),
    Bad(
        "agc-alb-name-without-namespace",
        {**AGC_ROUTE, "gateway.agc.albNamespace": ""},
        (chart_error("gateway.agc.albName", "needs both"),),
    ),
    Bad(
        "agc-alb-id-without-frontend",
        {**ROUTE_MINIMUM, "gateway.className": "azure-alb-external", "gateway.agc.albId": AGC_RESOURCE_ID},
        (chart_error("gateway.agc.albId", "needs both"),),
    ),
    Bad(
        "agc-managed-and-byo",
        {**AGC_ROUTE, "gateway.agc.albId": AGC_RESOURCE_ID, "gateway.agc.frontend": "fe"},
        (chart_error("gateway.agc", "not both"),),
    ),
    Bad(
        "agc-alb-id-malformed",
        {**AGC_ROUTE, "gateway.agc.albId": "agc-1"},
        (schema_error("gateway.agc.albId", PATTERN),),
    ),
    Bad(
        "agc-alb-reference-on-existing-gateway",
        {"httpRoute.enabled": True, "httpRoute.parentRefs": [{"name": "shared"}], **AGC_REFERENCE},
        (chart_error("gateway.agc.albName", "annotates the chart's own Gateway"),),
    ),
    Bad(
        "agc-annotations-on-approuting",
        {**ROUTE_MINIMUM, "gateway.agc.albNamespace": "alb", "gateway.agc.albName": "alb"},
        (chart_error("gateway.agc.albName", "allowed only with gateway.className=azure-alb-external"),),
    ),
    Bad(
        "agc-waf-on-approuting",
        {**ROUTE_MINIMUM, "gateway.agc.wafPolicyId": WAF_POLICY_ID},
        (chart_error("gateway.agc.wafPolicyId", "allowed only with gateway.className=azure-alb-external"),),
    ),
    Bad(
        "agc-health-check-on-approuting",
        {**ROUTE_MINIMUM, "gateway.agc.healthCheck.enabled": True},
        (chart_error("gateway.agc.healthCheck.enabled", "allowed only with"),),
    ),
    Bad(
        "agc-waf-id-malformed",
        {**AGC_ROUTE, "gateway.agc.wafPolicyId": "roo-waf"},
        (schema_error("gateway.agc.wafPolicyId", PATTERN),),
    ),
    Bad(
        "agc-policies-without-route",
        {"gateway.className": "azure-alb-external", "gateway.agc.wafPolicyId": WAF_POLICY_ID},
        (chart_error("gateway.agc", "allowed: httpRoute.enabled=true"),),
    ),
    Bad(
        "agc-route-policy-without-timeout",
        {**AGC_ROUTE, "gateway.agc.routePolicyTimeout": True, "httpRoute.timeouts.request": "0s"},
        (chart_error("gateway.agc.routePolicyTimeout", "empty or 0s"),),
    ),
    Bad(
        "agc-health-check-interval-unit",
        {**AGC_ROUTE, "gateway.agc.healthCheck.interval": "10"},
        (schema_error("gateway.agc.healthCheck.interval", PATTERN),),
    ),
    Bad(
        "agc-network-policy-without-subnet",
        {**AGC_ROUTE, "networkPolicy.enabled": True},
        (chart_error("networkPolicy.agcSubnetCIDR", "required with networkPolicy.enabled"),),
    ),
    # --- weighted canary ---
    Bad(
        "canary-weights-not-100",
        {**CANARY_MINIMUM, "canary.weights.stable": 90, "canary.weights.canary": 20},
        (
            chart_error(
                "canary.weights", r"stable \(90\) \+ canary \(20\) = 110; allowed: two percentages that add up to 100"
            ),
        ),
    ),
    Bad(
        "canary-weight-over-100",
        {**CANARY_MINIMUM, "canary.weights.canary": 101},
        (schema_error("canary.weights.canary", maximum(100)),),
    ),
    Bad(
        "canary-without-route",
        {"canary.enabled": True, "canary.image.tag": "v3.5.0"},
        (chart_error("canary.enabled", "allowed: httpRoute.enabled=true"),),
    ),
    Bad(
        "canary-same-as-stable",
        {**ROUTE_MINIMUM, "canary.enabled": True},
        (chart_error("canary.image", "stable image and arguments"),),
    ),
    Bad(
        "canary-tag-latest",
        {**CANARY_MINIMUM, "canary.image.tag": "latest"},
        (schema_error("canary.image.tag", allowed("a fixed tag")),),
    ),
    Bad(
        "canary-digest-malformed",
        {**CANARY_MINIMUM, "canary.image.digest": "sha256:abc"},
        (schema_error("canary.image.digest", PATTERN),),
    ),
    Bad(
        "canary-replicas-zero",
        {**CANARY_MINIMUM, "canary.replicaCount": 0},
        (schema_error("canary.replicaCount", minimum(1)),),
    ),
    Bad(
        "canary-mirror-percent-zero",
        {**CANARY_MINIMUM, "canary.mirror.percent": 0},
        (schema_error("canary.mirror.percent", minimum(1)),),
    ),
    Bad(
        "canary-selector-only-instance",
        {**CANARY_MINIMUM, "selectorLabels": {"app.kubernetes.io/instance": "vision"}},
        (chart_error("selectorLabels", "allowed: a selectorLabels key besides app.kubernetes.io/instance"),),
    ),
    Bad(
        "canary-shares-rwo-model-cache",
        {**CANARY_MINIMUM, "modelCache.enabled": True, "modelCache.type": "pvc"},
        (chart_error("modelCache.accessMode", "canary's pods mount the same model-cache claim"),),
    ),
    Bad(
        "canary-pdb-minAvailable-not-below-replicas",
        {**CANARY_MINIMUM, "replicaCount": 3, "canary.replicaCount": 2, "podDisruptionBudget.minAvailable": 2},
        (chart_error("podDisruptionBudget.minAvailable", "no canary pod to evict"),),
    ),
    # --- KEDA ---
    Bad(
        "keda-and-hpa",
        {**KEDA_MINIMUM, "autoscaling.enabled": True},
        (chart_error("autoscaling.enabled and keda.enabled", "allowed: one of them"),),
    ),
    Bad(
        "keda-without-prometheus",
        {"keda.enabled": True, "serviceMonitor.enabled": True},
        (chart_error("keda.prometheus.serverAddress", "required"),),
    ),
    Bad(
        "keda-min-over-max",
        {**KEDA_MINIMUM, "keda.minReplicas": 5, "keda.maxReplicas": 2},
        (chart_error("keda.minReplicas", "allowed: minReplicas <= maxReplicas"),),
    ),
    Bad("keda-max-zero", {**KEDA_MINIMUM, "keda.maxReplicas": 0}, (schema_error("keda.maxReplicas", minimum(1)),)),
    Bad(
        "keda-managed-prometheus-without-identity",
        {**KEDA_MINIMUM, "keda.prometheus.serverAddress": AZURE_MONITOR_WORKSPACE},
        (chart_error("keda.prometheus.azureWorkloadIdentity", "required for an Azure Monitor workspace endpoint"),),
    ),
    Bad(
        "keda-workload-identity-on-in-cluster-prometheus",
        {**KEDA_MINIMUM, "keda.prometheus.azureWorkloadIdentity": True},
        (chart_error("keda.prometheus.azureWorkloadIdentity", "is not an Azure Monitor workspace query endpoint"),),
    ),
    Bad(
        "keda-identity-without-workload-identity",
        {**KEDA_MINIMUM, "keda.prometheus.identityId": CLIENT_ID},
        (chart_error("keda.prometheus.identityId", "allowed only with keda.prometheus.azureWorkloadIdentity=true"),),
    ),
    Bad(
        "keda-scale-to-zero-on-the-servers-own-metric",
        {**KEDA_MINIMUM, "keda.scaleToZero": True},
        (chart_error("keda.prometheus.query", "never scale up from zero"),),
    ),
    Bad(
        "keda-default-query-without-service-monitor",
        {**KEDA_MINIMUM, "serviceMonitor.enabled": False},
        (chart_error("keda.prometheus.query", "allowed: serviceMonitor.enabled=true"),),
    ),
    Bad(
        "keda-server-unknown",
        {**KEDA_MINIMUM, "keda.server": "ollama"},
        (schema_error("keda.server", one_of("vllm", "tgi", "triton")),),
    ),
    Bad(
        "keda-threshold-not-a-number",
        {**KEDA_MINIMUM, "keda.prometheus.threshold": "five"},
        (schema_error("keda.prometheus.threshold", PATTERN),),
    ),
    Bad(
        "keda-pdb-minAvailable-not-below-min",
        {**KEDA_MINIMUM, "keda.minReplicas": 2, "podDisruptionBudget.minAvailable": 2},
        (chart_error("podDisruptionBudget.minAvailable", r"allowed: fewer than"),),
    ),
]
