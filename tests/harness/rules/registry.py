"""The rule registry and the helpers the rules share (see `harness.rules`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from harness.manifest import ref

if TYPE_CHECKING:
    from harness.manifest import Container, Manifest, Obj, PodTemplate

Rule = Callable[["Manifest"], "Iterator[str]"]
ContainerCheck = Callable[["Container", "Manifest"], "Iterator[str]"]
PodCheck = Callable[["PodTemplate", "Manifest"], "Iterator[str]"]

RULES: dict[str, Rule] = {}
_CHECKS: dict[str, list[Rule]] = {}


def _run_checks(name: str, manifest: Manifest) -> Iterator[str]:
    for part in _CHECKS[name]:
        yield from part(manifest)


def _register(name: str, part: Rule, unless: str | None) -> None:
    """Add `part` to rule `name`; with `unless`, the part is skipped when the values allow that deviation."""

    def guarded(manifest: Manifest) -> Iterator[str]:
        if unless is None or unless not in allowed_deviations(manifest):
            yield from part(manifest)

    _CHECKS.setdefault(name, []).append(guarded)
    RULES[name] = functools.partial(_run_checks, name)


def rule(name: str, *, unless: str | None = None) -> Callable[[Rule], Rule]:
    """Register a check over the whole manifest under `name` (the name appears in test ids and messages)."""

    def register(func: Rule) -> Rule:
        _register(name, func, unless)
        return func

    return register


def container_rule(name: str, *, unless: str | None = None) -> Callable[[ContainerCheck], ContainerCheck]:
    """Register a check of one container; it runs on every container of every pod, messages prefixed with
    `Kind/name section/container`."""

    def register(func: ContainerCheck) -> ContainerCheck:
        def every_container(manifest: Manifest) -> Iterator[str]:
            for container in manifest.containers():
                yield from (f"{container.where}: {msg}" for msg in func(container, manifest))

        _register(name, every_container, unless)
        return func

    return register


def pod_rule(name: str, *, unless: str | None = None) -> Callable[[PodCheck], PodCheck]:
    """Register a check of one pod template (spec and metadata); messages prefixed with the owner's `Kind/name`."""

    def register(func: PodCheck) -> PodCheck:
        def every_pod(manifest: Manifest) -> Iterator[str]:
            for pod in manifest.pod_templates():
                yield from (f"{ref(pod.owner)}: {msg}" for msg in func(pod, manifest))

        _register(name, every_pod, unless)
        return func

    return register


def check(manifest: Manifest, name: str) -> list[str]:
    """Run one rule; messages are prefixed with the rule name."""
    return [f"[{name}] {msg}" for msg in RULES[name](manifest)]


# --- helpers -------------------------------------------------------------------------------------------------------


def value_at(values: dict[str, Any], dotted: str, default: object = None) -> Any:  # noqa: ANN401 - values are free-form
    """A merged values entry by dotted path."""
    node: Any = values
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def allowed_deviations(manifest: Manifest) -> set[str]:
    """The relaxations the values name in `securityExceptions` (values.yaml documents each); a rule registered with
    `unless=<name>` is skipped when its name is among them."""
    return {str(name) for name in value_at(manifest.values, "securityExceptions", None) or []}


def api_clients(manifest: Manifest) -> set[str]:
    """ServiceAccounts the chart authorizes to call the API server: subjects of a rendered RoleBinding (the endpoint
    picker's). Their pods need the token; every other pod goes without."""
    return {
        subject["name"]
        for binding in manifest.by_kind("RoleBinding")
        for subject in binding.get("subjects") or []
        if subject.get("kind") == "ServiceAccount"
    }


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """A matchLabels selector matches `labels`."""
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def workload_pod_labels(manifest: Manifest) -> list[dict[str, str]]:
    """Pod template labels of the chart's workloads (not of `helm test` Pods)."""
    return [dict(pod.meta.get("labels") or {}) for pod in manifest.pod_templates() if pod.owner["kind"] != "Pod"]


def targeting_hpas(manifest: Manifest, workload: Obj) -> list[Obj]:
    """HPAs whose scaleTargetRef names `workload`."""
    return [
        hpa
        for hpa in manifest.by_kind("HorizontalPodAutoscaler")
        if hpa["spec"]["scaleTargetRef"].get("kind") == workload["kind"]
        and hpa["spec"]["scaleTargetRef"].get("name") == workload["metadata"]["name"]
    ]


def replicas_can_exceed_one(manifest: Manifest, deployment: Obj) -> bool:
    """More than one pod can run: replicas >= 2, an HPA targets the Deployment, or a ScaledObject up to 2 or more."""
    for scaler in targeting_autoscalers(manifest, deployment):
        if scaler["kind"] == "HorizontalPodAutoscaler" or int(scaler["spec"].get("maxReplicaCount", 100)) >= 2:
            return True
    return int(deployment.get("spec", {}).get("replicas", 1)) >= 2


def targeting_autoscalers(manifest: Manifest, workload: Obj) -> list[Obj]:
    """HPAs and KEDA ScaledObjects whose scaleTargetRef names `workload` (a ScaledObject's kind defaults to
    Deployment)."""
    scaled = [
        so
        for so in manifest.by_kind("ScaledObject")
        if so["spec"]["scaleTargetRef"].get("kind", "Deployment") == workload["kind"]
        and so["spec"]["scaleTargetRef"].get("name") == workload["metadata"]["name"]
    ]
    return targeting_hpas(manifest, workload) + scaled
