"""AKS facts on every render (harness/aks_facts.py), each rule seen failing on a broken copy of a good render, and the
Pod Security / Deployment Safeguards rules (harness/rules.py) seen covering every pod and container the chart renders:
the server, the helm test pod, and init containers or sidecars added later."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest
from harness.aks_facts import AKS_RULES, REAL_TENANT, check_aks
from harness.cases import CLIENT_ID, PROVIDER_OVERRIDES, TENANT_ID, WAF_POLICY_ID, Case, all_cases
from harness.render import Manifest, RenderRequest
from harness.rules import check

if TYPE_CHECKING:
    from collections.abc import Callable

    from harness.pytest_plugin import RenderFunc
    from harness.render import Obj, Renderer

CASES = all_cases()
HOST = "vision.example.com"
NGINX = {"ingress.enabled": True, "ingress.controller": "nginx", "ingress.hosts": [HOST]}
AGIC = {"ingress.enabled": True, "ingress.controller": "agic", "ingress.hosts": [HOST]}
WAF = WAF_POLICY_ID
MANAGED_PROMETHEUS = {"serviceMonitor.enabled": True, "serviceMonitor.apiVersion": "azmonitoring.coreos.com/v1"}
PROMETHEUS_PEER = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}


@pytest.mark.parametrize("rule_name", sorted(AKS_RULES))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_aks_rule(renderer: Renderer, case: Case, rule_name: str) -> None:
    violations = check_aks(renderer.render(case.request()), rule_name)
    assert not violations, f"{case.id}:\n" + "\n".join(violations)


# --- the settings behind the facts, rendered -------------------------------------------------------------------


def test_nginx_timeout_up_to_the_stated_load_balancer_idle_timeout(render: RenderFunc) -> None:
    notes = render(
        {**NGINX, "ingress.nginx.timeoutSeconds": 1800, "ingress.nginx.loadBalancerIdleTimeoutMinutes": 30}
    ).get("Ingress")["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "1800"


def test_agic_tls_secret(render: RenderFunc) -> None:
    ing = render({**AGIC, "ingress.tls.enabled": True, "ingress.tls.secretName": "vision-tls"}).get("Ingress")
    assert ing["spec"]["tls"] == [{"hosts": [HOST], "secretName": "vision-tls"}]
    assert "appgw.ingress.kubernetes.io/appgw-ssl-certificate" not in ing["metadata"]["annotations"]


def test_service_monitor_for_managed_prometheus(render: RenderFunc) -> None:
    monitor = render(MANAGED_PROMETHEUS).get("ServiceMonitor")
    assert monitor["apiVersion"] == "azmonitoring.coreos.com/v1"
    limits = {k: monitor["spec"][k] for k in ("labelLimit", "labelNameLengthLimit", "labelValueLengthLimit")}
    assert limits == {"labelLimit": 63, "labelNameLengthLimit": 511, "labelValueLengthLimit": 1023}


def ingress_peers(m: Manifest) -> list[list[Obj]]:
    return [rule["from"] for rule in m.get("NetworkPolicy")["spec"]["ingress"]]


def test_network_policy_admits_managed_prometheus(render: RenderFunc) -> None:
    peers = ingress_peers(render({**MANAGED_PROMETHEUS, "networkPolicy.enabled": True, "helmTest.enabled": False}))
    ama = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
        "podSelector": {"matchLabels": {"rsName": "ama-metrics"}},
    }
    assert peers == [[ama]]


def test_network_policy_admits_metrics_from(render: RenderFunc) -> None:
    prometheus = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    overrides = {
        "serviceMonitor.enabled": True,
        "networkPolicy.enabled": True,
        "networkPolicy.metricsFrom": [prometheus],
    }
    peers = ingress_peers(render({**overrides, "helmTest.enabled": False}))
    assert peers == [[prometheus]]
    assert ingress_peers(render({**overrides, "serviceMonitor.enabled": False, "helmTest.enabled": False})) == []


def test_helm_test_image_from_your_registry(render: RenderFunc) -> None:
    digest = "sha256:" + "b" * 64
    pod = render({"helmTest.image.registry": "roo.azurecr.io", "helmTest.image.digest": digest}).get("Pod")
    assert pod["spec"]["containers"][0]["image"] == f"roo.azurecr.io/library/busybox:1.37.0@{digest}"
    assert not [v for k, v in pod["metadata"]["annotations"].items() if "CKV_K8S_43" in v], "a digest pins the image"


# --- each rule seen failing ----------------------------------------------------------------------------------------


def only(m: Manifest, kind: str) -> Obj:
    return m.get(kind)


def pod_spec(m: Manifest, kind: str = "Deployment") -> Obj:
    obj = only(m, kind)
    return obj["spec"] if kind == "Pod" else obj["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def set_annotation(m: Manifest, kind: str, key: str, value: str) -> None:
    only(m, kind)["metadata"].setdefault("annotations", {})[key] = value


def drop_scraper_rule(m: Manifest) -> None:
    rules = only(m, "NetworkPolicy")["spec"]["ingress"]
    rules[:] = [r for r in rules if not any("rsName" in str(p) or p == PROMETHEUS_PEER for p in r.get("from") or [])]


def rename_tenant_parameter(m: Manifest) -> None:
    params = only(m, "SecretProviderClass")["spec"]["parameters"]
    params["tenantId"] = params.pop("tenantID")


# rule -> (good scenario, what is broken, how)
BREAKAGES: dict[str, tuple[dict[str, Any], str, Callable[[Manifest], Any]]] = {
    "fake-azure-ids": (
        PROVIDER_OVERRIDES["csi"],
        "the real tenant as the Key Vault tenant",
        lambda m: only(m, "SecretProviderClass")["spec"]["parameters"].update(tenantID=REAL_TENANT),
    ),
    "keyvault-tenantID": (PROVIDER_OVERRIDES["csi"], "deprecated tenantId parameter", rename_tenant_parameter),
    "managed-prometheus-limits": (
        MANAGED_PROMETHEUS,
        "labelLimit dropped",
        lambda m: only(m, "ServiceMonitor")["spec"].pop("labelLimit"),
    ),
    "networkpolicy-admits-scraper": (
        {**MANAGED_PROMETHEUS, "networkPolicy.enabled": True},
        "the ama-metrics rule dropped",
        drop_scraper_rule,
    ),
    "rwo-cache-single-pod": (
        {
            "modelCache.enabled": True,
            "modelCache.type": "pvc",
            "modelCache.accessMode": "ReadWriteMany",
            "replicaCount": 2,
        },
        "the PVC made ReadWriteOnce",
        lambda m: only(m, "PersistentVolumeClaim")["spec"].update(accessModes=["ReadWriteOnce"]),
    ),
    "agic-certificate-without-tls-spec": (
        {**AGIC, "ingress.tls.enabled": True, "ingress.tls.appGatewayCertificate": "vision-cert"},
        "spec.tls beside appgw-ssl-certificate",
        lambda m: only(m, "Ingress")["spec"].update(tls=[{"hosts": [HOST], "secretName": "vision-tls"}]),
    ),
    "agic-waf-needs-waf-v2": (
        {**AGIC, "ingress.agic.gatewaySku": "WAF_v2", "ingress.agic.wafPolicyId": WAF},
        "gatewaySku Standard_v2 with a WAF policy",
        lambda m: m.values["ingress"]["agic"].update(gatewaySku="Standard_v2"),
    ),
    "nginx-timeout-within-lb-idle": (
        NGINX,
        "proxy-read-timeout 600 behind a 4-minute load balancer",
        lambda m: set_annotation(m, "Ingress", "nginx.ingress.kubernetes.io/proxy-read-timeout", "600"),
    ),
}


def broken(base: Manifest, breakage: Callable[[Manifest], Any]) -> Manifest:
    copy_ = Manifest(
        request=base.request,
        text=base.text,
        objects=copy.deepcopy(base.objects),
        sources=list(base.sources),
        values=copy.deepcopy(base.values),
    )
    breakage(copy_)
    return copy_


def test_every_aks_rule_has_a_breakage() -> None:
    assert set(BREAKAGES) == set(AKS_RULES)


@pytest.mark.parametrize("rule_name", sorted(AKS_RULES))
def test_aks_rule_catches_breakage(renderer: Renderer, rule_name: str) -> None:
    overrides, what, breakage = BREAKAGES[rule_name]
    base = renderer.render(RenderRequest.make(overrides))
    assert check_aks(base, rule_name) == [], "the base scenario must be clean"
    violations = check_aks(broken(base, breakage), rule_name)
    assert violations, f"{rule_name} did not notice: {what}"
    assert all(f"[{rule_name}]" in v for v in violations), violations


def test_fake_ids_rule_reads_every_id_field(renderer: Renderer) -> None:
    """A non-fake GUID in the ServiceAccount's client-id annotation or in an AZURE_TENANT_ID env var is caught too."""
    base = renderer.render(RenderRequest.make(PROVIDER_OVERRIDES["csi"]))
    guid = "5b2f6a3e-1c4d-4e8f-9a7b-3c2d1e0f9a8b"
    annotation = broken(base, lambda m: set_annotation(m, "ServiceAccount", "azure.workload.identity/client-id", guid))
    assert check_aks(annotation, "fake-azure-ids")
    env = broken(
        base,
        lambda m: pod_spec(m)["containers"][0].setdefault("env", []).append({"name": "AZURE_TENANT_ID", "value": guid}),
    )
    assert check_aks(env, "fake-azure-ids")
    params = only(base, "SecretProviderClass")["spec"]["parameters"]
    assert (params["tenantID"], params["clientID"]) == (TENANT_ID, CLIENT_ID)


def test_scraper_rule_follows_metrics_from(renderer: Renderer) -> None:
    """With the Prometheus Operator's group the policy must carry the networkPolicy.metricsFrom peers."""
    overrides = {
        "serviceMonitor.enabled": True,
        "networkPolicy.enabled": True,
        "networkPolicy.metricsFrom": [PROMETHEUS_PEER],
    }
    base = renderer.render(RenderRequest.make(overrides))
    assert check_aks(base, "networkpolicy-admits-scraper") == []
    assert check_aks(broken(base, drop_scraper_rule), "networkpolicy-admits-scraper")


# --- Pod Security and Deployment Safeguards rules reach every pod and container ------------------------------------


def add_init_container(m: Manifest) -> None:
    pod_spec(m).setdefault("initContainers", []).append(
        {"name": "fetch", "image": "docker.io/library/busybox:1.37.0", "resources": {}}
    )


def add_sidecar(m: Manifest) -> None:
    sidecar = copy.deepcopy(pod_spec(m)["containers"][0])
    sidecar.update(name="sidecar", ports=[])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        sidecar.pop(probe, None)
    pod_spec(m)["containers"].append(sidecar)


# (rule, what is broken, how): the test pod, an init container, a sidecar container
COVERAGE: list[tuple[str, str, Callable[[Manifest], Any]]] = [
    ("probes", "test pod without readinessProbe", lambda m: pod_spec(m, "Pod")["containers"][0].pop("readinessProbe")),
    ("probes", "test pod without livenessProbe", lambda m: pod_spec(m, "Pod")["containers"][0].pop("livenessProbe")),
    ("probes", "sidecar without probes", add_sidecar),
    (
        "pss-allow-privilege-escalation",
        "test pod may escalate",
        lambda m: pod_spec(m, "Pod")["containers"][0]["securityContext"].update(allowPrivilegeEscalation=True),
    ),
    (
        "pss-capabilities",
        "test pod keeps its capabilities",
        lambda m: pod_spec(m, "Pod")["containers"][0].pop("securityContext"),
    ),
    ("pss-allow-privilege-escalation", "init container without securityContext", add_init_container),
    ("resources", "init container without resources", add_init_container),
    (
        "image-pinned",
        "test pod on latest",
        lambda m: pod_spec(m, "Pod")["containers"][0].update(image="busybox:latest"),
    ),
]


@pytest.mark.parametrize(("rule_name", "what", "breakage"), COVERAGE, ids=[what for _, what, _ in COVERAGE])
def test_safeguards_rules_cover_every_pod(
    renderer: Renderer, rule_name: str, what: str, breakage: Callable[[Manifest], Any]
) -> None:
    base = renderer.render(RenderRequest.make({"helmTest.enabled": True}))
    assert base.by_kind("Pod"), "the helm test pod must be rendered"
    assert check(base, rule_name) == [], "the base scenario must be clean"
    assert check(broken(base, breakage), rule_name), f"{rule_name} did not notice: {what}"
