"""Checks that need real kubelets: image pull, probes, Service traffic. Marked `kubelet`; skipped on kwok.

Run them on kind: `KUBECONFIG=$(scripts/kind-cluster.sh up) nox -s smoke` (real kubelets are detected from the
nodes; SMOKE_REAL_KUBELET=1 forces them on, 0 off). The chart's own image is private, so the server is a pinned
public busybox serving /health over HTTP (kube.REAL_KUBELET_IMAGE_SETS).
"""

from __future__ import annotations

import pytest

from .kube import (
    INSTANCE,
    REAL_KUBELET_IMAGE_SETS,
    Helm,
    Kube,
    assert_installed,
    helm_install,
    items,
    wait_for,
)

pytestmark = [pytest.mark.smoke, pytest.mark.kubelet]

RELEASE = "kubelet"


def test_image_pulls_probes_pass_and_service_answers(kube: Kube, helm: Helm, namespace: str) -> None:
    """Pods pull the image, pass the startup/readiness probes for real, and `helm test` reaches them through the
    Service (the hook pod really runs wget against the readiness path)."""
    args = Helm.value_args((), [*REAL_KUBELET_IMAGE_SETS, "replicaCount=2"])
    assert_installed(helm_install(kube, helm, RELEASE, namespace, args, timeout=180))
    dep = kube.rolled_out(namespace, RELEASE)
    for pod in kube.pods_of(namespace, dep):
        (status,) = pod.status.container_statuses
        assert status.ready, pod.metadata.name
        assert status.started, pod.metadata.name
        assert status.restart_count == 0, pod.metadata.name
        assert status.image_id, f"{pod.metadata.name}: no image pulled"
    helm.run("test", RELEASE, "-n", namespace, "--timeout", "120s")


def test_failing_readiness_probe_keeps_pods_out_of_the_service(kube: Kube, helm: Helm, namespace: str) -> None:
    """A server that never answers /health stays unready and gets no ready endpoint (kwok would mark it Ready)."""
    sets = [*REAL_KUBELET_IMAGE_SETS, "args={exec httpd -f -p 8000 -h /tmp}"]
    assert_installed(helm_install(kube, helm, RELEASE, namespace, Helm.value_args((), sets), wait=False))

    def started_but_unready() -> bool:
        pods = items(kube.core.list_namespaced_pod(namespace, label_selector=f"{INSTANCE}={RELEASE}"))
        running = [p for p in pods if p.status.container_statuses and p.status.container_statuses[0].state.running]
        return bool(running) and not any(kube.pod_ready(p) for p in running)

    wait_for("a running, unready server pod", started_but_unready, timeout=120)
    slices = items(kube.discovery.list_namespaced_endpoint_slice(namespace, label_selector=f"{INSTANCE}={RELEASE}"))
    ready = [ep for s in slices for ep in s.endpoints or [] if ep.conditions and ep.conditions.ready]
    assert not ready, ready
