"""Every generic check is seen failing: each rule and the schema validators run on a good render broken in memory
(the chart itself is never broken). Guards against rules that silently pass everything."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import CSI_MINIMUM, HOST
from harness.kube_schema import KUBE_VERSIONS, schema_errors
from harness.render import Manifest, RenderRequest
from harness.rules import RULES, check
from harness.rules.inference import INFERENCE_RULES
from harness.rules.routing import ROUTING_RULES

if TYPE_CHECKING:
    from collections.abc import Callable

    from harness.render import Obj, Renderer

# A rich, valid scenario: GPU, Key Vault, nginx ingress, two replicas (PDB and spread), helm test pod.
BASE = {
    **CSI_MINIMUM,
    "gpu.enabled": True,
    "replicaCount": 2,
    "ingress.enabled": True,
    "ingress.hosts": [HOST],
    "serviceMonitor.enabled": True,
}


def deployment(m: Manifest) -> Obj:
    return m.by_kind("Deployment")[0]


def pod(m: Manifest) -> Obj:
    return deployment(m)["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def server(m: Manifest) -> Obj:
    return pod(m)["containers"][0]  # type: ignore[no-any-return]


def add_hpa(m: Manifest) -> None:
    name = deployment(m)["metadata"]["name"]
    m.objects.append(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": name, "namespace": m.request.namespace, "labels": deployment(m)["metadata"]["labels"]},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}, "maxReplicas": 3},
        }
    )


def duplicate_service(m: Manifest) -> None:
    twin = copy.deepcopy(m.by_kind("Service")[0])
    twin["metadata"]["name"] += "-twin"
    m.objects.append(twin)


def add_secret(m: Manifest) -> None:
    m.objects.append(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "leak", "namespace": "inference"},
            "stringData": {"k": "v"},
        }
    )


def add_object(obj: Obj) -> Callable[[Manifest], None]:
    return lambda m: m.objects.append(obj)


def duplicate_key(m: Manifest) -> None:
    m.text = m.text.replace("kind: Service\n", "kind: Service\nkind: Service\n", 1)


OPEN_POLICY = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {"name": "open", "namespace": "inference"},
    "spec": {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}]}]},
}
CLUSTER_BINDING = {
    "apiVersion": "rbac.authorization.k8s.io/v1",
    "kind": "ClusterRoleBinding",
    "metadata": {"name": "admin"},
    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
}

# rule -> (what is broken, how)
BREAKAGES: dict[str, tuple[str, Callable[[Manifest], Any]]] = {
    "pss-allow-privilege-escalation": (
        "allowPrivilegeEscalation unset",
        lambda m: server(m)["securityContext"].pop("allowPrivilegeEscalation"),
    ),
    "pss-run-as-non-root": ("container runAsUser 0", lambda m: server(m)["securityContext"].update(runAsUser=0)),
    "pss-capabilities": (
        "add NET_ADMIN",
        lambda m: server(m)["securityContext"]["capabilities"].update(add=["NET_ADMIN"]),
    ),
    "pss-seccomp": (
        "pod seccomp Unconfined",
        lambda m: pod(m)["securityContext"].update(seccompProfile={"type": "Unconfined"}),
    ),
    "pss-privileged": ("privileged container", lambda m: server(m)["securityContext"].update(privileged=True)),
    "pss-host-namespaces-ports": ("hostNetwork", lambda m: pod(m).update(hostNetwork=True)),
    "pss-volume-types": (
        "hostPath volume",
        lambda m: pod(m)["volumes"].append({"name": "h", "hostPath": {"path": "/"}}),
    ),
    "pss-no-overrides": ("procMount Unmasked", lambda m: server(m)["securityContext"].update(procMount="Unmasked")),
    "read-only-root-fs": (
        "writable root fs without opt-in",
        lambda m: server(m)["securityContext"].update(readOnlyRootFilesystem=False),
    ),
    "no-sa-token-automount": ("token automounted", lambda m: pod(m).update(automountServiceAccountToken=True)),
    "resources": (
        "GPU in requests",
        lambda m: server(m)["resources"].setdefault("requests", {}).update({"nvidia.com/gpu": 1}),
    ),
    "probes": ("startupProbe removed", lambda m: server(m).pop("startupProbe")),
    "image-pinned": ("latest tag", lambda m: server(m).update(image="roo.azurecr.io/roo-vision:latest")),
    "standard-labels": (
        "helm.sh/chart removed from the Service",
        lambda m: m.by_kind("Service")[0]["metadata"]["labels"].pop("helm.sh/chart"),
    ),
    "selectors": (
        "helm.sh/chart in the Deployment selector",
        lambda m: deployment(m)["spec"]["selector"]["matchLabels"].update({"helm.sh/chart": "x"}),
    ),
    "service-selectors-unique": ("second Service with the same selector", duplicate_service),
    "namespace-rendered": (
        "ConfigMap without namespace",
        lambda m: m.by_kind("ConfigMap")[0]["metadata"].pop("namespace"),
    ),
    "no-aks-labels": (
        "AKS label on the pod template",
        lambda m: deployment(m)["spec"]["template"]["metadata"]["labels"].update({"kubernetes.azure.com/x": "y"}),
    ),
    "ha-pdb-spread": ("PDB removed", lambda m: m.objects.remove(m.by_kind("PodDisruptionBudget")[0])),
    "hpa-no-replicas": ("HPA added, replicas kept", add_hpa),
    "no-secret-material-csi": ("Secret with stringData in csi mode", add_secret),
    "no-literal-secret-env": (
        "literal API key env",
        lambda m: server(m).setdefault("env", []).append({"name": "OPENAI_API_KEY", "value": "sk-12345678"}),
    ),
    "no-null-fields": (
        "null targetPort",
        lambda m: m.by_kind("Service")[0]["spec"]["ports"][0].update(targetPort=None),
    ),
    "service-target-port": (
        "targetPort names no port",
        lambda m: m.by_kind("Service")[0]["spec"]["ports"][0].update(targetPort="nope"),
    ),
    "no-scanner-skips": (
        "a checkov skip the values did not write",
        lambda m: deployment(m)["metadata"].setdefault("annotations", {}).update({"checkov.io/skip1": "CKV_K8S_43=x"}),
    ),
    "no-duplicate-keys": ("a key written twice", duplicate_key),
    "internal-load-balancer": (
        "a public LoadBalancer Service",
        lambda m: m.by_kind("Service")[0]["spec"].update(type="LoadBalancer"),
    ),
    "no-match-all-peers": ("a NetworkPolicy admitting every namespace", add_object(OPEN_POLICY)),
    "no-hooks": (
        "a pre-install hook",
        lambda m: (
            m.by_kind("Service")[0]["metadata"].setdefault("annotations", {}).update({"helm.sh/hook": "pre-install"})
        ),
    ),
    "namespaced-objects": ("a ClusterRoleBinding", add_object(CLUSTER_BINDING)),
}


@pytest.fixture(scope="module")
def base(renderer: Renderer) -> Manifest:
    return renderer.render(RenderRequest.make(BASE))


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


def test_every_rule_has_a_breakage() -> None:
    """The routing rules are broken on a routing scenario in test_routing_rules.py."""
    assert set(BREAKAGES) == set(RULES) - set(ROUTING_RULES) - set(INFERENCE_RULES)


@pytest.mark.parametrize("rule_name", sorted(set(RULES) - set(ROUTING_RULES) - set(INFERENCE_RULES)))
def test_rule_catches_breakage(base: Manifest, rule_name: str) -> None:
    assert check(base, rule_name) == [], "the base scenario must be clean"
    what, breakage = BREAKAGES[rule_name]
    violations = check(broken(base, breakage), rule_name)
    assert violations, f"{rule_name} did not notice: {what}"
    assert all(f"[{rule_name}]" in v and "/" in v for v in violations), violations


# Container rules broken on containers other than the server: each must be seen wherever the container sits.
CONTAINER_BREAKAGES: dict[str, Callable[[Obj], Any]] = {
    "pss-allow-privilege-escalation": lambda c: c["securityContext"].update(allowPrivilegeEscalation=True),
    "pss-privileged": lambda c: c["securityContext"].update(privileged=True),
    "pss-capabilities": lambda c: c["securityContext"]["capabilities"].update(add=["SYS_ADMIN"]),
    "read-only-root-fs": lambda c: c["securityContext"].update(readOnlyRootFilesystem=False),
    "resources": lambda c: c["resources"].pop("limits"),
    "image-pinned": lambda c: c.update(image="busybox:latest"),
}


def add_init_container(m: Manifest) -> Obj:
    """A copy of the server as an init container (a native sidecar), returned for breaking."""
    init = copy.deepcopy(server(m))
    init["name"] = "warmup"
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        init.pop(probe, None)
    pod(m).setdefault("initContainers", []).append(init)
    return init


@pytest.mark.parametrize("rule_name", sorted(CONTAINER_BREAKAGES))
def test_container_rules_see_every_container(base: Manifest, rule_name: str) -> None:
    """The rule names the broken init container and the broken `helm test` Pod container, not only the server."""
    m = broken(base, lambda _: None)
    CONTAINER_BREAKAGES[rule_name](add_init_container(m))
    test_pod = m.get("Pod")
    CONTAINER_BREAKAGES[rule_name](test_pod["spec"]["containers"][0])
    violations = "\n".join(check(m, rule_name))
    assert "initContainers/warmup:" in violations, violations
    assert f"Pod/{test_pod['metadata']['name']} containers/" in violations, violations


def test_read_only_root_fs_opt_out_is_honoured(renderer: Renderer) -> None:
    values = {"securityContext.readOnlyRootFilesystem": False, "securityExceptions": ["writableRootFilesystem"]}
    manifest = renderer.render(RenderRequest.make(values))
    assert check(manifest, "read-only-root-fs") == []
    assert server(manifest)["securityContext"]["readOnlyRootFilesystem"] is False
    assert check(broken(manifest, lambda m: m.values.update(securityExceptions=[])), "read-only-root-fs")


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_schema_rejects_unknown_and_mistyped_fields(base: Manifest, kube_version: str) -> None:
    m = broken(base, lambda m: deployment(m)["spec"].update(replicass=2))
    assert any("replicass" in e for e in schema_errors(deployment(m), kube_version))
    m = broken(base, lambda m: server(m).update(ports=[{"containerPort": "http"}]))
    assert schema_errors(deployment(m), kube_version)


@pytest.mark.parametrize("kind", ["SecretProviderClass", "ServiceMonitor"])
def test_crd_schemas_are_strict(base: Manifest, kind: str) -> None:
    obj = copy.deepcopy(base.get(kind))
    assert schema_errors(obj, "1.33") == []
    obj["spec"]["unexpected"] = True
    assert any("unexpected" in e for e in schema_errors(obj, "1.33"))
    obj = copy.deepcopy(base.get(kind))
    obj["metadata"]["lables"] = {}
    assert any("lables" in e for e in schema_errors(obj, "1.33"))


def test_unknown_kind_is_an_error_not_a_skip() -> None:
    errors = schema_errors({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}, "1.33")
    assert errors
    assert "no schema" in errors[0]
