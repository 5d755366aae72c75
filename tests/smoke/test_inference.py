"""LLM-aware routing on a real kubelet: the extension's reference endpoint picker, built from its pinned Go module
(scripts/cluster/inference), runs as the chart deploys it against the chart's InferencePool of stand-in servers, and a
client pod speaks Envoy's external-processing protocol to it through its Service as a gateway's ext_proc filter would
(scripts/cluster/inference/gatewayclient). Every answer must name a Ready pod of the pool on the pool's port, never an
unready or a deleted one, and the answers must spread over every Ready pod.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
from harness.paths import REPO_ROOT
from harness.tools import run

from .kube import Kube, assert_installed, items, wait_for
from .realnode import STANDIN_PORT, RealPool, last_json

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.smoke, pytest.mark.kubelet]

RELEASE = "llm"
INFERENCE_SH = REPO_ROOT / "scripts" / "cluster" / "inference" / "inference.sh"
PICKER = "llm-ai-inference-epp"
REQUESTS = 60  # per burst: 20 for each of three pods when the picker goes round robin


@pytest.fixture(scope="module")
def images(real_pool: RealPool) -> tuple[str, str]:
    """The picker's and the client's image references in the node's registry (built and pushed on first use)."""
    picker, client = run(["bash", INFERENCE_SH, "images"], timeout=900).stdout.split()
    return picker, client


@pytest.fixture
def ns(kube: Kube, real_pool: RealPool) -> Iterator[str]:
    name = real_pool.namespace("inference")
    yield name
    kube.delete_namespace(name)


def overrides(picker_image: str) -> dict[str, Any]:
    registry, _, rest = picker_image.partition("/")
    repository, _, tag = rest.partition(":")
    return {
        "replicaCount": 3,
        "httpRoute.enabled": True,
        "httpRoute.parentRefs": [{"name": "inference-gateway"}],
        "gateway.className": "istio",
        "inferencePool.enabled": True,
        "inferencePool.endpointPicker.image": {
            "registry": registry,
            "repository": repository,
            "tag": tag,
            "pullPolicy": "IfNotPresent",
        },
        "inferencePool.endpointPicker.resources": {
            "requests": {"cpu": "10m", "memory": "32Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
    }


def ready_endpoints(real_pool: RealPool, ns: str) -> dict[str, str]:
    """ip:port -> pod name of the pool's Ready server pods."""
    return {
        f"{p.status.pod_ip}:{STANDIN_PORT}": p.metadata.name
        for p in real_pool.server_pods(ns, RELEASE)
        if real_pool.kube.pod_ready(p) and not p.metadata.deletion_timestamp
    }


def burst(real_pool: RealPool, ns: str, client_image: str, name: str) -> dict[str, Any]:
    """REQUESTS ext_proc calls from a client pod to the picker's Service; the client's summary."""
    addr = f"{PICKER}.{ns}.svc.cluster.local:9002"
    args = ["-addr", addr, "-count", str(REQUESTS)]
    phase, log = real_pool.run_client(ns, name, args, image=client_image)
    summary = last_json(log)
    assert phase == "Succeeded", log
    assert summary["failed"] == 0, summary
    assert summary["mismatches"] == [], summary
    return summary


def converged(real_pool: RealPool, ns: str, client_image: str, step: str, want: set[str]) -> dict[str, Any]:
    """Bursts until the picker has seen the change (its answers are exactly `want`), then one more, which must be."""
    for attempt in range(6):
        if set(burst(real_pool, ns, client_image, f"{step}-{attempt}")["endpoints"]) == want:
            break
        time.sleep(1)
    return burst(real_pool, ns, client_image, f"{step}-final")


def test_picker_answers_with_ready_pods_only(kube: Kube, real_pool: RealPool, images: tuple[str, str], ns: str) -> None:
    picker_image, client_image = images
    assert_installed(real_pool.install(RELEASE, ns, overrides(picker_image)))
    pickers = items(kube.core.list_namespaced_pod(ns, label_selector="app.kubernetes.io/component=endpoint-picker"))
    assert len(pickers) == 2, [p.metadata.name for p in pickers]
    assert all(kube.pod_ready(p) for p in pickers), [p.status for p in pickers]

    # 1. three Ready pods: every answer names one of them, and each is named
    ready = ready_endpoints(real_pool, ns)
    assert len(ready) == 3, ready
    first = burst(real_pool, ns, client_image, "all-ready")
    assert set(first["endpoints"]) == set(ready), (first, ready)

    # 2. one pod turns unready: the picker stops naming it
    unready_ip, unready = next(iter(ready.items()))
    real_pool.admin(ns, unready, "unready")
    wait_for(f"{unready} not Ready", lambda: not kube.pod_ready(real_pool.pod(ns, unready)))
    rest = set(ready) - {unready_ip}
    after_unready = converged(real_pool, ns, client_image, "unready", rest)
    assert set(after_unready["endpoints"]) == rest, (after_unready, unready_ip)

    # 3. the unready pod is deleted and replaced: the picker never names the deleted pod again, and names the new one
    kube.core.delete_namespaced_pod(unready, ns)
    wait_for(f"{unready} gone", lambda: unready not in {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)})
    wait_for("three Ready pods again", lambda: len(ready_endpoints(real_pool, ns)) == 3, timeout=120)
    now = ready_endpoints(real_pool, ns)
    after_delete = converged(real_pool, ns, client_image, "replaced", set(now))
    assert set(after_delete["endpoints"]) == set(now), (after_delete, now)
    assert unready_ip not in after_delete["endpoints"] or unready_ip in now
