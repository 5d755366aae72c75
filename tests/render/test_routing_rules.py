"""Every Gateway API / canary / KEDA / AGC rule is seen failing: each runs on a clean routing render broken in
memory."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import WAF_POLICY_ID
from harness.render import Manifest, RenderRequest
from harness.rules import check
from harness.rules.routing import ROUTING_RULES

if TYPE_CHECKING:
    from collections.abc import Callable

    from harness.render import Obj, Renderer

WAF = WAF_POLICY_ID
# Gateway on AGC with its policies, a canary, KEDA on Azure Managed Prometheus: one object of every routing kind.
BASE = {
    "replicaCount": 2,
    "httpRoute.enabled": True,
    "httpRoute.hostnames": ["vision.example.com"],
    "gateway.create": True,
    "gateway.className": "azure-alb-external",
    "gateway.agc.albNamespace": "alb-infra",
    "gateway.agc.albName": "alb",
    "gateway.agc.wafPolicyId": WAF,
    "gateway.agc.healthCheck.enabled": True,
    "canary.enabled": True,
    "canary.image.tag": "v3.5.0",
    "canary.mirror.enabled": True,
    "keda.enabled": True,
    "keda.prometheus.serverAddress": "https://amw-1.westeurope.prometheus.monitor.azure.com",
    # Managed Prometheus reads ServiceMonitors of its own group only (the chart refuses the other one here)
    "serviceMonitor.apiVersion": "azmonitoring.coreos.com/v1",
    "keda.prometheus.azureWorkloadIdentity": True,
    "serviceMonitor.enabled": True,
}


def rule0(m: Manifest) -> Obj:
    return m.get("HTTPRoute")["spec"]["rules"][0]  # type: ignore[no-any-return]


def canary_pods_like_stable(m: Manifest) -> None:
    """A canary whose pod labels also carry the stable selector's values (what unique labels prevent)."""
    stable = next(d for d in m.by_kind("Deployment") if not d["metadata"]["name"].endswith("-canary"))
    canary = next(d for d in m.by_kind("Deployment") if d["metadata"]["name"].endswith("-canary"))
    canary["spec"]["template"]["metadata"]["labels"].update(stable["spec"]["selector"]["matchLabels"])


def add_hpa(m: Manifest) -> None:
    target = m.get("ScaledObject")["spec"]["scaleTargetRef"]
    m.objects.append(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "extra", "namespace": "inference"},
            "spec": {"scaleTargetRef": target, "maxReplicas": 3},
        }
    )


BREAKAGES: dict[str, tuple[str, Callable[[Manifest], Any]]] = {
    "route-backends": (
        "backendRef to a Service that is not rendered",
        lambda m: rule0(m)["backendRefs"][1].update(name="gone"),
    ),
    "route-parents": (
        "sectionName of no listener",
        lambda m: m.get("HTTPRoute")["spec"]["parentRefs"][0].update(sectionName="grpc"),
    ),
    "selectors-one-workload": ("canary pods carry the stable selector labels", canary_pods_like_stable),
    "one-autoscaler": ("an HPA beside the ScaledObject", add_hpa),
    "policy-targets": (
        "WAF policy targeting another route",
        lambda m: m.get("WebApplicationFirewallPolicy")["spec"]["targetRef"].update(name="other"),
    ),
}
# more ways each rule must notice
MORE: list[tuple[str, str, Callable[[Manifest], Any]]] = [
    ("route-backends", "port the Service lacks", lambda m: rule0(m)["backendRefs"][0].update(port=81)),
    ("route-backends", "weight on one backendRef only", lambda m: rule0(m)["backendRefs"][0].pop("weight")),
    (
        "route-backends",
        "mirror to a missing Service",
        lambda m: rule0(m)["filters"][0]["requestMirror"]["backendRef"].update(name="x"),
    ),
    ("route-parents", "Gateway without routes", lambda m: m.objects.remove(m.get("HTTPRoute"))),
    ("one-autoscaler", "replicas kept under KEDA", lambda m: m.by_kind("Deployment")[0]["spec"].update(replicas=2)),
    ("one-autoscaler", "missing TriggerAuthentication", lambda m: m.objects.remove(m.get("TriggerAuthentication"))),
    (
        "policy-targets",
        "HealthCheckPolicy with a Gateway API group on a Service",
        lambda m: m.by_kind("HealthCheckPolicy")[0]["spec"]["targetRef"].update(group="gateway.networking.k8s.io"),
    ),
]


@pytest.fixture(scope="module")
def base(renderer: Renderer) -> Manifest:
    return renderer.render(RenderRequest.make(BASE))


def broken(base: Manifest, breakage: Callable[[Manifest], Any]) -> Manifest:
    copy_ = Manifest(
        base.request, base.text, copy.deepcopy(base.objects), list(base.sources), copy.deepcopy(base.values)
    )
    breakage(copy_)
    return copy_


def test_every_routing_rule_has_a_breakage() -> None:
    assert set(BREAKAGES) == set(ROUTING_RULES)


@pytest.mark.parametrize(
    ("rule_name", "what", "breakage"),
    [(name, what, brk) for name, (what, brk) in BREAKAGES.items()] + MORE,
    ids=[f"{name}: {what}" for name, (what, _) in BREAKAGES.items()] + [f"{n}: {w}" for n, w, _ in MORE],
)
def test_routing_rule_catches_breakage(
    base: Manifest, rule_name: str, what: str, breakage: Callable[[Manifest], Any]
) -> None:
    assert check(base, rule_name) == [], "the base scenario must be clean"
    violations = check(broken(base, breakage), rule_name)
    assert violations, f"{rule_name} did not notice: {what}"
    assert all(f"[{rule_name}]" in v for v in violations), violations
