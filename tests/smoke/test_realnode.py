"""The chart on a real kubelet: the node itself, image pull, startup -> readiness, Service traffic by DNS name.

Runs on the pool `realpool` (the local cluster's real node; see realnode.py). Marked `kubelet`: kwok pods never run.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest
from kubernetes import client

from .kube import KWOK_NODE_ANNOTATION, Kube, assert_installed
from .realnode import (
    MODEL,
    POOL,
    RealPool,
    api_server_address,
    completion_body,
    guard_drops,
    real_pool_nodes,
    service_url,
    standin_digest,
    standin_image,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.smoke, pytest.mark.kubelet]

RELEASE = "real"


@pytest.fixture(scope="module")
def installed(kube: Kube, real_pool: RealPool) -> Iterator[str]:
    """One release of the chart with the stand-in, 2 replicas, 3 s start-up delay; its namespace."""
    namespace = real_pool.namespace("real")
    try:
        assert_installed(real_pool.install(RELEASE, namespace))
        yield namespace
    finally:
        kube.delete_namespace(namespace)


def test_real_node_beside_the_kwok_pools(kube: Kube, real_pool: RealPool) -> None:
    """A kubelet (not kwok) registered the node: containerd runtime, the pinned kubelet version, Ready, its own pool
    and taint; the kwok pools are still there and still kwok's."""
    (node,) = real_pool_nodes(kube)
    info = node.status.node_info
    assert info.container_runtime_version.startswith("containerd://"), info.container_runtime_version
    assert info.kubelet_version == client.VersionApi(kube.api).get_code().git_version
    assert any(c.type == "Ready" and c.status == "True" for c in node.status.conditions)
    labels = node.metadata.labels
    assert labels["kubernetes.azure.com/mode"] == "user"
    assert [(t.key, t.value, t.effect) for t in node.spec.taints or []] == [("pool", POOL, "NoSchedule")]
    kwok = [n for n in kube.nodes().values() if (n.metadata.annotations or {}).get(KWOK_NODE_ANNOTATION) == "fake"]
    assert {n.metadata.labels["kubernetes.azure.com/agentpool"] for n in kwok} >= {"system", "cpupool", "gpupool"}
    assert all(not n.status.node_info.container_runtime_version.startswith("containerd") for n in kwok)


def test_image_pulled_from_the_registry(real_pool: RealPool, installed: str) -> None:
    """Every server pod pulled the stand-in (pull policy Always) and runs the digest the registry serves."""
    pods = real_pool.server_pods(installed, RELEASE)
    digest = standin_digest()
    assert digest, "no stand-in image built by scripts/cluster/realnode in this checkout"
    assert len(pods) == 2
    for pod in pods:
        assert pod.spec.node_name == real_pool_nodes(real_pool.kube)[0].metadata.name
        (status,) = pod.status.container_statuses
        assert status.image == standin_image()
        assert status.image_id.endswith(f"@{digest}"), status.image_id
        assert real_pool.events(installed, pod.metadata.name, "Pulled"), "no kubelet Pulled event"


def test_startup_probe_holds_until_loaded_then_ready(real_pool: RealPool, installed: str) -> None:
    """During the stand-in's start-up delay /health answers 503: the kubelet's startup probe fails (events), then the
    container is started and Ready, with no restart."""
    for pod in real_pool.server_pods(installed, RELEASE):
        (status,) = pod.status.container_statuses
        assert status.started, status
        assert status.ready, status
        assert status.restart_count == 0, status
        failures = [m for m in real_pool.events(installed, pod.metadata.name, "Unhealthy") if "Startup probe" in m]
        assert failures, f"{pod.metadata.name}: the startup probe never saw the server loading"
        assert any("503" in m for m in failures), failures


def test_service_answers_by_dns_name(real_pool: RealPool, installed: str) -> None:
    """From a client pod, through CoreDNS and kube-proxy: /v1/models, /v1/completions and /metrics (the path the
    chart's ServiceMonitor scrapes) answer through the Service's DNS name; a wrong model gets the API's 404."""
    svc = real_pool.service(installed, RELEASE)
    checks = {
        "models": ["get", service_url(svc, "/v1/models")],
        "completion": ["post", service_url(svc, "/v1/completions"), completion_body("a b c", 2)],
        "metrics": ["get", service_url(svc, "/metrics")],
        "wrong-model": ["post", service_url(svc, "/v1/completions"), json.dumps({"model": "gpt", "prompt": "x"})],
    }
    out = {name: real_pool.run_client(installed, f"client-{name}", args) for name, args in checks.items()}
    assert out["models"][0] == "Succeeded", out["models"]
    assert json.loads(out["models"][1])["data"][0]["id"] == MODEL
    assert out["completion"][0] == "Succeeded", out["completion"]
    answer = json.loads(out["completion"][1])
    assert answer["choices"][0]["text"] == "c b"
    assert answer["choices"][0]["finish_reason"] == "length"
    assert out["metrics"][0] == "Succeeded", out["metrics"]
    assert re.search(r"^vllm:num_requests_waiting\{model_name=\"standin-echo\"\} 0$", out["metrics"][1], re.M)
    assert out["wrong-model"][0] == "Failed", out["wrong-model"]
    assert "does not exist" in out["wrong-model"][1]


def test_pods_reach_the_api_server_and_nothing_else_outside_the_node(real_pool: RealPool, installed: str) -> None:
    """The node's egress guard: from a pod, the API server answers through the `kubernetes` Service (TLS handshake
    reached: the client does not trust the cluster CA); a new connection to any other port of the host end of the
    node's veth is dropped inside the node (a timeout, not the host's refusal), and the guard's counter grows."""
    host = api_server_address(real_pool.kube)
    phase, log = real_pool.run_client(
        installed, "egress-api", ["get", "-timeout", "5s", "https://kubernetes.default.svc/"]
    )
    assert phase == "Failed", log
    assert "certificate" in log, log
    before = guard_drops("host: API server only")
    phase, log = real_pool.run_client(installed, "egress-other", ["get", "-timeout", "3s", f"http://{host}:9/"])
    assert phase == "Failed", log
    assert "Client.Timeout exceeded" in log, log
    assert guard_drops("host: API server only") > before


def test_helm_test_makes_a_real_request(real_pool: RealPool, installed: str) -> None:
    """`helm test` runs the chart's test pod on the real node; its wget (the stand-in's) fetches the readiness path
    through the Service by name, and the answer is in the pod's log."""
    proc = real_pool.helm.run("test", RELEASE, "-n", installed, "--logs", "--timeout", "90s")
    assert re.search(r"Phase:\s+Succeeded", proc.stdout), proc.stdout
    assert '{"status":"ok"}' in proc.stdout, proc.stdout
