"""GPU pods stay Pending, with the scheduler's reason, when the GPU pool cannot take them.

The first three cases change only the release (no shared cluster state). The cordon case cordons a GPU pool for a
few seconds and restores it in a `finally`: on kwok a one-node GPU pool of its own (tests/smoke/pools.py), so the
GPU releases other tests install at the same time never notice; elsewhere (kind, AKS; the tier runs serially there)
the cluster's GPU pool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from harness.render import RenderRequest

from .kube import (
    AGENTPOOL,
    GPU_POOL,
    Helm,
    Kube,
    Model,
    assert_installed,
    helm_install,
    items,
    wait_for,
)
from .pools import PRIVATE_TAINT_KEY, private_gpu_pool

if TYPE_CHECKING:
    from collections.abc import Mapping

pytestmark = pytest.mark.smoke

RELEASE = "sched"
GPU = {"gpu.enabled": True, "replicaCount": 1}
CORDONED_POOL = "gpucordon"


def pending_reason(kube: Kube, namespace: str) -> tuple[Model, str]:
    """The release's pod and the scheduler's message once it is marked Unschedulable."""

    def probe() -> tuple[Model, str] | None:
        for pod in items(kube.core.list_namespaced_pod(namespace)):
            reason = kube.unschedulable_reason(pod)
            if reason:
                return pod, reason
        return None

    return wait_for("the scheduler to mark the GPU pod Unschedulable", probe, timeout=30)


def failed_scheduling(kube: Kube, namespace: str, pod: str) -> list[str]:
    return [str(e.message) for e in kube.events(namespace, "FailedScheduling") if e.involved_object.name == pod]


def install_gpu(kube: Kube, helm: Helm, namespace: str, overrides: Mapping[str, Any]) -> None:
    # no --wait: the pods are expected never to become Ready
    request = RenderRequest.make({**GPU, **overrides}, release=RELEASE, namespace=namespace)
    assert_installed(helm_install(kube, helm, RELEASE, namespace, helm.value_args(request), wait=False))


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(({"gpu.count": 5}, "Insufficient nvidia.com/gpu"), id="more-gpus-than-a-node-has"),
        pytest.param(({"gpu.tolerations": []}, "untolerated taint"), id="no-toleration-for-sku-gpu"),
        pytest.param(
            (
                {r"gpu.nodeSelector.kubernetes\.azure\.com/agentpool": "gpupool-absent"},
                "didn't match Pod's node affinity/selector",
            ),
            id="gpu-pool-absent",
        ),
    ],
)
def test_gpu_pod_pending_with_reason(kube: Kube, helm: Helm, namespace: str, case: tuple[dict[str, Any], str]) -> None:
    overrides, expected = case
    install_gpu(kube, helm, namespace, overrides)
    pod, reason = pending_reason(kube, namespace)
    assert pod.spec.node_name is None
    assert expected in reason, reason
    events = wait_for("a FailedScheduling event", lambda: failed_scheduling(kube, namespace, pod.metadata.name))
    assert any(expected in e for e in events), events


def test_gpu_pod_pending_while_gpu_pool_cordoned(kube: Kube, helm: Helm, namespace: str) -> None:
    """Cordon every node of the release's GPU pool: the GPU pod stays Pending ("were unschedulable"); uncordon: it
    lands on the pool."""
    pool = GPU_POOL
    overrides: dict[str, Any] = {}
    if kube.is_kwok():
        pool = CORDONED_POOL
        private_gpu_pool(kube, pool)
        overrides = {
            r"gpu.nodeSelector.kubernetes\.azure\.com/agentpool": pool,
            "gpu.tolerations": [
                {"key": "sku", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},
                {"key": PRIVATE_TAINT_KEY, "operator": "Equal", "value": pool, "effect": "NoSchedule"},
            ],
        }
    gpu_nodes = kube.gpu_nodes(pool)
    assert gpu_nodes, f"the cluster has no GPU pool {pool}"
    try:
        for node in gpu_nodes:
            kube.set_unschedulable(node, True)
        install_gpu(kube, helm, namespace, overrides)
        pod, reason = pending_reason(kube, namespace)
        assert "unschedulable" in reason, reason
        assert pod.spec.node_name is None
    finally:
        for node in gpu_nodes:
            kube.set_unschedulable(node, False)

    def scheduled() -> str | None:
        pods = items(kube.core.list_namespaced_pod(namespace))
        return next((p.spec.node_name for p in pods if p.spec.node_name and kube.pod_ready(p)), None)

    node = wait_for("the GPU pod to be scheduled once the pool is back", scheduled, timeout=60)
    assert kube.nodes()[node].metadata.labels.get(AGENTPOOL) == pool
