"""The input-guard part of the bad-input catalog (tests/render/test_bad_inputs.py): env sources, tolerations,
mounts, keys only the inactive controller reads, labels and names, the Service port name."""

from __future__ import annotations

from harness.cases import CSI_MINIMUM, INGRESS_MINIMUM, WAF_POLICY_ID
from harness.helm_messages import (
    PATTERN,
    Bad,
    allowed,
    chart_error,
    extra,
    schema_error,
)

GUARD_CATALOG: list[Bad] = [
    # --- input guards: env sources, tolerations, mounts, inactive controller keys, labels and names ---
    Bad(
        "extraEnv-duplicates-config",
        {"extraEnv": [{"name": "LOG_LEVEL", "value": "debug"}]},
        (chart_error("extraEnv[0].name", "also set by config; an environment variable can come from one place only"),),
    ),
    Bad(
        "extraEnv-duplicates-secret",
        {"secrets.native.data": {"k": "v"}, "secrets.env": {"API_KEY": "k"}, "extraEnv": [{"name": "API_KEY"}]},
        (chart_error("extraEnv[0].name", "also set by secrets.env"),),
    ),
    Bad(
        "toleration-empty-key-equal",
        {"tolerations": [{"operator": "Equal", "value": "x", "effect": "NoSchedule"}]},
        (chart_error("tolerations[0].operator", "allowed: a key, or operator Exists"),),
    ),
    Bad(
        "toleration-exists-with-value",
        {"gpu.tolerations": [{"key": "sku", "operator": "Exists", "value": "gpu"}]},
        (chart_error("gpu.tolerations[0].value", "must be empty with operator Exists"),),
    ),
    Bad(
        "toleration-seconds-without-noexecute",
        {"tolerations": [{"key": "a", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 30}]},
        (chart_error("tolerations[0].tolerationSeconds", "only with effect NoExecute"),),
    ),
    Bad(
        "secrets-mounted-over-tmp",
        {"secrets.native.data": {"k": "v"}, "secrets.mountPath": "/tmp"},  # noqa: S108 - the chart's own /tmp mount
        (chart_error("secrets.mountPath", "the chart's /tmp volume"),),
    ),
    Bad(
        "model-cache-over-secrets",
        {"secrets.native.data": {"k": "v"}, "modelCache.enabled": True, "modelCache.mountPath": "/mnt/secrets"},
        (chart_error("modelCache.mountPath", "already used by secrets.mountPath"),),
    ),
    Bad(
        "waf-policy-with-nginx",
        {
            **INGRESS_MINIMUM,
            "ingress.agic.wafPolicyId": WAF_POLICY_ID,
        },
        (chart_error("ingress.agic.wafPolicyId", "allowed: ingress.controller=agic"),),
    ),
    Bad(
        "appgw-cidr-with-nginx",
        {**INGRESS_MINIMUM, "networkPolicy.appGatewaySubnetCIDR": "10.1.0.0/16"},
        (chart_error("networkPolicy.appGatewaySubnetCIDR", "only with ingress.controller=agic"),),
    ),
    Bad(
        "pod-label-redefines-selector",
        {"podLabels": {"app.kubernetes.io/name": "other"}},
        (chart_error("podLabels.app.kubernetes.io/name", "the chart sets this label itself"),),
    ),
    Bad(
        "common-label-redefines-chart-label",
        {"commonLabels": {"helm.sh/chart": "other"}},
        (chart_error("commonLabels.helm.sh/chart", "the chart sets this label itself"),),
    ),
    Bad(
        "fullname-too-long-with-suffix",
        {"fullnameOverride": "a" * 60},
        (chart_error("fullnameOverride", "with the chart's suffix -config is longer than 63 characters"),),
    ),
    Bad(
        "service-name-not-dns1035",
        {"fullnameOverride": "1-inference"},
        (chart_error("service.name", "is not a DNS-1035 label"),),
    ),
    Bad(
        "ip-address-as-host",
        {**INGRESS_MINIMUM, "ingress.hosts": ["10.0.0.1"]},
        (schema_error("ingress.hosts.0", allowed("a lowercase host name")),),
    ),
    Bad(
        "pdb-percent-over-100",
        {"podDisruptionBudget.minAvailable": "150%"},
        (schema_error("podDisruptionBudget.minAvailable", PATTERN),),
    ),
    Bad(
        "cidr-octet-out-of-range",
        {"networkPolicy.appGatewaySubnetCIDR": "10.300.0.0/16"},
        (schema_error("networkPolicy.appGatewaySubnetCIDR", PATTERN),),
    ),
    Bad(
        "secret-key-dotdot",
        {"secrets.native.data": {"..data": "x"}},
        (schema_error("secrets.native.data", extra("..data")),),
    ),
    Bad(
        "misspelt-resource-name",
        {"resources.limits.memroy": "1Gi"},
        (schema_error("resources.limits", extra("memroy")),),
    ),
    Bad(
        "pdb-minAvailable-100-percent",
        {"replicaCount": 2, "podDisruptionBudget.minAvailable": "100%"},
        (chart_error("podDisruptionBudget.minAvailable", "100% leaves no pod to evict"),),
    ),
    Bad(
        "csi-without-serviceaccount",
        {**CSI_MINIMUM, "serviceAccount.create": False},
        (chart_error("serviceAccount.name", "required when serviceAccount.create is false"),),
    ),
    Bad(
        "request-above-limit",
        {"resources.requests.cpu": "1500m", "resources.limits.cpu": "1"},
        (
            chart_error(
                "resources.requests.cpu", "1500m is more than its limit 1; allowed: at most resources.limits.cpu"
            ),
        ),
    ),
    Bad(
        "csi-settings-with-native",
        {"secrets.csi.keyvaultName": "roo-kv"},
        (chart_error("secrets.csi.keyvaultName", "only read when secrets.provider is csi"),),
    ),
    Bad(
        "extra-mount-over-model-cache",
        {"modelCache.enabled": True, "extraVolumeMounts": [{"name": "tmp", "mountPath": "/models"}]},
        (chart_error("extraVolumeMounts[0].mountPath", "already used by modelCache.mountPath"),),
    ),
    Bad(
        "extra-service-port-named-http",
        {
            "extraContainerPorts": [{"name": "metrics", "containerPort": 9090}],
            "service.extraPorts": [
                {"name": "metrics", "port": 9090, "targetPort": "metrics"},
                {"name": "metrics", "port": 9091, "targetPort": "metrics"},
            ],
        },
        (chart_error("service.extraPorts[1].name", "is already a Service port"),),
    ),
    Bad(
        "path-with-newline",
        {"probes.readyPath": "/health\nscheme: HTTPS"},
        (schema_error("probes.readyPath", allowed("an absolute URL path")),),
    ),
    # --- the Service port's name (service.portName; empty keeps an adopted Service's unnamed port) ---
    Bad(
        "service.portName-not-a-name",
        {"service.portName": "Web_Port"},
        (schema_error("service.portName", r"(?:oneOf|Must validate one and only one schema)"),),
    ),
    Bad(
        "service.portName-empty-with-extraPorts",
        {
            "service.portName": "",
            "extraContainerPorts": [{"name": "grpc", "containerPort": 8001}],
            "service.extraPorts": [{"name": "grpc", "port": 8001, "targetPort": "grpc"}],
        },
        (chart_error("service.portName", "a name .* when the Service has several ports"),),
    ),
    Bad(
        "serviceMonitor.port-after-service.portName-rename",
        {"service.portName": "web", "serviceMonitor.enabled": True},
        (chart_error("serviceMonitor.port", "allowed: web"),),
    ),
]
