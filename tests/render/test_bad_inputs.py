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
    Bad("maxSurge-zero", {"strategy.maxSurge": 0}, (schema_error("strategy.maxSurge", minimum(1)),)),
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


@pytest.mark.parametrize(
    ("switch", "value", "allowed"),
    [("secrets.provider", "vault", "native, csi"), ("ingress.controller", "traefik", "nginx, agic")],
)
def test_switches_checked_without_the_schema(renderer: Renderer, switch: str, value: str, allowed: str) -> None:
    """`--skip-schema-validation` (or a schema-less copy of the chart) must not let an unknown switch through."""
    proc = subprocess.run(
        [
            str(renderer.helm),
            "template",
            "t",
            str(renderer.chart_dir),
            "--skip-schema-validation",
            "--set",
            f"{switch}={value}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0, f"{switch}={value} rendered without the schema"
    assert f'ai-inference: {switch}: "{value}" is not supported; allowed: {allowed}' in proc.stderr, proc.stderr
