"""Gateway API: the HTTPRoute (beside or instead of the Ingress), the Gateway on approuting-istio and on Application
Gateway for Containers, the AGC policies and the NetworkPolicy peer of the gateway; validated per AKS minor against the
Gateway API bundle that minor ships."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import AGC_RESOURCE_ID, CLIENT_ID, PROVIDER_OVERRIDES, WAF_POLICY_ID
from harness.kube_schema import KUBE_VERSIONS, aks_component_versions, crd_schema_dirs, schema_errors
from harness.render import RenderRequest

if TYPE_CHECKING:
    from harness.pytest_plugin import RenderFunc
    from harness.render import Manifest, Obj, Renderer

HOST = "vision.example.com"
KV_URI = "https://roo-kv.vault.azure.net/certificates/vision"
WAF = WAF_POLICY_ID
AGC_ID = AGC_RESOURCE_ID
ROUTE = {"httpRoute.enabled": True, "httpRoute.hostnames": [HOST]}
ISTIO = {**ROUTE, "gateway.create": True}
AGC = {
    **ROUTE,
    "gateway.create": True,
    "gateway.className": "azure-alb-external",
    "gateway.agc.albNamespace": "alb-infra",
    "gateway.agc.albName": "alb",
}
CANARY = {"canary.enabled": True, "canary.image.tag": "v3.5.0"}


def listeners(m: Manifest) -> dict[str, Obj]:
    return {listener["name"]: listener for listener in m.get("Gateway")["spec"]["listeners"]}


def backends(m: Manifest, kind: str = "HTTPRoute") -> list[Obj]:
    return m.get(kind)["spec"]["rules"][0]["backendRefs"]  # type: ignore[no-any-return]


# --- HTTPRoute --------------------------------------------------------------------------------------------------------


def test_route_to_the_service_port_with_long_timeouts(render: RenderFunc) -> None:
    m = render({**ISTIO, "service.port": 8080})
    route = m.get("HTTPRoute")
    assert route["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert route["spec"]["parentRefs"] == [{"name": m.get("Gateway")["metadata"]["name"]}]
    assert route["spec"]["hostnames"] == [HOST]
    (rule,) = route["spec"]["rules"]
    assert rule["backendRefs"] == [{"name": m.get("Service")["metadata"]["name"], "port": 8080}]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    assert rule["timeouts"] == {"request": "600s"}, "backendRequest stays unset by default"


def test_route_beside_the_ingress_during_a_migration(render: RenderFunc) -> None:
    """Both on: the Ingress and the HTTPRoute send to the same (single) Service."""
    m = render({**ISTIO, "ingress.enabled": True, "ingress.hosts": [HOST]})
    (service,) = m.by_kind("Service")
    name = service["metadata"]["name"]
    assert m.first("$.spec.rules[0].http.paths[0].backend.service.name", m.get("Ingress")) == name
    assert backends(m) == [{"name": name, "port": service["spec"]["ports"][0]["port"]}]


def test_route_attaches_to_an_existing_gateway_only(render: RenderFunc) -> None:
    parent = {"name": "shared", "namespace": "gateways", "sectionName": "https"}
    m = render({**ROUTE, "httpRoute.parentRefs": [parent]})
    assert not m.by_kind("Gateway")
    assert m.get("HTTPRoute")["spec"]["parentRefs"] == [parent]


def test_rules_matches_filters_and_their_own_timeouts(render: RenderFunc) -> None:
    header = {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x-tier", "value": "gold"}]}}
    rules = [
        {"matches": [{"path": {"type": "PathPrefix", "value": "/v1/chat"}}], "timeouts": {"request": "30m"}},
        {"matches": [{"path": {"type": "Exact", "value": "/health"}, "method": "GET"}], "filters": [header]},
    ]
    m = render({**ISTIO, "httpRoute.rules": rules, "httpRoute.timeouts.backendRequest": "300s"})
    chat, health = m.get("HTTPRoute")["spec"]["rules"]
    assert chat["timeouts"] == {"request": "30m"}
    assert health["timeouts"] == {"request": "600s", "backendRequest": "300s"}
    assert health["filters"] == [header]
    assert health["matches"][0]["method"] == "GET"


def test_no_timeouts_when_unset(render: RenderFunc) -> None:
    m = render({**ISTIO, "httpRoute.timeouts.request": ""})
    assert "timeouts" not in m.get("HTTPRoute")["spec"]["rules"][0]


# --- Gateway: approuting-istio ----------------------------------------------------------------------------------------


def test_approuting_gateway_http_listener(render: RenderFunc) -> None:
    m = render(ISTIO)
    gateway = m.get("Gateway")
    assert gateway["spec"]["gatewayClassName"] == "approuting-istio"
    assert listeners(m) == {
        "http": {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "Same"}}}
    }
    assert "infrastructure" not in gateway["spec"]
    assert "annotations" not in gateway["metadata"]


def test_key_vault_listener_options(render: RenderFunc) -> None:
    m = render(
        {
            **ISTIO,
            **PROVIDER_OVERRIDES["csi"],
            "serviceAccount.name": "inference",
            "gateway.hostname": HOST,
            "gateway.tls.enabled": True,
            "gateway.tls.keyVaultUri": KV_URI,
            "gateway.tls.serviceAccount": "inference",
        }
    )
    https = listeners(m)["https"]
    assert (https["port"], https["protocol"], https["hostname"]) == (443, "HTTPS", HOST)
    assert https["tls"] == {
        "mode": "Terminate",
        "options": {
            "kubernetes.azure.com/tls-cert-keyvault-uri": KV_URI,
            "kubernetes.azure.com/tls-cert-service-account": "inference",
        },
    }, "application routing fills certificateRefs itself"
    sa = m.get("ServiceAccount", "inference")["metadata"]
    assert sa["annotations"]["azure.workload.identity/client-id"] == CLIENT_ID
    assert sa["labels"]["azure.workload.identity/use"] == "true"


def test_service_account_label_only_for_the_gateway(render: RenderFunc) -> None:
    m = render({**ROUTE, **PROVIDER_OVERRIDES["csi"], "httpRoute.parentRefs": [{"name": "shared"}]})
    assert "azure.workload.identity/use" not in m.get("ServiceAccount")["metadata"]["labels"]


def test_tls_from_a_secret_and_https_only(render: RenderFunc) -> None:
    m = render({**ISTIO, "gateway.http": False, "gateway.tls.enabled": True, "gateway.tls.secretName": "vision-tls"})
    assert list(listeners(m)) == ["https"]
    assert listeners(m)["https"]["tls"]["certificateRefs"] == [{"kind": "Secret", "group": "", "name": "vision-tls"}]


def test_internal_load_balancer(render: RenderFunc) -> None:
    internal = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
    m = render({**ISTIO, "gateway.infrastructureAnnotations": internal})
    assert m.get("Gateway")["spec"]["infrastructure"] == {"annotations": internal}


# --- Gateway: Application Gateway for Containers --------------------------------------------------------------------


def test_agc_alb_managed(render: RenderFunc) -> None:
    m = render(AGC)
    gateway = m.get("Gateway")
    assert gateway["spec"]["gatewayClassName"] == "azure-alb-external"
    assert gateway["metadata"]["annotations"] == {
        "alb.networking.azure.io/alb-namespace": "alb-infra",
        "alb.networking.azure.io/alb-name": "alb",
    }
    assert "addresses" not in gateway["spec"]
    assert not [o for o in m.objects if o["apiVersion"].startswith("alb.networking.azure.io/")], "policies are opt-in"


def test_agc_bring_your_own(render: RenderFunc) -> None:
    byo = {"gateway.agc.albNamespace": "", "gateway.agc.albName": "", "gateway.agc.albId": AGC_ID}
    m = render({**AGC, **byo, "gateway.agc.frontend": "frontend-1"})
    gateway = m.get("Gateway")
    assert gateway["metadata"]["annotations"] == {"alb.networking.azure.io/alb-id": AGC_ID}
    assert gateway["spec"]["addresses"] == [{"type": "alb.networking.azure.io/alb-frontend", "value": "frontend-1"}]


def test_agc_policies(render: RenderFunc) -> None:
    m = render(
        {
            **AGC,
            **CANARY,
            "gateway.agc.wafPolicyId": WAF,
            "gateway.agc.healthCheck.enabled": True,
            "gateway.agc.routePolicyTimeout": True,
            "probes.readyPath": "/v1/health/ready",
        }
    )
    route = m.get("HTTPRoute")["metadata"]["name"]
    to_route = {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": route, "namespace": "inference"}
    waf = m.get("WebApplicationFirewallPolicy")
    assert waf["apiVersion"] == "alb.networking.azure.io/v1"
    assert waf["spec"] == {"targetRef": to_route, "webApplicationFirewall": {"id": WAF}}
    assert m.get("RoutePolicy")["spec"] == {"targetRef": to_route, "default": {"timeouts": {"routeTimeout": "600s"}}}
    checks = {p["spec"]["targetRef"]["name"]: p["spec"]["default"] for p in m.by_kind("HealthCheckPolicy")}
    assert set(checks) == {s["metadata"]["name"] for s in m.by_kind("Service")}, "one per Service, canary included"
    for probe in checks.values():
        assert probe["http"] == {"path": "/v1/health/ready", "match": {"statusCodes": [{"start": 200, "end": 299}]}}


# --- NetworkPolicy peers --------------------------------------------------------------------------------------------


def peers(m: Manifest) -> list[Obj]:
    return m.by_kind("NetworkPolicy")[0]["spec"]["ingress"][0]["from"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("overrides", "want"),
    [
        (
            {**ISTIO, "gateway.name": "edge"},
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "inference"}},
                "podSelector": {"matchLabels": {"gateway.networking.k8s.io/gateway-name": "edge"}},
            },
        ),
        (
            {**ROUTE, "httpRoute.parentRefs": [{"name": "shared", "namespace": "gateways"}]},
            {
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "gateways"}},
                "podSelector": {"matchLabels": {"gateway.networking.k8s.io/gateway-name": "shared"}},
            },
        ),
        ({**AGC, "networkPolicy.agcSubnetCIDR": "10.226.0.0/24"}, {"ipBlock": {"cidr": "10.226.0.0/24"}}),
    ],
    ids=["approuting-istio", "existing-gateway", "agc-subnet"],
)
def test_network_policy_admits_the_gateway(render: RenderFunc, overrides: dict[str, Any], want: Obj) -> None:
    assert want in peers(render({**overrides, "networkPolicy.enabled": True}))


# --- per-minor validation against the Gateway API bundle AKS ships -----------------------------------------------


def test_every_supported_minor_has_its_crd_sets() -> None:
    versions = aks_component_versions()
    assert set(versions) >= set(KUBE_VERSIONS)
    for minor in KUBE_VERSIONS:
        dirs = crd_schema_dirs(minor)
        assert all(d.is_dir() and any(d.glob("*.json")) for d in dirs), dirs
        assert {d.parent.name for d in dirs[1:]} == {"gateway-api", "keda"}
    # MicrosoftDocs/azure-aks-docs articles/aks/managed-gateway-api.md: the bundle each minor ships
    bundles = {
        "1.31": "v1.2.1",
        "1.32": "v1.2.1",
        "1.33": "v1.2.1",
        "1.34": "v1.3.0",
        "1.35": "v1.4.1",
        "1.36": "v1.5.1",
    }
    assert {minor: versions[minor]["gateway-api"] for minor in KUBE_VERSIONS} == bundles


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_mirror_percent_needs_gateway_api_v1_3(render: RenderFunc, kube_version: str) -> None:
    """requestMirror.percent is in the standard channel from v1.3.0: AKS 1.34+ (bundle v1.3.0); 1.31-1.33 ship v1.2.1,
    whose strict schema rejects the field."""
    m = render({**ISTIO, **CANARY, "canary.mirror.enabled": True, "canary.mirror.percent": 20})
    errors = schema_errors(m.get("HTTPRoute"), kube_version)
    if kube_version in {"1.31", "1.32", "1.33"}:
        assert any("percent" in e for e in errors), errors
    else:
        assert errors == []


@pytest.mark.parametrize("kind", ["Gateway", "HTTPRoute", "WebApplicationFirewallPolicy", "HealthCheckPolicy"])
def test_route_kinds_validate_strictly(render: RenderFunc, kind: str) -> None:
    m = render({**AGC, "gateway.agc.wafPolicyId": WAF, "gateway.agc.healthCheck.enabled": True})
    for minor in KUBE_VERSIONS:
        obj = dict(m.get(kind))
        assert schema_errors(obj, minor) == []
        obj["spec"] = {**obj["spec"], "unexpected": True}
        assert any("unexpected" in e for e in schema_errors(obj, minor)), (kind, minor)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"gateway.className": "nginx"},
            'gateway.className: "nginx" is not supported; allowed: approuting-istio, azure-alb-external, istio',
        ),
        (
            {"keda.enabled": True, "keda.server": "ollama", "keda.prometheus.serverAddress": "http://p:9090"},
            'keda.server: "ollama" is not supported; allowed: vllm, tgi, triton',
        ),
    ],
    ids=["gateway.className", "keda.server"],
)
def test_enums_checked_without_the_schema(renderer: Renderer, overrides: dict[str, Any], message: str) -> None:
    """`--skip-schema-validation` must not let an unknown gateway implementation or model server through."""
    error = renderer.render_error(RenderRequest.make(overrides, extra_args=["--skip-schema-validation"]))
    assert f"ai-inference: {message}" in error.stderr, error.stderr


# --- GRPCRoute ------------------------------------------------------------------------------------------------------

GRPC_PORTS = {
    "extraContainerPorts": [{"name": "grpc", "containerPort": 8001}],
    "service.extraPorts": [{"name": "grpc", "port": 8001, "targetPort": "grpc", "appProtocol": "kubernetes.io/h2c"}],
}
GRPC = {**GRPC_PORTS, "httpRoute.grpc.enabled": True, "httpRoute.grpc.hostnames": ["grpc.vision.example.com"]}


def test_grpc_route_to_the_named_service_port(render: RenderFunc) -> None:
    methods = [{"method": {"service": "inference.GRPCInferenceService"}}]
    m = render({**ISTIO, **GRPC, "httpRoute.grpc.matches": methods})
    route = m.get("GRPCRoute")
    assert route["apiVersion"] == "gateway.networking.k8s.io/v1"
    assert route["metadata"]["name"] == m.get("HTTPRoute")["metadata"]["name"] + "-grpc"
    assert route["spec"]["parentRefs"] == m.get("HTTPRoute")["spec"]["parentRefs"]
    assert route["spec"]["hostnames"] == ["grpc.vision.example.com"]
    (rule,) = route["spec"]["rules"]
    assert rule == {"backendRefs": [{"name": m.get("Service")["metadata"]["name"], "port": 8001}], "matches": methods}
    assert backends(m) == [{"name": m.get("Service")["metadata"]["name"], "port": 80}], "HTTP stays on service.port"


def test_grpc_route_split_like_the_http_route(render: RenderFunc) -> None:
    m = render({**ISTIO, **GRPC, **CANARY, "canary.weights.stable": 80, "canary.weights.canary": 20})
    stable, canary = (s["metadata"]["name"] for s in m.by_kind("Service"))
    assert backends(m, "GRPCRoute") == [
        {"name": stable, "port": 8001, "weight": 80},
        {"name": canary, "port": 8001, "weight": 20},
    ]
    assert all(8001 in {p["port"] for p in s["spec"]["ports"]} for s in m.by_kind("Service"))


def test_network_policy_admits_the_gateway_on_the_grpc_port(render: RenderFunc) -> None:
    m = render({**ISTIO, **GRPC, "networkPolicy.enabled": True})
    (rule,) = m.by_kind("NetworkPolicy")[0]["spec"]["ingress"]
    assert {"port": "grpc", "protocol": "TCP"} in rule["ports"]
    assert any("podSelector" in p and "namespaceSelector" in p for p in rule["from"]), "the gateway pods"
