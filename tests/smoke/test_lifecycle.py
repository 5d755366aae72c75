"""Release lifecycle on the cluster: upgrade rolls pods, a bad upgrade changes nothing, rollback, clean uninstall.

Each test installs its own release (values/dev.yaml unless said otherwise) into its own new namespace.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from harness.errors import WaitTimeout
from harness.paths import VALUES_DIR
from harness.render import RenderRequest
from kubernetes import client

from .kube import (
    INSTANCE,
    Helm,
    Kube,
    Model,
    assert_installed,
    helm_install,
    items,
    short_id,
    wait_for,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

pytestmark = pytest.mark.smoke

RELEASE = "life"
# Kinds a release owns without rendering them: found by the same instance label (EndpointSlices copy the
# Service's labels, pods and ReplicaSets the pod template's).
DERIVED = (("apps/v1", "ReplicaSet"), ("v1", "Pod"), ("discovery.k8s.io/v1", "EndpointSlice"))
# A shared (ReadWriteMany, azurefile-csi on AKS) model cache: prod-cpu runs three or more replicas, which the chart
# refuses on a ReadWriteOnce disk.
PVC_CACHE = {
    "modelCache.enabled": True,
    "modelCache.type": "pvc",
    "modelCache.size": "10Gi",
    "modelCache.accessMode": "ReadWriteMany",
}


def release_of(ns: str, overrides: Mapping[str, Any] | None = None, values: str = "dev.yaml") -> RenderRequest:
    """What the test release is given: a values file of values/ and overrides."""
    return RenderRequest.make(overrides, values_files=[VALUES_DIR / values], release=RELEASE, namespace=ns)


def install(kube: Kube, helm: Helm, ns: str) -> None:
    assert_installed(helm_install(kube, helm, RELEASE, ns, helm.value_args(release_of(ns))))


def upgrade(helm: Helm, ns: str, overrides: Mapping[str, Any], check: bool = True) -> str:
    args = helm.value_args(release_of(ns, overrides))
    chart = str(helm.renderer.chart_dir)
    proc = helm.run("upgrade", RELEASE, chart, "-n", ns, *args, "--wait", "--timeout", "60s", check=check)
    return proc.stderr + proc.stdout


def current(kube: Kube, ns: str) -> tuple[Model, set[str]]:
    """The active ReplicaSet after a finished rollout, and the UIDs of its pods."""
    dep = kube.rolled_out(ns, RELEASE)
    rs = kube.current_replicaset(ns, dep)

    def pods() -> set[str] | None:
        uids = {
            p.metadata.uid
            for p in kube.pods_of(ns, dep)
            if any(ref.uid == rs.metadata.uid for ref in p.metadata.owner_references or [])
        }
        return uids if len(uids) == dep.spec.replicas else None

    return rs, wait_for("pods of the active ReplicaSet", pods)


def config_value(kube: Kube, ns: str, key: str) -> str:
    maps = items(kube.core.list_namespaced_config_map(ns, label_selector=f"{INSTANCE}={RELEASE}"))
    assert len(maps) == 1, [m.metadata.name for m in maps]
    return str(maps[0].data[key])


def history(helm: Helm, ns: str) -> list[dict[str, Any]]:
    data = json.loads(helm.run("history", RELEASE, "-n", ns, "-o", "json").stdout)
    assert isinstance(data, list)
    return data


def test_config_change_rolls_pods(kube: Kube, helm: Helm, namespace: str) -> None:
    """`helm upgrade --set config.LOG_LEVEL=...` changes the ConfigMap and rolls the pods onto a new ReplicaSet."""
    install(kube, helm, namespace)
    rs1, pods1 = current(kube, namespace)
    upgrade(helm, namespace, {"config.LOG_LEVEL": "trace"})
    rs2, pods2 = current(kube, namespace)
    assert config_value(kube, namespace, "LOG_LEVEL") == "trace"
    assert rs2.metadata.name != rs1.metadata.name, "the pod template did not change: no rollout"
    assert not pods1 & pods2, "old pods survived the rollout"
    status = helm.status(RELEASE, namespace)
    assert (status["version"], status["info"]["status"]) == (2, "deployed")


@pytest.mark.parametrize(
    ("bad", "reaches_cluster"),
    [
        pytest.param({"secrets.provider": "vault"}, False, id="schema-rejects"),
        # the chart's guards accept it, but a Deployment's selector is immutable: the API server refuses the update
        pytest.param({"selectorLabels": {"app": "renamed"}}, True, id="api-server-rejects"),
    ],
)
def test_invalid_upgrade_keeps_previous_revision(
    kube: Kube, helm: Helm, namespace: str, bad: dict[str, Any], reaches_cluster: bool
) -> None:
    """An upgrade with an invalid value fails; revision 1 keeps running unchanged (same ReplicaSet, same pods)."""
    install(kube, helm, namespace)
    rs1, pods1 = current(kube, namespace)
    out = upgrade(helm, namespace, bad, check=False)
    assert "Error" in out, f"the invalid upgrade ({bad}) succeeded:\n{out}"
    rs2, pods2 = current(kube, namespace)
    assert (rs2.metadata.name, pods2) == (rs1.metadata.name, pods1), "the failed upgrade touched the workload"
    assert config_value(kube, namespace, "LOG_LEVEL") == "debug"
    revisions = {h["revision"]: h["status"] for h in history(helm, namespace)}
    assert revisions[1] == "deployed", revisions
    # helm stops a schema error before the cluster; an API-server rejection is recorded as a failed revision 2
    assert revisions == ({1: "deployed", 2: "failed"} if reaches_cluster else {1: "deployed"})


def test_rollback_restores_previous_revision(kube: Kube, helm: Helm, namespace: str) -> None:
    install(kube, helm, namespace)
    rs1, _ = current(kube, namespace)
    upgrade(helm, namespace, {"config.LOG_LEVEL": "trace"})
    helm.run("rollback", RELEASE, "1", "-n", namespace, "--wait", "--timeout", "60s")
    rs3, _ = current(kube, namespace)
    assert config_value(kube, namespace, "LOG_LEVEL") == "debug"
    assert rs3.metadata.name == rs1.metadata.name, "rollback did not return to revision 1's pod template"
    status = helm.status(RELEASE, namespace)
    assert (status["version"], status["info"]["status"]) == (3, "deployed")


@pytest.fixture
def static_pvs(kube: Kube) -> Iterator[list[str]]:
    """PersistentVolumes made for the chart's model-cache PVC (the kwok cluster has no provisioner)."""
    made: list[str] = []
    yield made
    for name in made:
        kube.core.delete_persistent_volume(name)


def bind_model_cache(kube: Kube, namespace: str, objects: list[dict[str, Any]], made: list[str]) -> list[str]:
    """Pre-bind a PersistentVolume to each rendered PVC, unless a default StorageClass will provision one."""
    pvcs = [o for o in objects if o["kind"] == "PersistentVolumeClaim"]
    classes = items(client.StorageV1Api(kube.api).list_storage_class())
    if any(
        (c.metadata.annotations or {}).get("storageclass.kubernetes.io/is-default-class") == "true" for c in classes
    ):
        return [p["metadata"]["name"] for p in pvcs]
    for pvc in pvcs:
        name = f"smoke-{short_id()}"
        spec = client.V1PersistentVolumeSpec(
            capacity={"storage": pvc["spec"]["resources"]["requests"]["storage"]},
            access_modes=pvc["spec"]["accessModes"],
            host_path=client.V1HostPathVolumeSource(path=f"/tmp/{name}"),  # noqa: S108 - never mounted under kwok
            claim_ref=client.V1ObjectReference(namespace=namespace, name=pvc["metadata"]["name"]),
            persistent_volume_reclaim_policy="Retain",
            storage_class_name="",
        )
        kube.core.create_persistent_volume(
            client.V1PersistentVolume(metadata=client.V1ObjectMeta(name=name), spec=spec)
        )
        made.append(name)
    return [p["metadata"]["name"] for p in pvcs]


def owned(kube: Kube, namespace: str, kinds: set[tuple[str, str]]) -> dict[str, list[str]]:
    """Objects of the release, by kind, found by the label app.kubernetes.io/instance."""
    found = {
        kind: [o.metadata.name for o in kube.list_by_label(api, kind, namespace, f"{INSTANCE}={RELEASE}")]
        for api, kind in sorted(kinds)
    }
    return {k: v for k, v in found.items() if v}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(("dev.yaml", False), id="dev"),
        pytest.param(("prod-cpu.yaml", False), id="prod-cpu"),
        pytest.param(("dev.yaml", True), id="dev-keep-model-cache"),
    ],
)
def test_uninstall_leaves_nothing_behind(
    kube: Kube, helm: Helm, namespace: str, static_pvs: list[str], case: tuple[str, bool]
) -> None:
    """After `helm uninstall` no object labelled with the release is left, over every namespaced kind the chart
    renders plus ReplicaSets, Pods and EndpointSlices; only a model-cache PVC marked keep survives."""
    values, keep = case
    request = release_of(namespace, {**PVC_CACHE, "modelCache.keep": keep}, values)
    objects = helm.render(request).objects
    installed = [o for o in objects if "helm.sh/hook" not in (o["metadata"].get("annotations") or {})]
    kinds = {(o["apiVersion"], o["kind"]) for o in objects} | set(DERIVED)
    pvcs = bind_model_cache(kube, namespace, objects, static_pvs)
    assert pvcs, "the chart rendered no model-cache PVC"
    assert_installed(helm_install(kube, helm, RELEASE, namespace, helm.value_args(request)))

    present = owned(kube, namespace, kinds)
    missing = {o["kind"] for o in installed} - set(present)
    assert not missing, f"rendered kinds not found by the instance label (the query would prove nothing): {missing}"

    helm.run("uninstall", RELEASE, "-n", namespace, "--wait", "--timeout", "60s")
    expected = {"PersistentVolumeClaim": pvcs} if keep else {}
    left: dict[str, list[str]] = {}

    def only_expected_left() -> bool:
        left.clear()
        left.update(owned(kube, namespace, kinds))
        return left == expected

    try:
        wait_for("the release's objects to be gone", only_expected_left, timeout=30)
    except WaitTimeout:
        pytest.fail(f"left behind by helm uninstall: {left} (expected only {expected})")
    for name in pvcs if keep else []:
        pvc: Model = kube.core.read_namespaced_persistent_volume_claim(name, namespace)
        assert (pvc.metadata.annotations or {}).get("helm.sh/resource-policy") == "keep"
