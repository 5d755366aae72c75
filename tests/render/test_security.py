"""Secure for every value. The inputs of the bad-input catalog's security classes that the chart accepts render
objects that pass every rule (Pod Security "restricted" and the AKS Deployment Safeguards on every container, no
scanner suppression, no key twice, nothing exposed); each relaxation renders only with its `securityExceptions` name
and NOTES states it; a secret value leaves no trace outside the Secret; every integer is bounded. The security walk:
every key whose schema description promises a security property has an input that breaks it, refused naming the key
on the chart defaults and on every values file."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import RELAXATIONS, ROUTE_MINIMUM, all_cases, relaxed
from harness.render import CHART_DIR, RenderError, RenderRequest, overrides_to_values
from harness.rules import RULES, check
from harness.schema_walk import merged_node, parse_report, wording

from .bad_inputs_security import init, sidecar
from .test_bad_inputs import CATALOG

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from harness.cases import Case
    from harness.helm_messages import Bad
    from harness.render import Manifest, Renderer

SCHEMA: dict[str, Any] = json.loads((CHART_DIR / "values.schema.json").read_text(encoding="utf-8"))
INTERNAL_LB = {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}


def server(m: Manifest) -> dict[str, Any]:
    return m.get("Deployment")["spec"]["template"]["spec"]["containers"][0]  # type: ignore[no-any-return]


def pod(m: Manifest) -> dict[str, Any]:
    return m.get("Deployment")["spec"]["template"]["spec"]  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Accepted:
    """An input of a security class that renders: `holds` is what the render must show beside passing every rule."""

    id: str
    overrides: dict[str, Any]
    holds: Callable[[Manifest], bool]


ACCEPTED: list[Accepted] = [
    Accepted("defaults", {}, lambda m: "checkov.io/skip1" not in json.dumps(m.objects)),
    Accepted(
        "sidecar-securityContext-null",
        sidecar(securityContext=None),
        lambda m: pod(m)["containers"][1]["securityContext"] == server(m)["securityContext"],
    ),
    Accepted(
        "init-securityContext-empty",
        init(securityContext={}),
        lambda m: pod(m)["initContainers"][0]["securityContext"] == server(m)["securityContext"],
    ),
    Accepted(
        "user-scanner-skip-kept",
        {"deploymentAnnotations": {"checkov.io/skip1": "CKV_K8S_43=pinned by the platform's mirror"}},
        lambda m: m.get("Deployment")["metadata"]["annotations"]["checkov.io/skip1"].startswith("CKV_K8S_43="),
    ),
    Accepted(
        "podLabels-over-commonLabels",
        {"commonLabels": {"team": "platform"}, "podLabels": {"team": "vision"}},
        lambda m: m.get("Deployment")["spec"]["template"]["metadata"]["labels"]["team"] == "vision",
    ),
    Accepted(
        "commonAnnotations-beside-route-annotations",
        {**ROUTE_MINIMUM, "commonAnnotations": {"owner": "ml"}, "httpRoute.annotations": {"team": "vision"}},
        lambda m: {"owner", "team"} <= set(m.get("HTTPRoute")["metadata"]["annotations"]),
    ),
    Accepted(
        "extraObjects-namespace-set",
        {"extraObjects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "prompts"}}]},
        lambda m: m.get("ConfigMap", "prompts")["metadata"]["namespace"] == m.request.namespace,
    ),
    Accepted(
        "internal-load-balancer",
        {"service.type": "LoadBalancer", "service.annotations": INTERNAL_LB},
        lambda m: m.get("Service")["spec"]["type"] == "LoadBalancer",
    ),
]


# extraObjects are data: the chart adds no labels to them (and refuses helm.sh/* ones), so standard-labels is not
# theirs to pass; every other rule holds.
ACCEPTED_RULES = sorted(set(RULES) - {"standard-labels"})


@pytest.mark.parametrize("accepted", ACCEPTED, ids=[a.id for a in ACCEPTED])
def test_accepted_input_passes_every_rule(renderer: Renderer, accepted: Accepted) -> None:
    manifest = renderer.render(RenderRequest.make(accepted.overrides))
    violations = [v for name in ACCEPTED_RULES for v in check(manifest, name)]
    assert not violations, "\n".join(violations)
    assert accepted.holds(manifest), f"{accepted.id}: the render does not show what the input asked for"


@pytest.mark.parametrize("name", sorted(RELAXATIONS))
def test_relaxation_renders_only_with_its_name(renderer: Renderer, name: str) -> None:
    """With its securityExceptions name a relaxation renders and passes every other rule, and the render shows it: the
    same objects judged as if the name were missing break a rule. Without the name it is refused naming a key."""
    manifest = renderer.render(RenderRequest.make(relaxed(name)))
    violations = [v for rule in ACCEPTED_RULES for v in check(manifest, rule)]
    assert not violations, "\n".join(violations)
    unnamed = copy.copy(manifest)
    unnamed.values = {**manifest.values, "securityExceptions": []}
    assert [v for rule in ACCEPTED_RULES for v in check(unnamed, rule)], f"{name}: the render shows no relaxation"
    error = renderer.render_error(RenderRequest.make(RELAXATIONS[name]))
    assert re.search(rf"ai-inference: .*\b{name} in securityExceptions", error.stderr), error.stderr


def test_notes_state_the_exceptions_and_the_address(renderer: Renderer) -> None:
    if renderer.helm_major < 4:
        pytest.skip("helm 3 install --dry-run=client needs a reachable cluster; the notes are checked with helm 4")
    public = renderer.notes(RenderRequest.make(relaxed("publicLoadBalancer")))
    assert "SECURITY EXCEPTIONS in force" in public
    assert "publicLoadBalancer: a LoadBalancer Service may get a public IP address" in public
    assert "through a public Azure load balancer" in public
    assert "port-forward svc/" not in public.split("Service ai-ai-inference ports:")[1].split("helm test")[0]
    internal = renderer.notes(RenderRequest.make({"service.type": "LoadBalancer", "service.annotations": INTERNAL_LB}))
    assert "through an internal Azure load balancer" in internal
    assert "SECURITY EXCEPTIONS" not in internal
    assert "through a port of every node" in renderer.notes(RenderRequest.make({"service.type": "NodePort"}))
    assert "port-forward svc/ai-ai-inference 8080:80" in renderer.notes(RenderRequest.make())


def test_secret_values_leave_no_trace(renderer: Renderer) -> None:
    """Only the Secret changes when a secret value does: no digest or copy of it anywhere else (pod annotations
    included), so reading a Deployment discloses nothing about the secret."""
    one, two = (
        renderer.render(RenderRequest.make({"secrets.native.data": {"api-key": value}})) for value in ("4711", "4712")
    )
    assert [o for o in one.objects if o["kind"] != "Secret"] == [o for o in two.objects if o["kind"] != "Secret"]
    assert one.get("Secret") != two.get("Secret")


def _integers(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:  # noqa: ANN401 - JSON schema
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "integer" or (isinstance(kind, list) and "integer" in kind):
            yield path, node
        for key, value in node.items():
            yield from _integers(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _integers(value, f"{path}/{index}")


def test_every_integer_is_bounded() -> None:
    """Kubernetes' int32 fields (and its int64 UIDs, bounded by the API server to int32) take at most 2147483647; the
    chart's sums (terminationGracePeriodSeconds + preStop sleep) and products (the startup budget) of such numbers
    stay far inside int64, and helm's float64 holds each exactly."""
    unbounded = [path for path, node in _integers(SCHEMA) if not 0 <= node.get("maximum", 2**63) <= 2**31 - 1]
    assert not unbounded, f"integers without a maximum of at most 2147483647: {unbounded}"


# --- the security walk -------------------------------------------------------------------------------------------

# How a description promises a security property: Pod Security, the Safeguards, a relaxation that needs a
# securityExceptions name, Helm's keys, an address range that admits everything.
PROMISE = re.compile(r"Pod Security|Safeguards|securityExceptions|helm\.sh/\*|0\.0\.0\.0/0")
# Each promising key -> the catalog input that breaks the promise (test_bad_inputs.py proves the message on every helm).
BREAKERS: dict[str, str] = {
    "commonAnnotations": "commonAnnotations-helm-hook",
    "selectorLabels": "selectorLabels-workload-identity",
    "extraVolumes": "extraVolumes-hostPath",
    "initContainers": "init-privileged",
    "sidecars": "sidecar-without-probes",
    "resources.requests": "resources-null",
    "inferencePool.endpointPicker.resources": "picker-without-memory-limit",
    "serviceAccount.automountToken": "automountToken-without-exception",
    "deploymentAnnotations": "deploymentAnnotations-helm-hook",
    "podAnnotations": "apparmor-annotation-in-podAnnotations",
    "podLabels": "aks-pod-label",
    "podSecurityContext": "podSecurityContext-null",
    "podSecurityContext.runAsNonRoot": "root-user-with-runAsNonRoot-false",
    "podSecurityContext.runAsUser": "root-user-with-runAsNonRoot-false",
    "podSecurityContext.seccompProfile": "pod-seccomp-unconfined",
    "podSecurityContext.seccompProfile.type": "pod-seccomp-unconfined",
    "podSecurityContext.sysctls": "sysctl-not-safe",
    "podSecurityContext.seLinuxOptions": "pod-selinux-user-role",
    "podSecurityContext.appArmorProfile.type": "pod-apparmor-unconfined",
    "podSecurityContext.windowsOptions": "pod-hostProcess",
    "securityContext": "securityContext-null",
    "securityContext.allowPrivilegeEscalation": "allowPrivilegeEscalation-true",
    "securityContext.readOnlyRootFilesystem": "readOnlyRootFilesystem-false",
    "securityContext.runAsNonRoot": "container-root-user-with-runAsNonRoot-false",
    "securityContext.runAsUser": "container-root-user-with-runAsNonRoot-false",
    "securityContext.privileged": "privileged",
    "securityContext.procMount": "procMount-unmasked",
    "securityContext.capabilities.drop": "capabilities-add-sys-admin-drop-none",
    "securityContext.capabilities.add": "capabilities-add-baseline-one",
    "securityContext.seccompProfile.type": "seccomp-unconfined",
    "securityContext.seLinuxOptions": "selinux-spc_t",
    "securityContext.appArmorProfile.type": "apparmor-unconfined",
    "securityContext.windowsOptions": "hostProcess",
    "securityExceptions": "securityExceptions-unknown-name",
    "service.type": "service-public-load-balancer",
    "networkPolicy.appGatewaySubnetCIDR": "appGatewaySubnetCIDR-everything",
    "networkPolicy.agcSubnetCIDR": "agcSubnetCIDR-everything",
    "networkPolicy.metricsFrom": "metricsFrom-every-pod",
    "networkPolicy.extraFrom": "extraFrom-every-namespace",
    "extraObjects": "extraObjects-cluster-admin-binding",
}
BY_ID = {bad.id: bad for bad in CATALOG}


def promising_keys(node: dict[str, Any] = SCHEMA, path: tuple[str, ...] = ()) -> Iterator[str]:
    """Every key (properties, through `$ref` and `allOf`) whose description promises a security property."""
    node = merged_node(SCHEMA, node)
    if path and PROMISE.search(str(node.get("description", ""))):
        yield ".".join(path)
    for key, sub in node.get("properties", {}).items():
        yield from promising_keys(sub, (*path, key))


def leaves(values: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:  # noqa: ANN401 - values
    """Paths of a nested values dict down to its non-map values (a list is one leaf: it is replaced whole)."""
    if isinstance(values, dict) and values:
        for key, value in values.items():
            yield from leaves(value, (*path, str(key)))
    else:
        yield path


def named(stderr: str, key: str) -> bool:
    """helm refused naming `key` (or a key below it): a chart line, a schema line at its path, or its `required`."""
    if re.search(rf"ai-inference: {re.escape(key)}[.\[: /]", stderr):
        return True
    if any(line.path == key or line.path.startswith(f"{key}.") for line in parse_report(stderr)):
        return True
    return "." not in key and bool(re.search(wording("required", key), stderr, re.IGNORECASE))


def test_every_security_promise_has_a_breaker() -> None:
    keys = set(promising_keys())
    assert keys, "no description promises anything: the PROMISE pattern is broken"
    assert not keys - set(BREAKERS), (
        f"keys promising a security property without a breaker: {sorted(keys - set(BREAKERS))}"
    )
    assert not set(BREAKERS) - keys, f"breakers of keys that promise nothing (any more): {sorted(set(BREAKERS) - keys)}"


@pytest.mark.parametrize("key", sorted(BREAKERS))
def test_breaker_breaks_its_key(renderer: Renderer, key: str) -> None:
    """The breaker sets that key (or the block it is in), and helm refuses it naming the key."""
    bad = BY_ID[BREAKERS[key]]
    touched = {".".join(leaf) for leaf in leaves(overrides_to_values(bad.overrides))}
    assert any(key == t or key.startswith(f"{t}.") or t.startswith(f"{key}.") for t in touched), (key, touched)
    assert named(renderer.render_error(RenderRequest.make(bad.overrides)).stderr, key)


@dataclass
class Layer:
    """Breakers merged into one render: their keys, the merged values, the leaves they set, and how helm refuses
    them (the chart's checks, or the schema, which stops helm before the checks)."""

    keys: list[str]
    values: dict[str, Any]
    taken: set[tuple[str, ...]]
    chart: bool

    def takes(self, values: dict[str, Any], paths: set[tuple[str, ...]], chart: bool) -> bool:
        """Join the layer when the leaves are disjoint, the refusal alike, and no securityExceptions is involved (an
        exception could lift another breaker's check)."""
        disjoint = not any(p[: len(q)] == q or q[: len(p)] == p for p in paths for q in self.taken)
        alone = "securityExceptions" in values or "securityExceptions" in self.values
        if not (disjoint and chart == self.chart and not alone):
            return False
        _merge(self.values, values)
        self.taken |= paths
        return True


def layers(breakers: list[tuple[str, Bad]]) -> list[Layer]:
    """Breakers merged into few renders (first fit)."""
    out: list[Layer] = []
    for key, bad in breakers:
        values = overrides_to_values(bad.overrides)
        paths = set(leaves(values))
        chart = all(m.startswith("ai-inference:") for m in bad.match)
        joined = next((layer for layer in out if layer.takes(values, paths, chart)), None)
        if joined is None:
            out.append(Layer([key], values, paths, chart))
        else:
            joined.keys.append(key)
    return out


def _merge(target: dict[str, Any], over: dict[str, Any]) -> None:
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


WALKED = [case for case in all_cases() if case.id == "defaults" or case.values_file]


@pytest.mark.parametrize("case", WALKED, ids=[case.id for case in WALKED])
def test_security_promises_hold_in_every_scenario(renderer: Renderer, case: Case) -> None:
    """Every breaker, on the chart defaults and on every values file: refused naming its key."""
    renders = layers([(key, BY_ID[BREAKERS[key]]) for key in sorted(BREAKERS)])
    files = case.request().values_files
    requests = [RenderRequest.make(layer.values, values_files=files) for layer in renders]
    renderer.prerender(requests)
    missed = []
    for layer, request in zip(renders, requests, strict=True):
        try:
            renderer.render(request)
            missed += [f"{key}: rendered" for key in layer.keys]
        except RenderError as error:
            missed += [f"{key}: not named in\n{error.stderr}" for key in layer.keys if not named(error.stderr, key)]
    assert not missed, f"{case.id}:\n" + "\n".join(missed)
