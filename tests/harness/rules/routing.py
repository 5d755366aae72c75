"""Rules for the Gateway API routes, the canary Deployment, KEDA and the AGC policies (registered into
`harness.rules.RULES` like the others, so every scenario of the matrix is checked by them).

What they guard: a route sends traffic only to Services and ports (or InferencePools) the chart renders; each selector
of a Service, PDB or NetworkPolicy selects the pods of exactly one Deployment (the stable Service never selects canary
pods: AKS Deployment Safeguards' unique Service selectors, and a weighted split that means what it says); one
autoscaler per Deployment; every policy and authentication reference resolves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.manifest import ref
from harness.rules.registry import rule, selects, targeting_autoscalers

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.render import Manifest, Obj

ROUTE_KINDS = ("HTTPRoute", "GRPCRoute")
GATEWAY_GROUP = "gateway.networking.k8s.io"
POOL_GROUP = "inference.networking.k8s.io"
# The rules of this module, for the self-test that breaks each one (tests/render/test_routing.py).
ROUTING_RULES = ("route-backends", "route-parents", "selectors-one-workload", "one-autoscaler", "policy-targets")


def route_backend_refs(route: Obj) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(where, backendRef)` of every rule's backendRefs and RequestMirror filters of a route."""
    for index, route_rule in enumerate(route.get("spec", {}).get("rules") or []):
        for backend in route_rule.get("backendRefs") or []:
            yield f"rules[{index}].backendRefs", backend
        for flt in route_rule.get("filters") or []:
            if flt.get("type") == "RequestMirror":
                yield f"rules[{index}].filters.requestMirror", (flt.get("requestMirror") or {}).get("backendRef") or {}


def _service_ports(manifest: Manifest) -> dict[str, set[int]]:
    return {
        svc["metadata"]["name"]: {int(p["port"]) for p in svc["spec"].get("ports") or []}
        for svc in manifest.by_kind("Service")
    }


@rule("route-backends")
def route_backends(manifest: Manifest) -> Iterator[str]:
    """Each backendRef (and mirror target) is a rendered Service on one of its ports, or a rendered InferencePool
    (no port: the pool names its target port), in the route's namespace; weights are on every backendRef of a rule or
    on none, and at least one is above zero."""
    services = _service_ports(manifest)
    pools = {p["metadata"]["name"] for p in manifest.by_kind("InferencePool")}
    for route in (r for kind in ROUTE_KINDS for r in manifest.by_kind(kind)):
        for where, backend in route_backend_refs(route):
            name, port = backend.get("name"), backend.get("port")
            if (backend.get("group"), backend.get("kind")) == (POOL_GROUP, "InferencePool"):
                if name not in pools or "port" in backend or where.endswith("requestMirror"):
                    yield f"{ref(route)} {where}: {backend} is not a rendered InferencePool without a port"
            elif backend.get("group", "") != "" or backend.get("kind", "Service") != "Service":
                yield f"{ref(route)} {where}: {backend} is not a core Service"
            elif backend.get("namespace", route["metadata"].get("namespace")) != route["metadata"].get("namespace"):
                yield f"{ref(route)} {where}: {name} is in another namespace (needs a ReferenceGrant)"
            elif name not in services:
                yield f"{ref(route)} {where}: Service {name} is not rendered"
            elif not isinstance(port, int) or port not in services[name]:
                yield f"{ref(route)} {where}: port {port!r} is not a port of Service {name} {sorted(services[name])}"
        for index, route_rule in enumerate(route.get("spec", {}).get("rules") or []):
            weights = [b.get("weight") for b in route_rule.get("backendRefs") or []]
            if not weights:
                yield f"{ref(route)} rules[{index}]: no backendRefs"
            elif any(w is None for w in weights) and any(w is not None for w in weights):
                yield f"{ref(route)} rules[{index}]: weights on some backendRefs only {weights}"
            elif all(w is not None for w in weights) and sum(weights) <= 0:
                yield f"{ref(route)} rules[{index}]: every weight is 0 {weights}"


@rule("route-parents")
def route_parents(manifest: Manifest) -> Iterator[str]:
    """Every route names a parent; a parent the chart renders has the named listener; a rendered Gateway has a route."""
    gateways = {g["metadata"]["name"]: g for g in manifest.by_kind("Gateway")}
    attached: set[str] = set()
    for route in (r for kind in ROUTE_KINDS for r in manifest.by_kind(kind)):
        parents = route["spec"].get("parentRefs") or []
        if not parents:
            yield f"{ref(route)}: spec.parentRefs is empty"
        for parent in parents:
            gateway = gateways.get(parent.get("name", ""))
            if (
                gateway is None
                or parent.get("namespace", route["metadata"]["namespace"]) != route["metadata"]["namespace"]
            ):
                continue
            attached.add(gateway["metadata"]["name"])
            listeners = {listener["name"] for listener in gateway["spec"].get("listeners") or []}
            if parent.get("sectionName") and parent["sectionName"] not in listeners:
                yield f"{ref(route)}: sectionName {parent['sectionName']!r} is not a listener of {ref(gateway)}"
    for name, gateway in gateways.items():
        if name not in attached:
            yield f"{ref(gateway)}: no rendered route attaches to it"


def _workload_pod_labels(manifest: Manifest) -> list[tuple[Obj, dict[str, str]]]:
    return [
        (owner, dict(meta.get("labels") or {}))
        for owner, meta, _ in manifest.pod_templates()
        if owner["kind"] in {"Deployment", "StatefulSet", "DaemonSet"}
    ]


def _selector_of(obj: Obj) -> dict[str, str] | None:
    spec = obj.get("spec") or {}
    if obj["kind"] == "Service":
        return dict(spec.get("selector") or {})
    if obj["kind"] in {"PodDisruptionBudget", "Deployment"}:
        return dict((spec.get("selector") or {}).get("matchLabels") or {})
    if obj["kind"] == "NetworkPolicy":
        return dict((spec.get("podSelector") or {}).get("matchLabels") or {})
    return None


@rule("selectors-one-workload")
def selectors_one_workload(manifest: Manifest) -> Iterator[str]:
    """Each Service, PDB, NetworkPolicy and Deployment selector selects the pods of at most one workload."""
    workloads = _workload_pod_labels(manifest)
    for obj in manifest.objects:
        selector = _selector_of(obj)
        if not selector:
            continue
        matched = [ref(owner) for owner, labels in workloads if selects(selector, labels)]
        if len(matched) > 1:
            yield f"{ref(obj)}: selector {selector} selects the pods of {matched}"


@rule("one-autoscaler")
def one_autoscaler(manifest: Manifest) -> Iterator[str]:
    """At most one HPA or ScaledObject per Deployment; a ScaledObject's target is rendered and leaves out
    spec.replicas; its authenticationRef names a rendered TriggerAuthentication."""
    for deployment in manifest.by_kind("Deployment"):
        scalers = targeting_autoscalers(manifest, deployment)
        if len(scalers) > 1:
            yield f"{ref(deployment)}: scaled by {[ref(s) for s in scalers]}"
    auths = {a["metadata"]["name"] for a in manifest.by_kind("TriggerAuthentication")}
    for scaled in manifest.by_kind("ScaledObject"):
        target = scaled["spec"]["scaleTargetRef"]
        kind = target.get("kind", "Deployment")
        if not manifest.has(kind, target.get("name")):
            yield f"{ref(scaled)}: scaleTargetRef {target} is not rendered"
        elif "replicas" in manifest.get(kind, target["name"])["spec"]:
            yield f"{ref(scaled)}: {kind}/{target['name']} sets spec.replicas although KEDA scales it"
        for trigger in scaled["spec"].get("triggers") or []:
            auth = (trigger.get("authenticationRef") or {}).get("name")
            if auth and auth not in auths:
                yield f"{ref(scaled)}: authenticationRef {auth} is not a rendered TriggerAuthentication"


@rule("policy-targets")
def policy_targets(manifest: Manifest) -> Iterator[str]:
    """The targetRef of every Application Gateway for Containers policy names a rendered object of its namespace."""
    for obj in manifest.objects:
        if not obj.get("apiVersion", "").startswith("alb.networking.azure.io/"):
            continue
        target = obj["spec"].get("targetRef") or {}
        kind, group = target.get("kind", ""), target.get("group", "")
        expected_group = "" if kind in {"Service"} else GATEWAY_GROUP
        if group != expected_group:
            yield f"{ref(obj)}: targetRef group {group!r} for kind {kind}, want {expected_group!r}"
        if target.get("namespace", obj["metadata"]["namespace"]) != obj["metadata"]["namespace"]:
            yield f"{ref(obj)}: targetRef namespace {target.get('namespace')!r} is not the policy's"
        if not manifest.has(kind, target.get("name")):
            yield f"{ref(obj)}: targetRef {kind}/{target.get('name')} is not rendered"
