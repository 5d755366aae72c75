"""The InferencePool mode (Gateway API Inference Extension): what each combination renders, the checks of
harness.rules.inference each seen failing on a broken render, the picker's pod held to the same Pod Security and
Safeguards rules as every pod, and the pool validated against every CRD version of tests/crds/extension-versions.txt."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import AGC_REFERENCE, CANARY_MINIMUM, INFERENCE_POOL
from harness.kube_schema import KUBE_VERSIONS, extension_versions, schema_errors
from harness.render import Manifest, RenderRequest
from harness.rules import RULES, check
from harness.rules.inference import INFERENCE_RULES, flag, pickers

if TYPE_CHECKING:
    from collections.abc import Callable

    from harness.pytest_plugin import RenderFunc
    from harness.render import Obj, Renderer

POOL_GROUP = "inference.networking.k8s.io"
# Istio with a canary pool and the NetworkPolicies: one object of every kind the mode renders.
BASE = {**CANARY_MINIMUM, **INFERENCE_POOL, "networkPolicy.enabled": True}


@pytest.fixture(scope="module")
def base(renderer: Renderer) -> Manifest:
    return renderer.render(RenderRequest.make(BASE))


def picker(m: Manifest, variant: str = "stable") -> Obj:
    found = [d for d, _ in pickers(m) if d["metadata"]["name"].endswith("-canary") == (variant == "canary")]
    assert len(found) == 1, found
    return found[0]


def backends(m: Manifest) -> list[dict[str, Any]]:
    return list(m.get("HTTPRoute")["spec"]["rules"][0]["backendRefs"])


def test_route_sends_to_one_pool_per_variant_with_the_canary_weights(base: Manifest) -> None:
    pools = {p["metadata"]["name"]: p for p in base.by_kind("InferencePool")}
    assert backends(base) == [
        {"group": POOL_GROUP, "kind": "InferencePool", "name": "ai-ai-inference", "weight": 90},
        {"group": POOL_GROUP, "kind": "InferencePool", "name": "ai-ai-inference-canary", "weight": 10},
    ]
    for name, pool in pools.items():
        server = base.get("Deployment", name)
        assert pool["spec"]["selector"]["matchLabels"] == server["spec"]["selector"]["matchLabels"]
        assert pool["spec"]["targetPorts"] == [{"number": 8000}]
        picker_ref = pool["spec"]["endpointPickerRef"]
        assert picker_ref == {
            "name": f"ai-ai-inference-epp{name.removeprefix('ai-ai-inference')}",
            "port": {"number": 9002},
            "failureMode": "FailClose",
        }
        deployment = base.get("Deployment", picker_ref["name"])
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert flag(container["args"], "--pool-name") == name
        assert flag(container["args"], "--pool-namespace") == "inference"


def test_picker_objects_and_least_privilege(base: Manifest) -> None:
    """One ServiceAccount, Role and RoleBinding for both pickers; the Role reads the two pools by name and the pods,
    nothing else; the pickers' token is mounted, the servers' is not."""
    (role,) = base.by_kind("Role")
    assert role["rules"] == [
        {
            "apiGroups": [POOL_GROUP],
            "resources": ["inferencepools"],
            "resourceNames": ["ai-ai-inference", "ai-ai-inference-canary"],
            "verbs": ["get", "list", "watch"],
        },
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]},
    ]
    (binding,) = base.by_kind("RoleBinding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "ai-ai-inference-epp", "namespace": "inference"}]
    for variant in ("stable", "canary"):
        spec = picker(base, variant)["spec"]["template"]["spec"]
        assert (spec["serviceAccountName"], spec["automountServiceAccountToken"]) == ("ai-ai-inference-epp", True)
    servers = [d for d in base.by_kind("Deployment") if d not in [p for p, _ in pickers(base)]]
    assert all(d["spec"]["template"]["spec"]["automountServiceAccountToken"] is False for d in servers)
    assert {p["metadata"]["name"] for p in base.by_kind("PodDisruptionBudget")} >= {
        "ai-ai-inference-epp",
        "ai-ai-inference-epp-canary",
    }


def test_network_policies_admit_the_gateway_and_the_pickers(base: Manifest) -> None:
    """The servers admit their gateway's pods and the pickers (a full picker scrapes their metrics); the pickers admit
    the gateway's pods on the ext_proc port only."""
    gateway = {
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "inference"}},
        "podSelector": {"matchLabels": {"gateway.networking.k8s.io/gateway-name": "ai-ai-inference"}},
    }
    server = base.get("NetworkPolicy", "ai-ai-inference")
    peers = [peer for rule in server["spec"]["ingress"] for peer in rule["from"]]
    assert gateway in peers
    for variant in ("stable", "canary"):
        selector = picker(base, variant)["spec"]["selector"]["matchLabels"]
        assert {"podSelector": {"matchLabels": selector}} in peers
    own = base.get("NetworkPolicy", "ai-ai-inference-epp")
    assert own["spec"]["ingress"] == [{"ports": [{"port": "grpc", "protocol": "TCP"}], "from": [gateway]}]


def test_destination_rule_only_on_istio(render: RenderFunc) -> None:
    """Istio speaks TLS to the picker through a DestinationRule; Application Gateway for Containers needs none."""
    istio = render(INFERENCE_POOL)
    (rule,) = istio.by_kind("DestinationRule")
    assert rule["spec"] == {
        "host": "ai-ai-inference-epp.inference.svc.cluster.local",
        "trafficPolicy": {"tls": {"mode": "SIMPLE", "insecureSkipVerify": True}},
    }
    assert not render({**INFERENCE_POOL, **AGC_REFERENCE}).by_kind("DestinationRule")


def test_existing_picker_is_only_referenced(render: RenderFunc) -> None:
    m = render(
        {**INFERENCE_POOL, "inferencePool.endpointPicker.create": False, "inferencePool.endpointPicker.name": "epp"}
    )
    assert m.get("InferencePool")["spec"]["endpointPickerRef"]["name"] == "epp"
    assert not pickers(m)
    assert not {"Role", "RoleBinding", "DestinationRule"} & {o["kind"] for o in m.objects}
    assert [sa["metadata"]["name"] for sa in m.by_kind("ServiceAccount")] == ["ai-ai-inference"]


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_h2c_needs_the_newer_crd(render: RenderFunc, kube_version: str) -> None:
    """appProtocol renders only when set; the v1.3.1 CRD (the one AGC installs) has no such field, which is why the
    chart refuses it there, and every other version accepts it."""
    assert "appProtocol" not in render(INFERENCE_POOL).get("InferencePool")["spec"]
    pool = render({**INFERENCE_POOL, "inferencePool.appProtocol": "kubernetes.io/h2c"}).get("InferencePool")
    assert pool["spec"]["appProtocol"] == "kubernetes.io/h2c"
    failing = {e.split(", ", 1)[1].split(")", 1)[0] for e in schema_errors(pool, kube_version)}
    assert failing == {"inference-extension v1.3.1"}
    assert ("inference-extension", "v1.6.2") in extension_versions()


def test_picker_pod_is_held_to_every_pod_rule(base: Manifest) -> None:
    """The rules of harness.rules run over every pod template: a picker container that drops its restricted
    securityContext or its probes is reported like a server's."""
    assert any(c.name == "endpoint-picker" for c in base.containers())
    loose = Manifest(base.request, base.text, copy.deepcopy(base.objects), list(base.sources), base.values)
    container = picker(loose)["spec"]["template"]["spec"]["containers"][0]
    container["securityContext"] = {"privileged": True}
    del container["livenessProbe"]
    for rule_name in ("pss-allow-privilege-escalation", "pss-capabilities", "pss-privileged", "probes"):
        assert check(base, rule_name) == []
        assert any("endpoint-picker" in v for v in check(loose, rule_name)), rule_name


def test_base_passes_every_rule(base: Manifest) -> None:
    problems = [v for name in sorted(RULES) for v in check(base, name)]
    assert problems == []


# --- each rule of harness.rules.inference seen failing ---------------------------------------------------------------


def picker_args(m: Manifest) -> list[str]:
    return picker(m)["spec"]["template"]["spec"]["containers"][0]["args"]  # type: ignore[no-any-return]


def set_flag(name: str, value: str) -> Callable[[Manifest], Any]:
    def breakage(m: Manifest) -> None:
        args = picker_args(m)
        args[args.index(name) + 1] = value

    return breakage


BREAKAGES: list[tuple[str, str, Callable[[Manifest], Any]]] = [
    (
        "inference-pools",
        "pool selector matches both variants",
        lambda m: m.get("InferencePool", "ai-ai-inference")["spec"]["selector"].update(
            matchLabels={"app.kubernetes.io/instance": "ai"}
        ),
    ),
    (
        "inference-pools",
        "target port the pods do not expose",
        lambda m: m.get("InferencePool", "ai-ai-inference")["spec"].update(targetPorts=[{"number": 8080}]),
    ),
    (
        "inference-pools",
        "picker port the Service lacks",
        lambda m: m.get("InferencePool", "ai-ai-inference")["spec"]["endpointPickerRef"]["port"].update(number=9003),
    ),
    (
        "inference-pools",
        "picker Service of the other pool",
        lambda m: m.get("InferencePool", "ai-ai-inference")["spec"]["endpointPickerRef"].update(
            name="ai-ai-inference-epp-canary"
        ),
    ),
    ("picker-flags", "watches a pool that is not rendered", set_flag("--pool-name", "gone")),
    ("picker-flags", "watches another namespace", set_flag("--pool-namespace", "default")),
    ("picker-flags", "listens where no port is named", set_flag("--grpc-port", "9100")),
    ("picker-rbac", "Role without pods", lambda m: m.get("Role")["rules"].pop()),
    (
        "picker-rbac",
        "Role that may delete pods",
        lambda m: m.get("Role")["rules"][1]["verbs"].append("delete"),
    ),
    ("picker-rbac", "no RoleBinding", lambda m: m.objects.remove(m.get("RoleBinding"))),
    (
        "picker-rbac",
        "pool left out of resourceNames",
        lambda m: m.get("Role")["rules"][0]["resourceNames"].remove("ai-ai-inference"),
    ),
    (
        "route-backends",
        "route to a pool that is not rendered",
        lambda m: m.get("HTTPRoute")["spec"]["rules"][0]["backendRefs"][0].update(name="gone"),
    ),
    (
        "no-sa-token-automount",
        "a server pod of the pickers' ServiceAccount unbound",
        lambda m: m.objects.remove(m.get("RoleBinding")),
    ),
]


def test_every_inference_rule_has_a_breakage() -> None:
    assert set(INFERENCE_RULES) <= {name for name, _, _ in BREAKAGES}


@pytest.mark.parametrize(("rule_name", "what", "breakage"), BREAKAGES, ids=[f"{n}: {w}" for n, w, _ in BREAKAGES])
def test_inference_rule_catches_breakage(
    base: Manifest, rule_name: str, what: str, breakage: Callable[[Manifest], Any]
) -> None:
    assert check(base, rule_name) == [], "the base scenario must be clean"
    broken = Manifest(base.request, base.text, copy.deepcopy(base.objects), list(base.sources), base.values)
    breakage(broken)
    violations = check(broken, rule_name)
    assert violations, f"{rule_name} did not notice: {what}"
