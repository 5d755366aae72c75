"""The bad-input catalog: invalid values must fail the render with a message that names the key and what is allowed.

Schema errors come from helm's JSON-schema validator, whose wording differs between Helm 3 (gojsonschema:
`- image.tag: Must not validate the schema (not)`) and Helm 4 (santhosh-tekuri/jsonschema:
`- at '/image/tag': 'not' failed`). `schema_error()` builds one regex that matches the key path and the constraint on
the same line in either wording. Template errors come from templates/_validate.tpl and read
`ai-inference: <key path>: <what is wrong>; <what is allowed>`.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import CLIENT_ID, TENANT_ID
from harness.render import RenderRequest

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet
    from conftest import ExpectRenderErrorFunc
    from harness.render import Renderer


def key(path: str) -> str:
    """A values key path as Helm 3 prints it (`a.b.0.c`, `(root)`) or Helm 4 does (`'/a/b/0/c'`, `''`)."""
    if not path:
        return r"(?:\(root\)|'')"
    dotted = re.escape(path)
    slashed = re.escape("/" + path.replace(".", "/"))
    return rf"(?:(?<![\w.]){dotted}|'{slashed}')"


def schema_error(path: str, constraint: str) -> str:
    """Key path and constraint on one line of helm's schema report."""
    return rf"{key(path)}'?:\s.*{constraint}"


def typ(name: str) -> str:
    """Wrong JSON type."""
    return rf"(?:Expected: {name}|want {name})"


def number(n: int) -> str:
    """A number as Helm 3 (`65535`) or Helm 4 (`65,535`) prints it."""
    return f"(?:{n}|{n:,})"


def minimum(n: int) -> str:
    """Below the minimum."""
    return rf"(?:greater than or equal to {n}|minimum: got -?[\d.,]+, want {number(n)})"


def maximum(n: int) -> str:
    """Above the maximum."""
    return rf"(?:less than or equal to {n}|maximum: got -?[\d.,]+, want {number(n)})"


def one_of(*allowed: str) -> str:
    """Not in the enum; the allowed values are listed."""
    return "must be one of.*" + ".*".join(re.escape(a) for a in allowed)


def extra(name: str) -> str:
    """An unknown key."""
    quoted = re.escape(name)
    return rf"(?:Additional property {quoted} is not allowed|additional propert(?:y|ies) (?:'[^']*', )*'{quoted}')"


def required(name: str) -> str:
    """A missing required key."""
    return rf"(?:{re.escape(name)} is required|missing propert(?:y|ies) (?:'[^']*', )*'{re.escape(name)}')"


PATTERN = r"does not match pattern"


def bad_name(path: str, name: str) -> str:
    """The allowed pattern for a key name: Helm 4 prints it beside the name, Helm 3 under the map's path."""
    return rf"(?:'{re.escape(name)}' does not match pattern '\^|{key(path)}:\s+Does not match pattern '\^)"


NOT = r"(?:Must not validate the schema|'not' failed)"
TOO_SHORT = r"(?:String length must be greater than or equal to|minLength: got)"


def chart_error(path: str, allowed: str) -> str:
    """A `_validate.tpl` message: the key path first, then (on the same line) what is allowed."""
    return rf"ai-inference: {re.escape(path)}\b.*{allowed}"


CSI = {
    "secrets.provider": "csi",
    "secrets.csi.keyvaultName": "roo-kv",
    "secrets.csi.tenantId": TENANT_ID,
    "secrets.csi.clientId": CLIENT_ID,
    "secrets.csi.objects": [{"objectName": "OpenAIKey", "objectType": "secret"}],
}
INGRESS = {"ingress.enabled": True, "ingress.hosts": ["vision.example.com"]}
WAF_POLICY = (
    "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/w"
)
# Gateway API, canary and KEDA: the least each needs to render
ROUTE = {"httpRoute.enabled": True, "gateway.create": True, "httpRoute.hostnames": ["api.example.com"]}
AGC_REF = {"gateway.className": "azure-alb-external", "gateway.agc.albNamespace": "alb", "gateway.agc.albName": "alb"}
AGC_ROUTE = {**ROUTE, **AGC_REF}
GRPC = {"httpRoute.grpc.enabled": True, "httpRoute.grpc.hostnames": ["grpc.example.com"]}
KV_CERT = "https://roo-kv.vault.azure.net/certificates/vision"
KV_TLS = {"gateway.tls.enabled": True, "gateway.tls.keyVaultUri": KV_CERT, "gateway.tls.serviceAccount": "tls-reader"}
AGC_ID = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ServiceNetworking/trafficControllers/agc"
CANARY = {**ROUTE, "canary.enabled": True, "canary.image.tag": "v3.5.0"}
KEDA = {
    "keda.enabled": True,
    "keda.prometheus.serverAddress": "http://prometheus.monitoring:9090",
    "serviceMonitor.enabled": True,
}
AMW = "https://roo-amw.westeurope.prometheus.monitor.azure.com"


@dataclass(frozen=True)
class Bad:
    """One invalid input: id, overrides, regexes the stderr must match; `missing` marks a validation the chart
    lacks (strict xfail with the message the chart should give)."""

    id: str
    overrides: dict[str, Any]
    match: tuple[str, ...]
    missing: str = field(default="")


CATALOG: list[Bad] = [
    # --- types and unknown keys (schema) ---
    Bad("replicaCount-string", {"replicaCount": "three"}, (schema_error("replicaCount", typ("integer")),)),
    Bad("replicaCount-negative", {"replicaCount": -1}, (schema_error("replicaCount", minimum(0)),)),
    Bad("gpu.enabled-string", {"gpu.enabled": "yes"}, (schema_error("gpu.enabled", typ("boolean")),)),
    Bad("unknown-top-level-key", {"replicas": 3}, (schema_error("", extra("replicas")),)),
    Bad("unknown-nested-key", {"image.name": "roo-vision"}, (schema_error("image", extra("name")),)),
    Bad(
        "unknown-key-in-list-item",
        {"gpu.tolerations": [{"key": "sku", "operatr": "Equal", "value": "gpu", "effect": "NoSchedule"}]},
        (schema_error("gpu.tolerations.0", extra("operatr")),),
    ),
    Bad(
        "unknown-probe-field",
        {"probes.liveness.initialDelay": 5},
        (schema_error("probes.liveness", extra("initialDelay")),),
    ),
    # --- bounds ---
    Bad("gpu.count-zero", {"gpu.enabled": True, "gpu.count": 0}, (schema_error("gpu.count", minimum(1)),)),
    Bad("gpu.count-negative", {"gpu.enabled": True, "gpu.count": -2}, (schema_error("gpu.count", minimum(1)),)),
    Bad("containerPort-zero", {"containerPort": 0}, (schema_error("containerPort", minimum(1)),)),
    Bad("containerPort-too-big", {"containerPort": 70000}, (schema_error("containerPort", maximum(65535)),)),
    Bad("service.port-too-big", {"service.port": 65536}, (schema_error("service.port", maximum(65535)),)),
    Bad(
        "minReplicas-zero",
        {"autoscaling.enabled": True, "autoscaling.minReplicas": 0},
        (schema_error("autoscaling.minReplicas", minimum(1)),),
    ),
    # --- enums ---
    Bad(
        "secrets.provider-unknown",
        {"secrets.provider": "vault"},
        (schema_error("secrets.provider", one_of("native", "csi")),),
    ),
    Bad(
        "ingress.controller-unknown",
        {**INGRESS, "ingress.controller": "traefik"},
        (schema_error("ingress.controller", one_of("nginx", "agic")),),
    ),
    Bad(
        "image.pullPolicy-unknown",
        {"image.pullPolicy": "Sometimes"},
        (schema_error("image.pullPolicy", one_of("IfNotPresent", "Always", "Never")),),
    ),
    Bad(
        "service.type-ExternalName",
        {"service.type": "ExternalName"},
        (schema_error("service.type", one_of("ClusterIP", "NodePort", "LoadBalancer")),),
    ),
    Bad(
        "ingress.pathType-unknown",
        {"ingress.pathType": "Regex"},
        (schema_error("ingress.pathType", one_of("Prefix", "Exact", "ImplementationSpecific")),),
    ),
    Bad(
        "agic.backendProtocol-grpc",
        {"ingress.agic.backendProtocol": "grpc"},
        (schema_error("ingress.agic.backendProtocol", one_of("http", "https")),),
    ),
    Bad(
        "strategy.type-unknown",
        {"strategy.type": "BlueGreen"},
        (schema_error("strategy.type", one_of("RollingUpdate", "Recreate")),),
    ),
    Bad(
        "modelCache.type-hostPath",
        {"modelCache.type": "hostPath"},
        (schema_error("modelCache.type", one_of("emptyDir", "existingClaim", "pvc")),),
    ),
    Bad(
        "csi-objectType-unknown",
        {**CSI, "secrets.csi.objects": [{"objectName": "OpenAIKey", "objectType": "password"}]},
        (schema_error("secrets.csi.objects.0.objectType", one_of("secret", "key", "cert")),),
    ),
    Bad(
        "csi-object-without-name",
        {**CSI, "secrets.csi.objects": [{"objectType": "secret"}]},
        (schema_error("secrets.csi.objects.0", required("objectName")),),
    ),
    # --- patterns ---
    Bad("digest-malformed", {"image.digest": "sha256:abc123"}, (schema_error("image.digest", PATTERN),)),
    Bad("digest-without-algorithm", {"image.digest": "a" * 64}, (schema_error("image.digest", PATTERN),)),
    Bad("image.tag-latest", {"image.tag": "latest"}, (schema_error("image.tag", NOT),)),
    Bad("gpu.imageTag-latest", {"gpu.enabled": True, "gpu.imageTag": "latest"}, (schema_error("gpu.imageTag", NOT),)),
    Bad("helmTest.image-latest", {"helmTest.image.tag": "latest"}, (schema_error("helmTest.image.tag", NOT),)),
    Bad("helmTest.image-untagged", {"helmTest.image.tag": ""}, (schema_error("helmTest.image.tag", PATTERN),)),
    Bad(
        "tenantId-not-guid",
        {**CSI, "secrets.csi.tenantId": "contoso.onmicrosoft.com"},
        (schema_error("secrets.csi.tenantId", PATTERN),),
    ),
    Bad(
        "clientId-not-guid",
        {**CSI, "secrets.csi.clientId": "my-identity"},
        (schema_error("secrets.csi.clientId", PATTERN),),
    ),
    Bad(
        "keyvaultName-too-long",
        {**CSI, "secrets.csi.keyvaultName": "k" * 30},
        (schema_error("secrets.csi.keyvaultName", PATTERN),),
    ),
    # Helm 4 prints a bad property *name* at path '' on the line after its map's path: match both lines
    Bad(
        "config-key-starts-with-digit",
        {"config": {"1WORKERS": "4"}},
        (schema_error("config", extra("1WORKERS")), bad_name("config", "1WORKERS")),
    ),
    Bad(
        "config-key-with-dash",
        {"config": {"LOG-LEVEL": "info"}},
        (schema_error("config", extra("LOG-LEVEL")), bad_name("config", "LOG-LEVEL")),
    ),
    Bad("config-value-number", {"config": {"WORKERS": 4}}, (schema_error("config.WORKERS", typ("string")),)),
    Bad(
        "secrets.env-bad-name",
        {"secrets.env": {"api-key": "api-key"}},
        (schema_error("secrets.env", extra("api-key")), bad_name("secrets.env", "api-key")),
    ),
    Bad("extraEnv-bad-name", {"extraEnv": [{"name": "1X", "value": "y"}]}, (schema_error("extraEnv.0.name", PATTERN),)),
    Bad(
        "keyVaultUri-not-a-vault",
        {**INGRESS, "ingress.tls.enabled": True, "ingress.tls.keyVaultUri": "https://example.com/cert"},
        (schema_error("ingress.tls.keyVaultUri", PATTERN),),
    ),
    Bad("quantity-malformed", {"resources.limits.memory": "2 GB"}, (schema_error("resources.limits.memory", PATTERN),)),
    # --- combinations (templates/_validate.tpl) ---
    Bad(
        "csi-without-keyvaultName",
        {**CSI, "secrets.csi.keyvaultName": ""},
        (chart_error("secrets.csi.keyvaultName", "required when secrets.provider is csi"),),
    ),
    Bad(
        "csi-without-tenantId",
        {**CSI, "secrets.csi.tenantId": ""},
        (chart_error("secrets.csi.tenantId", "required when secrets.provider is csi"),),
    ),
    Bad(
        "csi-without-clientId",
        {**CSI, "secrets.csi.clientId": ""},
        (chart_error("secrets.csi.clientId", "required when secrets.provider is csi"),),
    ),
    Bad(
        "csi-without-objects",
        {**CSI, "secrets.csi.objects": []},
        (chart_error("secrets.csi.objects", "at least one Key Vault object"),),
    ),
    Bad(
        "csi-with-native-data",
        {**CSI, "secrets.native.data": {"k": "v"}},
        (chart_error("secrets.native", "must be empty when secrets.provider is csi"),),
    ),
    Bad(
        "csi-env-without-sync",
        {**CSI, "secrets.env": {"API_KEY": "OpenAIKey"}},
        (chart_error("secrets.env", "needs secrets.csi.syncSecret.enabled=true"),),
    ),
    Bad(
        "csi-env-unknown-object",
        {**CSI, "secrets.csi.syncSecret.enabled": True, "secrets.env": {"API_KEY": "nope"}},
        (chart_error("secrets.env.API_KEY", r'key "nope" is not a Key Vault object; allowed: .*OpenAIKey'),),
    ),
    Bad(
        "native-env-without-source",
        {"secrets.env": {"API_KEY": "api-key"}},
        (chart_error("secrets.env", "needs secrets.native.data or secrets.native.existingSecret"),),
    ),
    Bad(
        "native-env-key-missing",
        {"secrets.native.data": {"api-key": "x"}, "secrets.env": {"API_KEY": "nope"}},
        (chart_error("secrets.env.API_KEY", r'key "nope" is not in secrets.native.data; allowed: api-key'),),
    ),
    Bad(
        "native-data-and-existingSecret",
        {"secrets.native.data": {"k": "v"}, "secrets.native.existingSecret": "mine"},
        (chart_error("secrets.native", "either data or existingSecret"),),
    ),
    Bad(
        "env-from-config-and-secret",
        {"secrets.native.data": {"k": "v"}, "secrets.env": {"LOG_LEVEL": "k"}},
        (chart_error("secrets.env.LOG_LEVEL", "one place only"),),
    ),
    Bad(
        "gpu-request-by-hand",
        {"resources.requests.nvidia\\.com/gpu": 1},
        (chart_error("resources.requests.nvidia.com/gpu", "gpu.enabled and gpu.count"),),
    ),
    Bad(
        "gpu-limit-by-hand",
        {"resources.limits.nvidia\\.com/gpu": 1},
        (chart_error("resources.limits.nvidia.com/gpu", "gpu.enabled=true and gpu.count"),),
    ),
    Bad("ingress-without-hosts", {"ingress.enabled": True}, (chart_error("ingress.hosts", "at least one host"),)),
    Bad(
        "agic-with-keyVaultUri",
        {
            **INGRESS,
            "ingress.controller": "agic",
            "ingress.tls.enabled": True,
            "ingress.tls.keyVaultUri": "https://roo-kv.vault.azure.net/certificates/vision",
        },
        (chart_error("ingress.tls.keyVaultUri", "needs ingress.controller=nginx"),),
    ),
    Bad(
        "nginx-tls-without-source",
        {**INGRESS, "ingress.tls.enabled": True},
        (chart_error("ingress.tls", "TLS needs ingress.tls.secretName or ingress.tls.keyVaultUri"),),
    ),
    Bad(
        "agic-tls-without-source",
        {**INGRESS, "ingress.controller": "agic", "ingress.tls.enabled": True},
        (chart_error("ingress.tls", "TLS needs ingress.tls.secretName or ingress.tls.appGatewayCertificate"),),
    ),
    Bad(
        "nginx-with-appGatewayCertificate",
        {**INGRESS, "ingress.tls.enabled": True, "ingress.tls.appGatewayCertificate": "c"},
        (chart_error("ingress.tls.appGatewayCertificate", "only with ingress.controller=agic"),),
    ),
    Bad(
        "keyVaultUri-with-other-secretName",
        {
            **INGRESS,
            "ingress.tls.enabled": True,
            "ingress.tls.keyVaultUri": "https://roo-kv.vault.azure.net/certificates/vision",
            "ingress.tls.secretName": "mine",
        },
        (chart_error("ingress.tls.secretName", "must be empty or keyvault-ai-ai-inference"),),
    ),
    Bad(
        "tls-source-without-tls",
        {**INGRESS, "ingress.tls.keyVaultUri": "https://roo-kv.vault.azure.net/certificates/vision"},
        (chart_error("ingress.tls.enabled", "must be true"),),
    ),
    Bad(
        "agic-networkPolicy-without-cidr",
        {**INGRESS, "ingress.controller": "agic", "networkPolicy.enabled": True},
        (
            chart_error(
                "networkPolicy.appGatewaySubnetCIDR", "required with networkPolicy.enabled and ingress.controller=agic"
            ),
        ),
    ),
    Bad(
        "hpa-min-above-max",
        {"autoscaling.enabled": True, "autoscaling.minReplicas": 5, "autoscaling.maxReplicas": 2},
        (chart_error("autoscaling.minReplicas", "allowed: minReplicas <= maxReplicas"),),
    ),
    Bad(
        "hpa-without-metric",
        {"autoscaling.enabled": True, "autoscaling.targetCPUUtilizationPercentage": 0},
        (chart_error("autoscaling", "needs at least one of targetCPUUtilizationPercentage"),),
    ),
    Bad(
        "pdb-maxUnavailable-zero",
        {"replicaCount": 2, "podDisruptionBudget.maxUnavailable": 0},
        (chart_error("podDisruptionBudget.maxUnavailable", "allowed: at least 1"),),
    ),
    Bad(
        "existingClaim-without-name",
        {"modelCache.enabled": True, "modelCache.type": "existingClaim"},
        (chart_error("modelCache.existingClaim", "required when modelCache.type is existingClaim"),),
    ),
    Bad(
        "aks-pod-label",
        {"podLabels": {"kubernetes.azure.com/team": "ml"}},
        (chart_error("podLabels/commonLabels/selectorLabels", "reserved for AKS"),),
    ),
    Bad(
        "aks-common-label",
        {"commonLabels": {"kubernetes.azure.com/team": "ml"}},
        (chart_error("podLabels/commonLabels/selectorLabels", "reserved for AKS"),),
    ),
    # --- Service and disruption budget ---
    Bad(
        "service.targetPort-unknown-name",
        {"service.targetPort": "metrics"},
        (chart_error("service.targetPort", r"allowed: http or containerPort"),),
    ),
    Bad(
        "pdb-minAvailable-not-below-replicas",
        {"replicaCount": 3, "podDisruptionBudget.minAvailable": 3},
        (chart_error("podDisruptionBudget.minAvailable", r"allowed: fewer than"),),
    ),
    # --- AKS facts: Azure limits that render fine but fail on the cluster (_validate-ingress, -scaling, -metrics) ---
    Bad(
        "nginx-timeout-beyond-lb-idle",
        {**INGRESS, "ingress.nginx.timeoutSeconds": 600},
        (
            chart_error(
                "ingress.nginx.timeoutSeconds", r"allowed: at most 240, or raise the load balancer's idle timeout"
            ),
        ),
    ),
    Bad(
        "nginx-timeout-beyond-stated-lb-idle",
        {**INGRESS, "ingress.nginx.timeoutSeconds": 1200, "ingress.nginx.loadBalancerIdleTimeoutMinutes": 10},
        (
            chart_error(
                "ingress.nginx.timeoutSeconds", r"\(ingress.nginx.loadBalancerIdleTimeoutMinutes: 10 min\).*at most 600"
            ),
        ),
    ),
    Bad(
        "lb-idle-timeout-above-azure-max",
        {**INGRESS, "ingress.nginx.loadBalancerIdleTimeoutMinutes": 31},
        (schema_error("ingress.nginx.loadBalancerIdleTimeoutMinutes", maximum(30)),),
    ),
    Bad(
        "lb-idle-timeout-below-azure-min",
        {**INGRESS, "ingress.nginx.loadBalancerIdleTimeoutMinutes": 3},
        (schema_error("ingress.nginx.loadBalancerIdleTimeoutMinutes", minimum(4)),),
    ),
    Bad(
        "agic-waf-on-standard-v2",
        {**INGRESS, "ingress.controller": "agic", "ingress.agic.wafPolicyId": WAF_POLICY},
        (
            chart_error(
                "ingress.agic.wafPolicyId",
                r"ingress.agic.gatewaySku is Standard_v2.*allowed: ingress.agic.gatewaySku=WAF_v2",
            ),
        ),
    ),
    Bad(
        "agic-gatewaySku-unknown",
        {**INGRESS, "ingress.controller": "agic", "ingress.agic.gatewaySku": "WAF_v1"},
        (schema_error("ingress.agic.gatewaySku", one_of("Standard_v2", "WAF_v2")),),
    ),
    Bad(
        "agic-tls-secret-and-gateway-certificate",
        {
            **INGRESS,
            "ingress.controller": "agic",
            "ingress.tls.enabled": True,
            "ingress.tls.secretName": "vision-tls",
            "ingress.tls.appGatewayCertificate": "vision-cert",
        },
        (
            chart_error(
                "ingress.tls.appGatewayCertificate",
                r"TLS spec.*allowed: ingress.tls.secretName or ingress.tls.appGatewayCertificate, not both",
            ),
        ),
    ),
    Bad(
        "rwo-pvc-multi-replica-recreate",
        {"modelCache.enabled": True, "modelCache.type": "pvc", "replicaCount": 3, "strategy.type": "Recreate"},
        (chart_error("modelCache.accessMode", r"Multi-Attach.*whatever strategy.type is; allowed: ReadWriteMany"),),
    ),
    Bad(
        "rwo-pvc-multi-replica-rolling",
        {"modelCache.enabled": True, "modelCache.type": "pvc", "replicaCount": 3},
        (chart_error("modelCache.accessMode", r"allowed: ReadWriteMany \(azurefile-csi\)"),),
    ),
    Bad(
        "rwo-pvc-autoscaled",
        {
            "modelCache.enabled": True,
            "modelCache.type": "pvc",
            "strategy.type": "Recreate",
            "autoscaling.enabled": True,
        },
        (chart_error("modelCache.accessMode", r"replicaCount or autoscaling"),),
    ),
    Bad(
        "rwop-pvc-rolling-single-replica",
        {"modelCache.enabled": True, "modelCache.type": "pvc", "modelCache.accessMode": "ReadWriteOncePod"},
        (chart_error("strategy.type", r"ReadWriteOncePod model cache \(Multi-Attach\); allowed: Recreate"),),
    ),
    Bad(
        "networkPolicy-blocks-prometheus-operator-scrape",
        {"networkPolicy.enabled": True, "serviceMonitor.enabled": True},
        (chart_error("networkPolicy.metricsFrom", r"blocks the Prometheus.*allowed: that Prometheus's pods"),),
    ),
    Bad(
        "serviceMonitor-group-unknown",
        {"serviceMonitor.enabled": True, "serviceMonitor.apiVersion": "monitoring.azure.com/v1"},
        (schema_error("serviceMonitor.apiVersion", one_of("monitoring.coreos.com/v1", "azmonitoring.coreos.com/v1")),),
    ),
    Bad(
        "helmTest.image-digest-malformed",
        {"helmTest.image.digest": "sha256:abc"},
        (schema_error("helmTest.image.digest", PATTERN),),
    ),
    Bad(
        "helmTest.image-as-string",
        {"helmTest.image": "docker.io/library/busybox:1.37.0"},
        (schema_error("helmTest.image", typ("object")),),
    ),
    # --- presets: ports (extraContainerPorts, service.extraPorts, serviceMonitor.port, probe ports) ---
    Bad(
        "extraContainerPorts-named-http",
        {"extraContainerPorts": [{"name": "http", "containerPort": 9000}]},
        (schema_error("extraContainerPorts.0.name", NOT),),
    ),
    Bad(
        "extraContainerPorts-name-too-long",
        {"extraContainerPorts": [{"name": "a-very-long-port-name", "containerPort": 9000}]},
        (schema_error("extraContainerPorts.0.name", r"(?:String length must be less than or equal to 15|maxLength)"),),
    ),
    Bad(
        "extraContainerPorts-hostPort",
        {"extraContainerPorts": [{"name": "grpc", "containerPort": 8001, "hostPort": 8001}]},
        (schema_error("extraContainerPorts.0", extra("hostPort")),),
    ),
    Bad(
        "extraContainerPorts-duplicate-name",
        {"extraContainerPorts": [{"name": "grpc", "containerPort": 8001}, {"name": "grpc", "containerPort": 8002}]},
        (chart_error("extraContainerPorts[1].name", "allowed: a unique name other than http"),),
    ),
    Bad(
        "extraContainerPorts-number-of-http",
        {"extraContainerPorts": [{"name": "grpc", "containerPort": 8000}]},
        (chart_error("extraContainerPorts[0].containerPort", "allowed: a unique number"),),
    ),
    Bad(
        "service.extraPorts-target-not-a-container-port",
        {"service.extraPorts": [{"name": "grpc", "port": 8001, "targetPort": "grpc"}]},
        (chart_error("service.extraPorts[0].targetPort", r"not a port of the server container; allowed: http"),),
    ),
    Bad(
        "service.extraPorts-port-of-http",
        {
            "extraContainerPorts": [{"name": "grpc", "containerPort": 8001}],
            "service.extraPorts": [{"name": "grpc", "port": 80, "targetPort": "grpc"}],
        },
        (chart_error("service.extraPorts[0].port", "allowed: a unique number"),),
    ),
    Bad(
        "service.extraPorts-without-targetPort",
        {"service.extraPorts": [{"name": "grpc", "port": 8001}]},
        (schema_error("service.extraPorts.0", required("targetPort")),),
    ),
    Bad(
        "serviceMonitor.port-not-a-service-port",
        {"serviceMonitor.enabled": True, "serviceMonitor.port": "metrics"},
        (chart_error("serviceMonitor.port", r'"metrics" is not a Service port; allowed: http'),),
    ),
    Bad(
        "probe-port-not-a-container-port",
        {"probes.readiness.port": "metrics"},
        (chart_error("probes.readiness.port", r'"metrics" is not a port of the server container; allowed: http'),),
    ),
    # --- presets: gRPC through the ingress, and keys only the other controller reads ---
    Bad(
        "grpc-ingress-with-agic",
        {
            **INGRESS,
            "ingress.controller": "agic",
            "ingress.grpc.enabled": True,
            "ingress.grpc.hosts": ["g.example.com"],
        },
        (chart_error("ingress.grpc.enabled", "AGIC cannot route gRPC.*allowed: ingress.controller=nginx"),),
    ),
    Bad(
        "grpc-ingress-without-tls",
        {**INGRESS, "ingress.grpc.enabled": True, "ingress.grpc.hosts": ["g.example.com"]},
        (chart_error("ingress.grpc.enabled", "TLS listener only; allowed: with ingress.tls.enabled=true"),),
    ),
    Bad(
        "grpc-ingress-without-hosts",
        {**INGRESS, "ingress.tls.enabled": True, "ingress.tls.secretName": "t", "ingress.grpc.enabled": True},
        (chart_error("ingress.grpc.hosts", "at least one host"),),
    ),
    Bad(
        "grpc-ingress-on-an-http-route",
        {
            **INGRESS,
            "ingress.tls.enabled": True,
            "ingress.tls.secretName": "t",
            "ingress.grpc.enabled": True,
            "ingress.grpc.hosts": ["vision.example.com"],
        },
        (chart_error("ingress.grpc.hosts", "also an HTTP route.*allowed: another host, or a gRPC service prefix"),),
    ),
    Bad(
        "grpc-ingress-servicePort-unknown",
        {
            **INGRESS,
            "ingress.tls.enabled": True,
            "ingress.tls.secretName": "t",
            "ingress.grpc.enabled": True,
            "ingress.grpc.hosts": ["g.example.com"],
        },
        (chart_error("ingress.grpc.servicePort", "not one of service.extraPorts; allowed: none"),),
    ),
    Bad(
        "nginx-with-appgw-annotation",
        {**INGRESS, "ingress.annotations": {"appgw.ingress.kubernetes.io/request-timeout": "60"}},
        (chart_error("ingress.annotations", "read by AGIC only, and ingress.controller is nginx"),),
    ),
    Bad(
        "agic-with-nginx-annotation",
        {
            **INGRESS,
            "ingress.controller": "agic",
            "ingress.annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"},
        },
        (chart_error("ingress.annotations", "read by nginx only, and ingress.controller is agic"),),
    ),
    Bad(
        "nginx-with-wafPolicyId",
        {
            **INGRESS,
            "ingress.agic.wafPolicyId": "/subscriptions/0/resourceGroups/rg/providers/"
            "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/w",
        },
        (chart_error("ingress.agic.wafPolicyId", "allowed: empty with ingress.controller=nginx"),),
    ),
    Bad(
        "nginx-with-agic-backendProtocol",
        {**INGRESS, "ingress.agic.backendProtocol": "https"},
        (chart_error("ingress.agic.backendProtocol", "read by AGIC only"),),
    ),
    Bad(
        "nginx-with-appGatewaySubnetCIDR",
        {**INGRESS, "networkPolicy.enabled": True, "networkPolicy.appGatewaySubnetCIDR": "10.225.0.0/16"},
        (chart_error("networkPolicy.appGatewaySubnetCIDR", "allowed: empty with nginx"),),
    ),
    # --- presets: pod extensibility (volumes, init containers, sidecars, lifecycle, envFrom, sysctls, runtime) ---
    Bad(
        "resources.claims",
        {"resources.claims": [{"name": "gpu"}]},
        (chart_error("resources.claims", "does not render; allowed: none"),),
    ),
    Bad(
        "sysctl-not-safe",
        {"podSecurityContext.sysctls": [{"name": "kernel.msgmax", "value": "65536"}]},
        (
            chart_error(
                "podSecurityContext.sysctls[0].name",
                r'"kernel.msgmax" is not a safe sysctl.*allowed: .*net.ipv4.ip_unprivileged_port_start',
            ),
        ),
    ),
    Bad(
        "runtimeClassName-with-gpu",
        {"gpu.enabled": True, "runtimeClassName": "kata-vm-isolation"},
        (chart_error("runtimeClassName", "applies to CPU pods; allowed: empty with gpu.enabled=true"),),
    ),
    Bad(
        "runtimeClassName-malformed",
        {"runtimeClassName": "Kata VM"},
        (schema_error("runtimeClassName", PATTERN),),
    ),
    Bad(
        "extraVolumes-hostPath",
        {"extraVolumes": [{"name": "host", "hostPath": {"path": "/var/lib"}}]},
        (
            chart_error(
                "extraVolumes", r'\[0\] \(host\): a hostPath volume fails Pod Security "restricted"; allowed: configMap'
            ),
        ),
    ),
    Bad(
        "extraVolumes-name-of-a-chart-volume",
        {"extraVolumes": [{"name": "tmp", "emptyDir": {}}]},
        (chart_error("extraVolumes[0].name", r'"tmp" is already a volume of the pod'),),
    ),
    Bad(
        "extraVolumes-without-source",
        {"extraVolumes": [{"name": "nothing"}]},
        (schema_error("extraVolumes.0", r"(?:minProperties|Must have at least 2 properties)"),),
    ),
    Bad(
        "extraVolumeMounts-unknown-volume",
        {"extraVolumeMounts": [{"name": "weights", "mountPath": "/weights"}]},
        (chart_error("extraVolumeMounts[0].name", r'"weights" is not a volume of the pod; allowed: tmp, dshm'),),
    ),
    Bad(
        "extraVolumeMounts-relative-path",
        {"extraVolumeMounts": [{"name": "tmp", "mountPath": "weights"}]},
        (schema_error("extraVolumeMounts.0.mountPath", PATTERN),),
    ),
    Bad(
        "initContainers-without-name",
        {"initContainers": [{"image": "busybox:1.37.0"}]},
        (schema_error("initContainers.0", required("name")),),
    ),
    Bad(
        "initContainers-latest-image",
        {"initContainers": [{"name": "fetch", "image": "busybox:latest"}]},
        (schema_error("initContainers.0.image", NOT),),
    ),
    Bad(
        "initContainers-without-resources",
        {"initContainers": [{"name": "fetch", "command": ["true"]}]},
        (chart_error(r"initContainers[0] (fetch).resources.requests.cpu", "AKS Deployment Safeguards"),),
    ),
    Bad(
        "sidecars-named-like-the-server",
        {
            "sidecars": [
                {
                    "name": "server",
                    "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                }
            ]
        },
        (chart_error("sidecars", r"\[0\] \(server\): the name is taken by another container"),),
    ),
    Bad(
        "sidecars-mount-unknown-volume",
        {
            "sidecars": [
                {
                    "name": "proxy",
                    "volumeMounts": [{"name": "certs", "mountPath": "/certs"}],
                    "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                }
            ]
        },
        (chart_error("sidecars[0] (proxy).volumeMounts", r'"certs" is not a volume of the pod'),),
    ),
    Bad(
        "lifecycleHooks-two-handlers",
        {"lifecycleHooks.preStop": {"sleep": {"seconds": 5}, "exec": {"command": ["true"]}}},
        (schema_error("lifecycleHooks.preStop", r"(?:maxProperties|Must have at most 1 properties)"),),
    ),
    Bad(
        "lifecycleHooks-tcpSocket",
        {"lifecycleHooks.preStop": {"tcpSocket": {"port": 8000}}},
        (schema_error("lifecycleHooks.preStop", extra("tcpSocket")),),
    ),
    Bad(
        "lifecycleHooks-unknown-hook",
        {"lifecycleHooks.onExit": {"sleep": {"seconds": 5}}},
        (schema_error("lifecycleHooks", extra("onExit")),),
    ),
    Bad(
        "extraEnvFrom-unknown-source",
        {"extraEnvFrom": [{"vaultRef": {"name": "x"}}]},
        (schema_error("extraEnvFrom.0", extra("vaultRef")),),
    ),
    Bad(
        "enableServiceLinks-string", {"enableServiceLinks": "no"}, (schema_error("enableServiceLinks", typ("boolean")),)
    ),
    # --- presets: probes (kinds and every timing field) ---
    Bad(
        "probe-kind-unknown",
        {"probes.startup.kind": "ping"},
        (schema_error("probes.startup.kind", one_of("http", "tcp")),),
    ),
    Bad(
        "probe-exec-without-command",
        {"probes.liveness.kind": "exec"},
        (chart_error("probes.liveness.command", "required with kind exec"),),
    ),
    Bad(
        "probe-liveness-successThreshold",
        {"probes.liveness.successThreshold": 2},
        (chart_error("probes.liveness.successThreshold", "must be 1 for startup and liveness"),),
    ),
    Bad(
        "probe-readiness-terminationGracePeriodSeconds",
        {"probes.readiness.terminationGracePeriodSeconds": 30},
        (chart_error("probes.readiness.terminationGracePeriodSeconds", "startup and liveness probes only"),),
    ),
    Bad(
        "probe-liveness-http-without-path",
        {"probes.liveness.kind": "http"},
        (chart_error("probes.liveness.path", "kind http needs a path"),),
    ),
    Bad(
        "probe-initialDelaySeconds-negative",
        {"probes.startup.initialDelaySeconds": -5},
        (schema_error("probes.startup.initialDelaySeconds", minimum(0)),),
    ),
    Bad(
        "probe-scheme-unknown",
        {"probes.readiness.scheme": "GRPC"},
        (schema_error("probes.readiness.scheme", one_of("HTTP", "HTTPS")),),
    ),
    # --- presets: rollouts, startup budget, autoscaling signals ---
    Bad(
        "maxSurge-and-maxUnavailable-zero",
        {"strategy.maxSurge": 0, "strategy.maxUnavailable": 0},
        (chart_error("strategy.maxSurge/strategy.maxUnavailable", "both are 0.*allowed: maxSurge at least 1"),),
    ),
    Bad(
        "maxSurge-and-maxUnavailable-zero-percent",
        {"strategy.maxSurge": "0%", "strategy.maxUnavailable": 0},
        (chart_error("strategy.maxSurge/strategy.maxUnavailable", "both are 0"),),
    ),
    Bad(
        "maxUnavailable-negative",
        {"strategy.maxUnavailable": -1},
        (schema_error("strategy.maxUnavailable", minimum(0)),),
    ),
    Bad(
        "startup-budget-beyond-progress-deadline",
        {"probes.startup.failureThreshold": 720},
        (
            chart_error(
                "progressDeadlineSeconds", "shorter than the startup probe's budget of 7200 s.*allowed: at least 7200"
            ),
        ),
    ),
    Bad(
        "startup-budget-with-initial-delay",
        {"probes.startup.initialDelaySeconds": 1801},
        (chart_error("progressDeadlineSeconds", "budget of 3601 s"),),
    ),
    Bad(
        "hpa-metrics-keep-default-cpu-target",
        {
            "autoscaling.enabled": True,
            "autoscaling.metrics": [
                {
                    "type": "Pods",
                    "pods": {
                        "metric": {"name": "vllm_num_requests_waiting"},
                        "target": {"type": "AverageValue", "averageValue": "5"},
                    },
                }
            ],
        },
        (chart_error("autoscaling.metrics", "set both targets to 0 with metrics"),),
    ),
    # --- presets: neutral images and subchart use (global, extraObjects, commonAnnotations) ---
    Bad(
        "image.registry-with-scheme",
        {"image.registry": "https://roo.azurecr.io"},
        (schema_error("image.registry", PATTERN),),
    ),
    Bad(
        "global.imageRegistry-with-scheme",
        {"global.imageRegistry": "https://mirror.example.com"},
        (schema_error("global.imageRegistry", PATTERN),),
    ),
    Bad(
        "global.imagePullSecrets-number",
        {"global.imagePullSecrets": [42]},
        (schema_error("global.imagePullSecrets.0", r"(?:anyOf|Must validate at least one schema)"),),
    ),
    Bad(
        "extraObjects-without-kind",
        {"extraObjects": [{"apiVersion": "v1", "metadata": {"name": "x"}}]},
        (schema_error("extraObjects.0", required("kind")),),
    ),
    Bad(
        "extraObjects-without-name",
        {"extraObjects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}]},
        (schema_error("extraObjects.0.metadata", required("name")),),
    ),
    Bad(
        "commonAnnotations-number",
        {"commonAnnotations": {"team": 7}},
        (schema_error("commonAnnotations.team", typ("string")),),
    ),
    # --- Gateway API routes, the Gateway, Application Gateway for Containers ---
    Bad(
        "httpRoute-with-ingress-hosts",
        {**ROUTE, "httpRoute.hosts": ["vision.example.com"]},
        (schema_error("httpRoute", extra("hosts")),),
    ),
    Bad(
        "httpRoute-with-ingress-tls",
        {**ROUTE, "httpRoute.tls": {"enabled": True}},
        (schema_error("httpRoute", extra("tls")),),
    ),
    Bad(
        "httpRoute-rule-with-ingress-path",
        {**ROUTE, "httpRoute.rules": [{"path": "/", "pathType": "Prefix"}]},
        (schema_error("httpRoute.rules.0", extra("path")),),
    ),
    Bad(
        "httpRoute-with-nginx-annotation",
        {**ROUTE, "httpRoute.annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "600"}},
        (chart_error("httpRoute.annotations", "Ingress annotation.*allowed: httpRoute.timeouts"),),
    ),
    Bad(
        "gateway-with-agic-annotation",
        {**ROUTE, "gateway.annotations": {"appgw.ingress.kubernetes.io/request-timeout": "600"}},
        (chart_error("gateway.annotations", "Ingress annotation"),),
    ),
    Bad(
        "httpRoute-backendRequest-over-request",
        {**ROUTE, "httpRoute.timeouts.backendRequest": "15m"},
        (chart_error("httpRoute.timeouts.backendRequest", "longer than .*allowed: at most the request timeout"),),
    ),
    Bad(
        "httpRoute-rule-backendRequest-over-request",
        {**ROUTE, "httpRoute.rules": [{"timeouts": {"request": "1m", "backendRequest": "61s"}}]},
        (chart_error("httpRoute.rules[0].timeouts.backendRequest", "allowed: at most the request timeout"),),
    ),
    Bad(
        "httpRoute-timeout-not-a-duration",
        {**ROUTE, "httpRoute.timeouts.request": "10 minutes"},
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
        {**ROUTE, "httpRoute.hostnames": ["https://vision.example.com"]},
        (schema_error("httpRoute.hostnames.0", PATTERN),),
    ),
    Bad(
        "grpc-port-not-a-service-port",
        {**ROUTE, **GRPC, "httpRoute.grpc.port": "triton-grpc"},
        (chart_error("httpRoute.grpc.port", "allowed: the name of a service.extraPorts entry"),),
    ),
    Bad(
        "grpc-without-hostnames",
        {**ROUTE, "httpRoute.grpc.enabled": True},
        (chart_error("httpRoute.grpc.hostnames", "required with httpRoute.grpc.enabled"),),
    ),
    Bad(
        "grpc-hostname-shared-with-http",
        {**ROUTE, **GRPC, "httpRoute.grpc.hostnames": ["api.example.com"]},
        (chart_error("httpRoute.grpc.hostnames", "overlaps .*allowed: distinct host names"),),
    ),
    Bad(
        "grpc-under-http-wildcard",
        {**ROUTE, **GRPC, "httpRoute.hostnames": ["*.example.com"]},
        (chart_error("httpRoute.grpc.hostnames", "overlaps"),),
    ),
    Bad(
        "grpc-with-catch-all-http-route",
        {**ROUTE, **GRPC, "httpRoute.hostnames": []},
        (chart_error("httpRoute.hostnames", "required with httpRoute.grpc.enabled"),),
    ),
    Bad(
        "gateway-without-route",
        {"gateway.create": True},
        (chart_error("gateway.create", "allowed: httpRoute.enabled=true"),),
    ),
    Bad(
        "gateway-without-listener",
        {**ROUTE, "gateway.http": False},
        (chart_error("gateway", "no listener; allowed: gateway.http=true"),),
    ),
    Bad(
        "gateway-class-unknown",
        {**ROUTE, "gateway.className": "webapprouting.kubernetes.azure.com"},
        (schema_error("gateway.className", one_of("approuting-istio", "azure-alb-external")),),
    ),
    Bad(
        "gateway-name-too-long-for-approuting",
        {**ROUTE, "gateway.name": "g" * 47},
        (chart_error("gateway.name", "allowed: at most 46 characters"),),
    ),
    Bad(
        "gateway-tls-without-certificate",
        {**ROUTE, "gateway.tls.enabled": True},
        (
            chart_error(
                "gateway.tls", "needs a certificate; allowed: gateway.tls.keyVaultUri with gateway.tls.serviceAccount"
            ),
        ),
    ),
    Bad(
        "gateway-tls-key-vault-without-service-account",
        {**ROUTE, "gateway.tls.enabled": True, "gateway.tls.keyVaultUri": KV_CERT},
        (chart_error("gateway.tls.serviceAccount", "required with gateway.tls.keyVaultUri"),),
    ),
    Bad(
        "gateway-tls-service-account-without-key-vault",
        {**ROUTE, "gateway.tls.enabled": True, "gateway.tls.serviceAccount": "tls-reader"},
        (chart_error("gateway.tls.keyVaultUri", "required with gateway.tls.serviceAccount"),),
    ),
    Bad(
        "gateway-tls-key-vault-and-secret",
        {**ROUTE, **KV_TLS, "gateway.tls.secretName": "vision-tls"},
        (chart_error("gateway.tls", "not both"),),
    ),
    Bad(
        "gateway-tls-source-while-disabled",
        {**ROUTE, "gateway.tls.secretName": "vision-tls"},
        (chart_error("gateway.tls.enabled", "must be true"),),
    ),
    Bad(
        "gateway-tls-key-vault-uri-malformed",
        {**ROUTE, **KV_TLS, "gateway.tls.keyVaultUri": "roo-kv/certificates/vision"},
        (schema_error("gateway.tls.keyVaultUri", PATTERN),),
    ),
    Bad(
        "gateway-tls-chart-service-account-without-identity",
        {**ROUTE, **KV_TLS, "gateway.tls.serviceAccount": "ai-ai-inference"},
        (chart_error("gateway.tls.serviceAccount", "no workload identity"),),
    ),
    Bad(
        "gateway-tls-without-own-gateway",
        {"httpRoute.enabled": True, "httpRoute.parentRefs": [{"name": "shared"}], "gateway.tls.enabled": True},
        (chart_error("gateway.create", "configure the chart's own Gateway"),),
    ),
    Bad(
        "gateway-tls-key-vault-on-agc",
        {**AGC_ROUTE, **KV_TLS},
        (chart_error("gateway.tls.keyVaultUri", "allowed with azure-alb-external: gateway.tls.secretName"),),
    ),
    Bad(
        "gateway-load-balancer-idle-timeout-out-of-range",
        {
            **ROUTE,
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
        {**ROUTE, "gateway.className": "azure-alb-external"},
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
        {**ROUTE, "gateway.className": "azure-alb-external", "gateway.agc.albId": AGC_ID},
        (chart_error("gateway.agc.albId", "needs both"),),
    ),
    Bad(
        "agc-managed-and-byo",
        {**AGC_ROUTE, "gateway.agc.albId": AGC_ID, "gateway.agc.frontend": "fe"},
        (chart_error("gateway.agc", "not both"),),
    ),
    Bad(
        "agc-alb-id-malformed",
        {**AGC_ROUTE, "gateway.agc.albId": "agc-1"},
        (schema_error("gateway.agc.albId", PATTERN),),
    ),
    Bad(
        "agc-alb-reference-on-existing-gateway",
        {"httpRoute.enabled": True, "httpRoute.parentRefs": [{"name": "shared"}], **AGC_REF},
        (chart_error("gateway.agc.albName", "annotates the chart's own Gateway"),),
    ),
    Bad(
        "agc-annotations-on-approuting",
        {**ROUTE, "gateway.agc.albNamespace": "alb", "gateway.agc.albName": "alb"},
        (chart_error("gateway.agc.albName", "allowed only with gateway.className=azure-alb-external"),),
    ),
    Bad(
        "agc-waf-on-approuting",
        {**ROUTE, "gateway.agc.wafPolicyId": WAF_POLICY},
        (chart_error("gateway.agc.wafPolicyId", "allowed only with gateway.className=azure-alb-external"),),
    ),
    Bad(
        "agc-health-check-on-approuting",
        {**ROUTE, "gateway.agc.healthCheck.enabled": True},
        (chart_error("gateway.agc.healthCheck.enabled", "allowed only with"),),
    ),
    Bad(
        "agc-waf-id-malformed",
        {**AGC_ROUTE, "gateway.agc.wafPolicyId": "roo-waf"},
        (schema_error("gateway.agc.wafPolicyId", PATTERN),),
    ),
    Bad(
        "agc-policies-without-route",
        {"gateway.className": "azure-alb-external", "gateway.agc.wafPolicyId": WAF_POLICY},
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
        {**CANARY, "canary.weights.stable": 90, "canary.weights.canary": 20},
        (
            chart_error(
                "canary.weights", r"stable \(90\) \+ canary \(20\) = 110; allowed: two percentages that add up to 100"
            ),
        ),
    ),
    Bad(
        "canary-weight-over-100",
        {**CANARY, "canary.weights.canary": 101},
        (schema_error("canary.weights.canary", maximum(100)),),
    ),
    Bad(
        "canary-without-route",
        {"canary.enabled": True, "canary.image.tag": "v3.5.0"},
        (chart_error("canary.enabled", "allowed: httpRoute.enabled=true"),),
    ),
    Bad(
        "canary-same-as-stable",
        {**ROUTE, "canary.enabled": True},
        (chart_error("canary.image", "stable image and arguments"),),
    ),
    Bad("canary-tag-latest", {**CANARY, "canary.image.tag": "latest"}, (schema_error("canary.image.tag", NOT),)),
    Bad(
        "canary-digest-malformed",
        {**CANARY, "canary.image.digest": "sha256:abc"},
        (schema_error("canary.image.digest", PATTERN),),
    ),
    Bad(
        "canary-replicas-zero", {**CANARY, "canary.replicaCount": 0}, (schema_error("canary.replicaCount", minimum(1)),)
    ),
    Bad(
        "canary-mirror-percent-zero",
        {**CANARY, "canary.mirror.percent": 0},
        (schema_error("canary.mirror.percent", minimum(1)),),
    ),
    Bad(
        "canary-selector-only-instance",
        {**CANARY, "selectorLabels": {"app.kubernetes.io/instance": "vision"}},
        (chart_error("selectorLabels", "allowed: a selectorLabels key besides app.kubernetes.io/instance"),),
    ),
    Bad(
        "canary-shares-rwo-model-cache",
        {**CANARY, "modelCache.enabled": True, "modelCache.type": "pvc"},
        (chart_error("modelCache.accessMode", "canary's pods mount the same model-cache claim"),),
    ),
    Bad(
        "canary-pdb-minAvailable-not-below-replicas",
        {**CANARY, "replicaCount": 3, "canary.replicaCount": 2, "podDisruptionBudget.minAvailable": 2},
        (chart_error("podDisruptionBudget.minAvailable", "no canary pod to evict"),),
    ),
    # --- KEDA ---
    Bad(
        "keda-and-hpa",
        {**KEDA, "autoscaling.enabled": True},
        (chart_error("autoscaling.enabled and keda.enabled", "allowed: one of them"),),
    ),
    Bad(
        "keda-without-prometheus",
        {"keda.enabled": True, "serviceMonitor.enabled": True},
        (chart_error("keda.prometheus.serverAddress", "required"),),
    ),
    Bad(
        "keda-min-over-max",
        {**KEDA, "keda.minReplicas": 5, "keda.maxReplicas": 2},
        (chart_error("keda.minReplicas", "allowed: minReplicas <= maxReplicas"),),
    ),
    Bad("keda-max-zero", {**KEDA, "keda.maxReplicas": 0}, (schema_error("keda.maxReplicas", minimum(1)),)),
    Bad(
        "keda-managed-prometheus-without-identity",
        {**KEDA, "keda.prometheus.serverAddress": AMW},
        (chart_error("keda.prometheus.azureWorkloadIdentity", "required for an Azure Monitor workspace endpoint"),),
    ),
    Bad(
        "keda-workload-identity-on-in-cluster-prometheus",
        {**KEDA, "keda.prometheus.azureWorkloadIdentity": True},
        (chart_error("keda.prometheus.azureWorkloadIdentity", "is not an Azure Monitor workspace query endpoint"),),
    ),
    Bad(
        "keda-identity-without-workload-identity",
        {**KEDA, "keda.prometheus.identityId": CLIENT_ID},
        (chart_error("keda.prometheus.identityId", "allowed only with keda.prometheus.azureWorkloadIdentity=true"),),
    ),
    Bad(
        "keda-scale-to-zero-on-the-servers-own-metric",
        {**KEDA, "keda.scaleToZero": True},
        (chart_error("keda.prometheus.query", "never scale up from zero"),),
    ),
    Bad(
        "keda-default-query-without-service-monitor",
        {**KEDA, "serviceMonitor.enabled": False},
        (chart_error("keda.prometheus.query", "allowed: serviceMonitor.enabled=true"),),
    ),
    Bad(
        "keda-server-unknown",
        {**KEDA, "keda.server": "ollama"},
        (schema_error("keda.server", one_of("vllm", "tgi", "triton")),),
    ),
    Bad(
        "keda-threshold-not-a-number",
        {**KEDA, "keda.prometheus.threshold": "five"},
        (schema_error("keda.prometheus.threshold", PATTERN),),
    ),
    Bad(
        "keda-pdb-minAvailable-not-below-min",
        {**KEDA, "keda.minReplicas": 2, "podDisruptionBudget.minAvailable": 2},
        (chart_error("podDisruptionBudget.minAvailable", r"allowed: fewer than"),),
    ),
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
            **INGRESS,
            "ingress.agic.wafPolicyId": "/subscriptions/0/resourceGroups/rg/providers/"
            "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/waf",
        },
        (chart_error("ingress.agic.wafPolicyId", "allowed: ingress.controller=agic"),),
    ),
    Bad(
        "appgw-cidr-with-nginx",
        {**INGRESS, "networkPolicy.appGatewaySubnetCIDR": "10.1.0.0/16"},
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
    Bad("ip-address-as-host", {**INGRESS, "ingress.hosts": ["10.0.0.1"]}, (schema_error("ingress.hosts.0", PATTERN),)),
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
        {**CSI, "serviceAccount.create": False},
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
        (schema_error("probes.readyPath", PATTERN),),
    ),
]


@pytest.fixture(scope="module", autouse=True)
def _prerender_catalog(renderer: Renderer) -> None:
    """Queue the whole catalog in the render pool up front (the renders run in parallel)."""
    renderer.prerender(RenderRequest.make(bad.overrides) for bad in CATALOG)


def _param(bad: Bad) -> ParameterSet:
    marks = (
        [pytest.mark.xfail(strict=True, reason=f"chart lacks this validation: {bad.missing}")] if bad.missing else []
    )
    return pytest.param(bad, id=bad.id, marks=marks)


def test_catalog_is_big_enough() -> None:
    assert len([b for b in CATALOG if not b.missing]) >= 30
    assert len({b.id for b in CATALOG}) == len(CATALOG), "duplicate ids"


@pytest.mark.parametrize("bad", [_param(b) for b in CATALOG])
def test_bad_input_fails_with_message(expect_render_error: ExpectRenderErrorFunc, bad: Bad) -> None:
    expect_render_error(bad.overrides, match=bad.match)


def test_all_problems_reported_at_once(expect_render_error: ExpectRenderErrorFunc) -> None:
    """_validate.tpl collects every problem before failing, so one run shows them all."""
    expect_render_error(
        {**CSI, "secrets.csi.keyvaultName": "", "secrets.csi.tenantId": "", "ingress.enabled": True},
        match=[
            chart_error("secrets.csi.keyvaultName", "required"),
            chart_error("secrets.csi.tenantId", "required"),
            chart_error("ingress.hosts", "at least one host"),
        ],
    )


SWITCHES = [("secrets.provider", "vault", "native, csi"), ("ingress.controller", "traefik", "nginx, agic")]


# Enum checks of the templates that only a render without the schema reaches: (key, value, other --set values).
UNCHECKED_ENUMS = [("gateway.className", "x", ()), ("keda.server", "x", ("keda.enabled=true",))]


def render_without_schema(
    renderer: Renderer, switch: str, value: str, *others: str
) -> subprocess.CompletedProcess[str]:
    """`helm template --skip-schema-validation --set <switch>=<value>` (and `--set` each of `others`)."""
    command = [str(renderer.helm), "template", "t", str(renderer.chart_dir), "--skip-schema-validation"]
    sets = [arg for pair in ((f"{switch}={value}",), others) for item in pair for arg in ("--set", item)]
    return subprocess.run([*command, *sets], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("switch", "value", "allowed"), SWITCHES)
def test_switches_checked_without_the_schema(renderer: Renderer, switch: str, value: str, allowed: str) -> None:
    """`--skip-schema-validation` (or a schema-less copy of the chart) must not let an unknown switch through."""
    proc = render_without_schema(renderer, switch, value)
    assert proc.returncode != 0, f"{switch}={value} rendered without the schema"
    assert f'ai-inference: {switch}: "{value}" is not supported; allowed: {allowed}' in proc.stderr, proc.stderr
