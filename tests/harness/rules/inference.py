"""Rules for the Gateway API Inference Extension mode (registered into `harness.rules.RULES` like the others, so every
scenario is checked by them): each InferencePool selects the pods of exactly one server Deployment and targets a port
they expose; its picker reference resolves to a rendered picker that watches this pool on the port the pool names; each
picker reads what it needs through a namespaced, read-only Role and nothing more.

Sources: kubernetes-sigs/gateway-api-inference-extension v1.6.2, api/v1/inferencepool_types.go (InferencePool),
pkg/lwepp/server/options.go (the picker's flags), pkg/lwepp/server/controller_manager.go (what it watches).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.manifest import ref
from harness.rules.registry import rule, selects

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.render import Manifest, Obj

POOL_GROUP = "inference.networking.k8s.io"
READ_VERBS = frozenset({"get", "list", "watch"})
# What the picker reads: its pool and the pods of the namespace (verbs get, list, watch).
PICKER_NEEDS = ((POOL_GROUP, "inferencepools"), ("", "pods"))
# The rules of this module, for the self-test that breaks each one (tests/render/test_inference.py).
INFERENCE_RULES = ("inference-pools", "picker-flags", "picker-rbac")


def flag(args: list[str], name: str) -> str | None:
    """The value of `--name value` or `--name=value` in a container's args."""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(f"{name}="):
            return arg.split("=", 1)[1]
    return None


def pickers(manifest: Manifest) -> list[tuple[Obj, dict[str, Any]]]:
    """(Deployment, container) of every endpoint picker the chart renders (a container with --pool-name)."""
    return [
        (deployment, container)
        for deployment in manifest.by_kind("Deployment")
        for container in deployment["spec"]["template"]["spec"].get("containers") or []
        if flag(list(container.get("args") or []), "--pool-name") is not None
    ]


def _pod_labels(manifest: Manifest) -> list[tuple[Obj, dict[str, str], list[dict[str, Any]]]]:
    return [
        (owner, dict(meta.get("labels") or {}), list(spec.get("containers") or []))
        for owner, meta, spec in manifest.pod_templates()
        if owner["kind"] == "Deployment"
    ]


def _pool_problems(manifest: Manifest, pool: Obj) -> Iterator[str]:
    spec = pool["spec"]
    selector = dict((spec.get("selector") or {}).get("matchLabels") or {})
    selected = [(owner, containers) for owner, labels, containers in _pod_labels(manifest) if selects(selector, labels)]
    if len(selected) != 1:
        yield f"{ref(pool)}: selector {selector} selects the pods of {[ref(o) for o, _ in selected]}, want one server"
        return
    owner, containers = selected[0]
    if any(owner is deployment for deployment, _ in pickers(manifest)):
        yield f"{ref(pool)}: selector {selector} selects the endpoint picker {ref(owner)}"
    ports = {int(p["containerPort"]) for c in containers for p in c.get("ports") or []}
    for target in spec.get("targetPorts") or []:
        if int(target.get("number", 0)) not in ports:
            number = target.get("number")
            yield f"{ref(pool)}: targetPort {number} is not a container port of {ref(owner)} {sorted(ports)}"


def _picker_ref_problems(manifest: Manifest, pool: Obj) -> Iterator[str]:
    picker_ref = pool["spec"].get("endpointPickerRef") or {}
    name, port = picker_ref.get("name"), (picker_ref.get("port") or {}).get("number")
    if picker_ref.get("kind", "Service") != "Service" or picker_ref.get("group", "") != "":
        yield f"{ref(pool)}: endpointPickerRef {picker_ref} is not a core Service"
        return
    services = {s["metadata"]["name"]: s for s in manifest.by_kind("Service")}
    if name not in services:
        return  # an existing picker of the user's (endpointPicker.create=false)
    service = services[name]
    if port not in {int(p["port"]) for p in service["spec"].get("ports") or []}:
        yield f"{ref(pool)}: endpointPickerRef port {port} is not a port of {ref(service)}"
    watching = [
        deployment
        for deployment, container in pickers(manifest)
        if selects(service["spec"].get("selector") or {}, deployment["spec"]["template"]["metadata"]["labels"])
        and flag(container["args"], "--pool-name") == pool["metadata"]["name"]
    ]
    if not watching:
        yield f"{ref(pool)}: {ref(service)} selects no picker that watches this pool (--pool-name)"


@rule("inference-pools")
def inference_pools(manifest: Manifest) -> Iterator[str]:
    """Each InferencePool selects the pods of exactly one server Deployment (never a picker's), targets ports those
    pods expose, and names a picker Service that selects a picker of this pool on the port the pool names."""
    for pool in manifest.by_kind("InferencePool"):
        yield from _pool_problems(manifest, pool)
        yield from _picker_ref_problems(manifest, pool)


@rule("picker-flags")
def picker_flags(manifest: Manifest) -> Iterator[str]:
    """Each picker watches a rendered InferencePool of its own namespace and listens where its ports say."""
    pools = {p["metadata"]["name"] for p in manifest.by_kind("InferencePool")}
    for deployment, container in pickers(manifest):
        args = list(container["args"])
        if flag(args, "--pool-name") not in pools:
            yield f"{ref(deployment)}: --pool-name {flag(args, '--pool-name')!r} is not a rendered InferencePool"
        if flag(args, "--pool-namespace") != deployment["metadata"]["namespace"]:
            yield f"{ref(deployment)}: --pool-namespace {flag(args, '--pool-namespace')!r} is not its namespace"
        ports = {p["name"]: int(p["containerPort"]) for p in container.get("ports") or []}
        for flag_name, port_name in (("--grpc-port", "grpc"), ("--grpc-health-port", "grpc-health")):
            if str(ports.get(port_name)) != flag(args, flag_name):
                yield f"{ref(deployment)}: {flag_name} {flag(args, flag_name)} is not container port {port_name}"


def _bound_rules(manifest: Manifest, account: str) -> list[dict[str, Any]] | None:
    """The rules of the Roles bound to ServiceAccount `account` by rendered RoleBindings; None when none is."""
    roles = {r["metadata"]["name"]: r for r in manifest.by_kind("Role")}
    bound = [
        roles.get(binding["roleRef"]["name"], {"rules": []})
        for binding in manifest.by_kind("RoleBinding")
        if binding["roleRef"].get("kind") == "Role"
        and any(s.get("kind") == "ServiceAccount" and s.get("name") == account for s in binding.get("subjects") or [])
    ]
    return [r for role in bound for r in role.get("rules") or []] if bound else None


def _grants(rules: list[dict[str, Any]], group: str, resource: str, name: str | None) -> bool:
    return any(
        group in r.get("apiGroups", [])
        and resource in r.get("resources", [])
        and set(r.get("verbs", [])) >= READ_VERBS
        and (name is None or not r.get("resourceNames") or name in r["resourceNames"])
        for r in rules
    )


@rule("picker-rbac")
def picker_rbac(manifest: Manifest) -> Iterator[str]:
    """Each picker's ServiceAccount is bound to a namespaced Role that lets it read its pool and the pods, and no Role
    grants more than get, list and watch or a wildcard (cluster-wide RBAC is the rule namespaced-objects')."""
    for role in manifest.by_kind("Role"):
        for index, role_rule in enumerate(role.get("rules") or []):
            verbs = set(role_rule.get("verbs") or [])
            wildcard = "*" in verbs | set(role_rule.get("resources") or []) | set(role_rule.get("apiGroups") or [])
            if not verbs <= READ_VERBS or wildcard:
                yield f"{ref(role)}: rules[{index}] grants {role_rule} beyond reading"
    for deployment, container in pickers(manifest):
        account = deployment["spec"]["template"]["spec"].get("serviceAccountName", "default")
        rules = _bound_rules(manifest, account)
        if rules is None:
            yield f"{ref(deployment)}: ServiceAccount {account} is bound to no rendered Role"
            continue
        pool = flag(container["args"], "--pool-name")
        for group, resource in PICKER_NEEDS:
            if not _grants(rules, group, resource, pool if resource == "inferencepools" else None):
                yield f"{ref(deployment)}: ServiceAccount {account} may not get/list/watch {resource} ({pool})"
