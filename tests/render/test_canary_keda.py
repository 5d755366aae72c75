"""The weighted canary (a second Deployment and Service, kept apart by selector labels) and KEDA queue-depth scaling
(a ScaledObject instead of the HPA, PDB and spread still right)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from harness.rules import selects

if TYPE_CHECKING:
    from harness.pytest_plugin import RenderFunc
    from harness.render import Manifest, Obj

ROUTE = {"httpRoute.enabled": True, "gateway.create": True}
CANARY = {**ROUTE, "canary.enabled": True, "canary.image.tag": "v3.5.0"}
PROMETHEUS = "http://prometheus-operated.monitoring:9090"
AMW = "https://roo-amw-abcd.westeurope.prometheus.monitor.azure.com"
KEDA = {"keda.enabled": True, "keda.prometheus.serverAddress": PROMETHEUS, "serviceMonitor.enabled": True}


def deployments(m: Manifest) -> dict[str, Obj]:
    """'stable' and 'canary' Deployments by their component label."""
    return {d["metadata"]["labels"].get("app.kubernetes.io/component", "stable"): d for d in m.by_kind("Deployment")}


def pod_labels(deployment: Obj) -> dict[str, str]:
    return dict(deployment["spec"]["template"]["metadata"]["labels"])


def container(deployment: Obj) -> Obj:
    return deployment["spec"]["template"]["spec"]["containers"][0]  # type: ignore[no-any-return]


# --- canary ---------------------------------------------------------------------------------------------------------


def test_canary_deployment_differs_only_in_image_args_and_labels(render: RenderFunc) -> None:
    m = render({**CANARY, "args": ["--model", "phi-4"], "canary.args": ["--model", "phi-4.1"]})
    stable, canary = deployments(m)["stable"], deployments(m)["canary"]
    assert canary["metadata"]["name"] == stable["metadata"]["name"] + "-canary"
    assert container(stable)["image"].endswith(":v3.4.1")
    assert container(canary)["image"].endswith(":v3.5.0")
    assert (container(stable)["args"], container(canary)["args"]) == (["--model", "phi-4"], ["--model", "phi-4.1"])
    same = {k: v for k, v in container(canary).items() if k not in {"image", "args"}}
    assert same == {k: v for k, v in container(stable).items() if k not in {"image", "args"}}
    assert canary["spec"]["replicas"] == 1


def test_canary_digest_and_gpu_tag(render: RenderFunc) -> None:
    digest = "sha256:" + "b" * 64
    m = render({**CANARY, "canary.image.digest": digest, "gpu.enabled": True, "gpu.imageTag": "v3.4.1-cuda"})
    assert container(deployments(m)["stable"])["image"].endswith(":v3.4.1-cuda")
    assert container(deployments(m)["canary"])["image"].endswith("@" + digest)


@pytest.mark.parametrize(
    ("selector", "canary_selector"),
    [
        ({}, {"app.kubernetes.io/name": "ai-inference-canary", "app.kubernetes.io/instance": "ai"}),
        ({"app": "roo-vision"}, {"app": "roo-vision-canary"}),
    ],
    ids=["default", "adopted-roo-vision"],
)
def test_services_never_select_the_other_variants_pods(
    render: RenderFunc, selector: dict[str, str], canary_selector: dict[str, str]
) -> None:
    """AKS Deployment Safeguards want unique Service selectors; the split also needs the stable Service to select no
    canary pod. The stable selector (immutable on the Deployment) is what it was without the canary."""
    m = render({**CANARY, "selectorLabels": selector})
    without = render({**ROUTE, "selectorLabels": selector})
    stable, canary = deployments(m)["stable"], deployments(m)["canary"]
    assert stable["spec"]["selector"] == without.get("Deployment")["spec"]["selector"]
    assert canary["spec"]["selector"]["matchLabels"] == canary_selector
    services = {s["metadata"]["name"]: s["spec"]["selector"] for s in m.by_kind("Service")}
    assert len(services) == 2
    for name, service_selector in services.items():
        chosen = [d["metadata"]["name"] for d in (stable, canary) if selects(service_selector, pod_labels(d))]
        assert len(chosen) == 1, f"Service {name} selects {chosen}"
    assert selects(stable["spec"]["selector"]["matchLabels"], pod_labels(canary)) is False


def test_route_weights_and_mirror(render: RenderFunc) -> None:
    m = render({**CANARY, "canary.weights.stable": 75, "canary.weights.canary": 25, "canary.mirror.enabled": True})
    stable_svc, canary_svc = (s["metadata"]["name"] for s in m.by_kind("Service"))
    (rule,) = m.get("HTTPRoute")["spec"]["rules"]
    assert rule["backendRefs"] == [
        {"name": stable_svc, "port": 80, "weight": 75},
        {"name": canary_svc, "port": 80, "weight": 25},
    ]
    assert rule["filters"] == [
        {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": canary_svc, "port": 80}}}
    ]


def test_pdb_and_spread_per_deployment(render: RenderFunc) -> None:
    m = render({**CANARY, "replicaCount": 3, "canary.replicaCount": 2})
    for variant, deployment in deployments(m).items():
        labels = pod_labels(deployment)
        pdbs = [p for p in m.by_kind("PodDisruptionBudget") if selects(p["spec"]["selector"]["matchLabels"], labels)]
        assert len(pdbs) == 1, variant
        spread = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert all(c["labelSelector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"] for c in spread)


def test_one_canary_pod_needs_no_pdb(render: RenderFunc) -> None:
    m = render({**CANARY, "replicaCount": 2})
    assert [p["metadata"]["name"] for p in m.by_kind("PodDisruptionBudget")] == [
        deployments(m)["stable"]["metadata"]["name"]
    ]
    assert "topologySpreadConstraints" not in deployments(m)["canary"]["spec"]["template"]["spec"]


def test_promote_keeps_the_stable_selector(render: RenderFunc) -> None:
    """Promote = the canary's tag on the stable Deployment, canary off: one Deployment, same (immutable) selector."""
    during = render(CANARY)
    after = render({**ROUTE, "image.tag": "v3.5.0"})
    assert len(after.by_kind("Deployment")) == 1
    assert after.get("Deployment")["spec"]["selector"] == deployments(during)["stable"]["spec"]["selector"]
    assert container(after.get("Deployment"))["image"] == container(deployments(during)["canary"])["image"]
    assert "weight" not in after.get("HTTPRoute")["spec"]["rules"][0]["backendRefs"][0]


def test_network_policy_and_service_monitor_per_deployment(render: RenderFunc) -> None:
    scrape = {"serviceMonitor.enabled": True, "serviceMonitor.apiVersion": "azmonitoring.coreos.com/v1"}
    m = render({**CANARY, **scrape, "networkPolicy.enabled": True})
    for variant, deployment in deployments(m).items():
        labels = pod_labels(deployment)
        policies = [p for p in m.by_kind("NetworkPolicy") if selects(p["spec"]["podSelector"]["matchLabels"], labels)]
        assert len(policies) == 1, variant
        assert len(policies[0]["spec"]["ingress"]) == 2, "the gateway and the metrics scraper, on each Deployment"
    services: list[dict[str, str]] = [s["metadata"]["labels"] for s in m.by_kind("Service")]
    for monitor in m.by_kind("ServiceMonitor"):
        assert len([s for s in services if selects(monitor["spec"]["selector"]["matchLabels"], s)]) == 1


# --- KEDA -----------------------------------------------------------------------------------------------------------


def test_scaled_object_replaces_the_hpa(render: RenderFunc) -> None:
    m = render({**KEDA, "keda.minReplicas": 2, "keda.maxReplicas": 6})
    assert not m.by_kind("HorizontalPodAutoscaler")
    deployment = m.get("Deployment")
    assert "replicas" not in deployment["spec"]
    scaled = m.get("ScaledObject")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    spec = scaled["spec"]
    assert spec["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (2, 6)
    (trigger,) = spec["triggers"]
    assert trigger["type"] == "prometheus"
    assert trigger["metadata"] == {
        "serverAddress": PROMETHEUS,
        "query": 'sum(vllm:num_requests_waiting{namespace="inference",service="ai-ai-inference"})',
        "threshold": "5",
        "activationThreshold": "0",
    }
    assert "authenticationRef" not in trigger
    assert m.get("PodDisruptionBudget")
    assert deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]


@pytest.mark.parametrize(
    ("server", "metric"),
    [
        ("vllm", "vllm:num_requests_waiting"),
        ("tgi", "tgi_queue_size"),
        ("triton", "nv_inference_pending_request_count"),
    ],
)
def test_queue_depth_query_per_server(render: RenderFunc, server: str, metric: str) -> None:
    query = render({**KEDA, "keda.server": server}).get("ScaledObject")["spec"]["triggers"][0]["metadata"]["query"]
    assert query.startswith(f"sum({metric}{{")


def test_azure_managed_prometheus_with_workload_identity(render: RenderFunc) -> None:
    identity = "00000000-0000-0000-0000-000000000009"
    m = render(
        {
            **KEDA,
            "keda.prometheus.serverAddress": AMW,
            "keda.prometheus.azureWorkloadIdentity": True,
            "keda.prometheus.identityId": identity,
            "serviceMonitor.apiVersion": "azmonitoring.coreos.com/v1",
        }
    )
    auth = m.get("TriggerAuthentication")
    assert auth["spec"] == {"podIdentity": {"provider": "azure-workload", "identityId": identity}}
    trigger = m.get("ScaledObject")["spec"]["triggers"][0]
    assert trigger["authenticationRef"] == {"name": auth["metadata"]["name"]}


def test_scale_to_zero_with_a_gateway_query(render: RenderFunc) -> None:
    query = 'sum(rate(istio_requests_total{destination_service_name="ai-ai-inference"}[2m]))'
    m = render({**KEDA, "keda.scaleToZero": True, "keda.cooldownPeriod": 900, "keda.prometheus.query": query})
    spec = m.get("ScaledObject")["spec"]
    assert (spec["minReplicaCount"], spec["cooldownPeriod"]) == (0, 900)
    assert spec["triggers"][0]["metadata"]["query"] == query


def test_keda_behavior_and_single_replica(render: RenderFunc) -> None:
    behavior = {"scaleDown": {"stabilizationWindowSeconds": 900}}
    m = render({**KEDA, "keda.maxReplicas": 1, "keda.behavior": behavior})
    assert m.get("ScaledObject")["spec"]["advanced"] == {"horizontalPodAutoscalerConfig": {"behavior": behavior}}
    assert not m.by_kind("PodDisruptionBudget"), "one pod at most: nothing to budget"


def test_keda_scales_the_stable_deployment_only(render: RenderFunc) -> None:
    m = render({**KEDA, **CANARY})
    target = m.get("ScaledObject")["spec"]["scaleTargetRef"]["name"]
    assert target == deployments(m)["stable"]["metadata"]["name"]
    assert deployments(m)["canary"]["spec"]["replicas"] == 1
