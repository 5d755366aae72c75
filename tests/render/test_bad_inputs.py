"""The bad-input catalog: invalid values must fail the render with a message that names the key and what is allowed.

`CATALOG` (a list of `Bad`: id, overrides, the regexes helm's stderr must match, and `missing` for a validation the
chart lacks) is the schema part (bad_inputs_schema.py: types, unknown keys, bounds, enums, patterns), the chart's own
checks below (combinations, Service, AKS facts), the presets part (bad_inputs_presets.py), the routing part
(bad_inputs_routing.py: Gateway API, canary, KEDA), the InferencePool part (bad_inputs_inference.py), the input guards
(bad_inputs_guards.py), the security and exposure parts (bad_inputs_security.py: Pod Security and the Safeguards
on every container, tokens; bad_inputs_exposure.py: reserved metadata, extraObjects, load balancers, NetworkPolicy
peers, integer bounds) and the hazards (bad_inputs_hazards.py: values that rendered silently and failed in the
cluster, their warnings). The expected messages are regexes built by harness.helm_messages: one for Helm 3's and
Helm 4's schema wording (which also differ between helm releases), one for the chart's own
`ai-inference: <key path>: <what is wrong>; <what is allowed>` lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import CSI_MINIMUM, INGRESS_MINIMUM, WAF_POLICY_ID
from harness.helm_messages import (
    PATTERN,
    Bad,
    chart_error,
    maximum,
    minimum,
    one_of,
    schema_error,
    typ,
)
from harness.render import RenderRequest

from .bad_inputs_exposure import EXPOSURE_CATALOG
from .bad_inputs_guards import GUARD_CATALOG
from .bad_inputs_hazards import HAZARD_CATALOG
from .bad_inputs_inference import INFERENCE_CATALOG
from .bad_inputs_presets import PRESET_CATALOG
from .bad_inputs_routing import ROUTING_CATALOG
from .bad_inputs_schema import SCHEMA_CATALOG
from .bad_inputs_security import SECURITY_CATALOG

if TYPE_CHECKING:
    from collections.abc import Mapping

    from _pytest.mark.structures import ParameterSet
    from harness.errors import RenderError
    from harness.pytest_plugin import ExpectRenderErrorFunc
    from harness.render import Renderer


CATALOG: list[Bad] = [
    *SCHEMA_CATALOG,
    # --- combinations (templates/_validate.tpl) ---
    Bad(
        "csi-without-keyvaultName",
        {**CSI_MINIMUM, "secrets.csi.keyvaultName": ""},
        (chart_error("secrets.csi.keyvaultName", "required when secrets.provider is csi"),),
    ),
    Bad(
        "csi-without-tenantId",
        {**CSI_MINIMUM, "secrets.csi.tenantId": ""},
        (chart_error("secrets.csi.tenantId", "required when secrets.provider is csi"),),
    ),
    Bad(
        "csi-without-clientId",
        {**CSI_MINIMUM, "secrets.csi.clientId": ""},
        (chart_error("secrets.csi.clientId", "required when secrets.provider is csi"),),
    ),
    Bad(
        "csi-without-objects",
        {**CSI_MINIMUM, "secrets.csi.objects": []},
        (chart_error("secrets.csi.objects", "at least one Key Vault object"),),
    ),
    Bad(
        "csi-with-native-data",
        {**CSI_MINIMUM, "secrets.native.data": {"k": "v"}},
        (chart_error("secrets.native", "must be empty when secrets.provider is csi"),),
    ),
    Bad(
        "csi-env-without-sync",
        {**CSI_MINIMUM, "secrets.env": {"API_KEY": "OpenAIKey"}},
        (chart_error("secrets.env", "needs secrets.csi.syncSecret.enabled=true"),),
    ),
    Bad(
        "csi-env-unknown-object",
        {**CSI_MINIMUM, "secrets.csi.syncSecret.enabled": True, "secrets.env": {"API_KEY": "nope"}},
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
            **INGRESS_MINIMUM,
            "ingress.controller": "agic",
            "ingress.tls.enabled": True,
            "ingress.tls.keyVaultUri": "https://roo-kv.vault.azure.net/certificates/vision",
        },
        (chart_error("ingress.tls.keyVaultUri", "needs ingress.controller=nginx"),),
    ),
    Bad(
        "nginx-tls-without-source",
        {**INGRESS_MINIMUM, "ingress.tls.enabled": True},
        (chart_error("ingress.tls", "TLS needs ingress.tls.secretName or ingress.tls.keyVaultUri"),),
    ),
    Bad(
        "agic-tls-without-source",
        {**INGRESS_MINIMUM, "ingress.controller": "agic", "ingress.tls.enabled": True},
        (chart_error("ingress.tls", "TLS needs ingress.tls.secretName or ingress.tls.appGatewayCertificate"),),
    ),
    Bad(
        "nginx-with-appGatewayCertificate",
        {**INGRESS_MINIMUM, "ingress.tls.enabled": True, "ingress.tls.appGatewayCertificate": "c"},
        (chart_error("ingress.tls.appGatewayCertificate", "only with ingress.controller=agic"),),
    ),
    Bad(
        "keyVaultUri-with-other-secretName",
        {
            **INGRESS_MINIMUM,
            "ingress.tls.enabled": True,
            "ingress.tls.keyVaultUri": "https://roo-kv.vault.azure.net/certificates/vision",
            "ingress.tls.secretName": "mine",
        },
        (chart_error("ingress.tls.secretName", "must be empty or keyvault-ai-ai-inference"),),
    ),
    Bad(
        "tls-source-without-tls",
        {**INGRESS_MINIMUM, "ingress.tls.keyVaultUri": "https://roo-kv.vault.azure.net/certificates/vision"},
        (chart_error("ingress.tls.enabled", "must be true"),),
    ),
    Bad(
        "agic-networkPolicy-without-cidr",
        {**INGRESS_MINIMUM, "ingress.controller": "agic", "networkPolicy.enabled": True},
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
        {**INGRESS_MINIMUM, "ingress.nginx.timeoutSeconds": 600},
        (
            chart_error(
                "ingress.nginx.timeoutSeconds", r"allowed: at most 240, or raise the load balancer's idle timeout"
            ),
        ),
    ),
    Bad(
        "nginx-timeout-beyond-stated-lb-idle",
        {**INGRESS_MINIMUM, "ingress.nginx.timeoutSeconds": 1200, "ingress.nginx.loadBalancerIdleTimeoutMinutes": 10},
        (
            chart_error(
                "ingress.nginx.timeoutSeconds", r"\(ingress.nginx.loadBalancerIdleTimeoutMinutes: 10 min\).*at most 600"
            ),
        ),
    ),
    Bad(
        "lb-idle-timeout-above-azure-max",
        {**INGRESS_MINIMUM, "ingress.nginx.loadBalancerIdleTimeoutMinutes": 31},
        (schema_error("ingress.nginx.loadBalancerIdleTimeoutMinutes", maximum(30)),),
    ),
    Bad(
        "lb-idle-timeout-below-azure-min",
        {**INGRESS_MINIMUM, "ingress.nginx.loadBalancerIdleTimeoutMinutes": 3},
        (schema_error("ingress.nginx.loadBalancerIdleTimeoutMinutes", minimum(4)),),
    ),
    Bad(
        "agic-waf-on-standard-v2",
        {**INGRESS_MINIMUM, "ingress.controller": "agic", "ingress.agic.wafPolicyId": WAF_POLICY_ID},
        (
            chart_error(
                "ingress.agic.wafPolicyId",
                r"ingress.agic.gatewaySku is Standard_v2.*allowed: ingress.agic.gatewaySku=WAF_v2",
            ),
        ),
    ),
    Bad(
        "agic-gatewaySku-unknown",
        {**INGRESS_MINIMUM, "ingress.controller": "agic", "ingress.agic.gatewaySku": "WAF_v1"},
        (schema_error("ingress.agic.gatewaySku", one_of("Standard_v2", "WAF_v2")),),
    ),
    Bad(
        "agic-tls-secret-and-gateway-certificate",
        {
            **INGRESS_MINIMUM,
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
    *PRESET_CATALOG,
    *ROUTING_CATALOG,
    *INFERENCE_CATALOG,
    *GUARD_CATALOG,
    *SECURITY_CATALOG,
    *EXPOSURE_CATALOG,
    *HAZARD_CATALOG,
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
        {**CSI_MINIMUM, "secrets.csi.keyvaultName": "", "secrets.csi.tenantId": "", "ingress.enabled": True},
        match=[
            chart_error("secrets.csi.keyvaultName", "required"),
            chart_error("secrets.csi.tenantId", "required"),
            chart_error("ingress.hosts", "at least one host"),
        ],
    )


SWITCHES = [("secrets.provider", "vault", "native, csi"), ("ingress.controller", "traefik", "nginx, agic")]


# Enum checks of the templates that only a render without the schema reaches: (key, value, the other values it needs).
UNCHECKED_ENUMS: list[tuple[str, str, Mapping[str, Any]]] = [
    ("gateway.className", "x", {}),
    ("keda.server", "x", {"keda.enabled": True}),
]


def render_without_schema(
    renderer: Renderer, switch: str, value: str, others: Mapping[str, Any] | None = None
) -> RenderError:
    """The error of `helm template --skip-schema-validation` with `<switch>: <value>` (and `others`); fails the test
    when the chart renders."""
    request = RenderRequest.make({switch: value, **(others or {})}, extra_args=["--skip-schema-validation"])
    return renderer.render_error(request)


@pytest.mark.parametrize(("switch", "value", "allowed"), SWITCHES)
def test_switches_checked_without_the_schema(renderer: Renderer, switch: str, value: str, allowed: str) -> None:
    """`--skip-schema-validation` (or a schema-less copy of the chart) must not let an unknown switch through."""
    error = render_without_schema(renderer, switch, value)
    assert f'ai-inference: {switch}: "{value}" is not supported; allowed: {allowed}' in error.stderr, error.stderr
