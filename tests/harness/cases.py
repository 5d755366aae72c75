"""The scenarios every tier renders: the chart defaults, every combination of the three switches, and every values
file `values/*.yaml`. One id scheme (`defaults`, `gpu-csi-ingress_agic`, `values-prod-gpu`) and one set of
obviously fake Azure IDs, shared by the render tier, the policy gates, the smoke tier and the benchmarks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.paths import chart_values_files
from harness.render import DEFAULT_KUBE_VERSION, RenderRequest

if TYPE_CHECKING:
    from pathlib import Path

# Obviously fake Azure IDs (the form every values file uses too): a real tenant must never appear in a render.
TENANT_ID = "00000000-0000-0000-0000-000000000001"
CLIENT_ID = "00000000-0000-0000-0000-000000000002"
HOST = "vision.example.com"

GPU_STATES = (False, True)
PROVIDERS = ("native", "csi")
INGRESSES = ("off", "nginx", "agic")

# The least csi mode needs to render (the chart validates each of these).
CSI_MINIMUM: dict[str, Any] = {
    "secrets.provider": "csi",
    "secrets.csi.keyvaultName": "roo-kv",
    "secrets.csi.tenantId": TENANT_ID,
    "secrets.csi.clientId": CLIENT_ID,
    "secrets.csi.objects": [{"objectName": "OpenAIKey", "objectType": "secret"}],
}
# A fake ARM resource ID of an Application Gateway WAF policy (for ingress.agic.wafPolicyId).
WAF_POLICY_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg/providers/"
    "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/waf"
)
# A fake ARM resource ID of an Application Gateway for Containers (for gateway.agc.resourceId).
AGC_RESOURCE_ID = (
    "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg/providers/"
    "Microsoft.ServiceNetworking/trafficControllers/agc"
)
# The least an Ingress needs to render.
INGRESS_MINIMUM: dict[str, Any] = {"ingress.enabled": True, "ingress.hosts": [HOST]}
# The least a Gateway API route needs to render (with a Gateway of the chart's own), and what AGC, a gRPC route,
# listener TLS from Key Vault, the weighted canary and KEDA add to it.
ROUTE_MINIMUM: dict[str, Any] = {
    "httpRoute.enabled": True,
    "gateway.create": True,
    "httpRoute.hostnames": ["api.example.com"],
}
AGC_REFERENCE: dict[str, Any] = {
    "gateway.className": "azure-alb-external",
    "gateway.agc.albNamespace": "alb",
    "gateway.agc.albName": "alb",
}
GRPC_ROUTE: dict[str, Any] = {"httpRoute.grpc.enabled": True, "httpRoute.grpc.hostnames": ["grpc.example.com"]}
KEYVAULT_CERT = "https://roo-kv.vault.azure.net/certificates/vision"
LISTENER_TLS: dict[str, Any] = {
    "gateway.tls.enabled": True,
    "gateway.tls.keyVaultUri": KEYVAULT_CERT,
    "gateway.tls.serviceAccount": "tls-reader",
}
CANARY_MINIMUM: dict[str, Any] = {**ROUTE_MINIMUM, "canary.enabled": True, "canary.image.tag": "v3.5.0"}
# The route to an InferencePool with the chart's endpoint picker, on a self-managed Istio.
INFERENCE_POOL: dict[str, Any] = {**ROUTE_MINIMUM, "gateway.className": "istio", "inferencePool.enabled": True}
KEDA_MINIMUM: dict[str, Any] = {
    "keda.enabled": True,
    "keda.prometheus.serverAddress": "http://prometheus.monitoring:9090",
    "serviceMonitor.enabled": True,
}
# A fake Azure Monitor workspace query endpoint (for keda.prometheus.serverAddress with Managed Prometheus).
AZURE_MONITOR_WORKSPACE = "https://roo-amw.westeurope.prometheus.monitor.azure.com"
# Each `securityExceptions` name with values that use what it relaxes (the render tier holds the render to every other
# rule; the ecosystem tier checks that the scanners see it). `relaxed(name)` adds the name itself.
RELAXATIONS: dict[str, dict[str, Any]] = {
    "runAsRoot": {"podSecurityContext": {"runAsUser": 0, "runAsNonRoot": False}, "securityContext.runAsNonRoot": False},
    "privilegeEscalation": {"securityContext.allowPrivilegeEscalation": True},
    "baselineCapabilities": {"securityContext.capabilities": {"add": ["CHOWN"], "drop": []}},
    "writableRootFilesystem": {"securityContext.readOnlyRootFilesystem": False},
    "serviceAccountToken": {"serviceAccount.automountToken": True},
    "publicLoadBalancer": {"service.type": "LoadBalancer"},
    "openNetworkPeers": {"networkPolicy.enabled": True, "networkPolicy.extraFrom": [{"namespaceSelector": {}}]},
    "clusterScopedObjects": {
        "extraObjects": [
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}
        ]
    },
    "hookObjects": {
        "extraObjects": [
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "h", "annotations": {"helm.sh/hook": "pre-install"}},
            }
        ]
    },
}


def relaxed(name: str) -> dict[str, Any]:
    """The values of RELAXATIONS[name] with `securityExceptions: [name]`."""
    return {**RELAXATIONS[name], "securityExceptions": [name]}


# Each provider as the switch matrix sets it; `secrets.env` is included so the env wiring is exercised in both modes.
PROVIDER_OVERRIDES: dict[str, dict[str, Any]] = {
    "native": {
        "secrets.provider": "native",
        "secrets.native.data": {"api-key": "not-a-real-key"},
        "secrets.env": {"API_KEY": "api-key"},
    },
    "csi": {
        **CSI_MINIMUM,
        "secrets.csi.objects": [{"objectName": "OpenAIKey", "objectType": "secret", "objectAlias": "api-key"}],
        "secrets.csi.syncSecret.enabled": True,
        "secrets.env": {"API_KEY": "api-key"},
    },
}


def ingress_overrides(ingress: str) -> dict[str, Any]:
    """Overrides for one ingress position."""
    if ingress == "off":
        return {"ingress.enabled": False}
    return {**INGRESS_MINIMUM, "ingress.controller": ingress}


@dataclass(frozen=True)
class Case:
    """One scenario: an id for test names and reports, and what to render."""

    id: str
    overrides: tuple[tuple[str, Any], ...] = ()
    values_file: Path | None = None

    def request(self, *, kube_version: str = DEFAULT_KUBE_VERSION) -> RenderRequest:
        """The render request of this case."""
        files = (self.values_file,) if self.values_file else ()
        return RenderRequest.make(dict(self.overrides), values_files=files, kube_version=kube_version)


def switch_cases() -> list[Case]:
    """gpu.enabled x secrets.provider x ingress (off, nginx, agic)."""
    cases = []
    for gpu, provider, ingress in itertools.product(GPU_STATES, PROVIDERS, INGRESSES):
        overrides = {"gpu.enabled": gpu, **PROVIDER_OVERRIDES[provider], **ingress_overrides(ingress)}
        case_id = f"{'gpu' if gpu else 'cpu'}-{provider}-ingress_{ingress}"
        cases.append(Case(id=case_id, overrides=tuple(overrides.items())))
    return cases


def file_cases() -> list[Case]:
    """One case per values/*.yaml."""
    return [Case(id=f"values-{path.stem}", values_file=path) for path in chart_values_files()]


def all_cases() -> list[Case]:
    """The whole matrix: the chart defaults, the switch combinations, the values files."""
    return [Case(id="defaults"), *switch_cases(), *file_cases()]
