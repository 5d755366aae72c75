"""Probes and traffic on a real kubelet: readiness gates the Service, liveness restarts a hung server, a rolling
upgrade serves every request. Each test installs the chart with the stand-in into its own namespace on the pool
`realpool` (see realnode.py) and drives the server's switches through `kubectl exec`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from .kube import Kube, assert_installed, wait_for
from .realnode import STOP_FILE, RealPool, completion_body, last_json, service_url

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.smoke, pytest.mark.kubelet]

RELEASE = "traffic"
LIVENESS_PERIOD = 2  # probes.liveness.periodSeconds of realnode-values.yaml


@pytest.fixture
def ns(kube: Kube, real_pool: RealPool, request: pytest.FixtureRequest) -> Iterator[str]:
    name = real_pool.namespace(request.node.originalname[5:21].replace("_", "-"))
    yield name
    kube.delete_namespace(name)


def test_failing_readiness_probe_takes_the_pod_out_of_the_service(real_pool: RealPool, ns: str) -> None:
    """One of two servers turns unready: kubelet's readiness probe fails, the EndpointSlice marks it not ready and
    every request through the Service reaches the other one; it comes back when ready again. No restart."""
    assert_installed(real_pool.install(RELEASE, ns))
    svc = real_pool.service(ns, RELEASE)
    first, second = (p.metadata.name for p in real_pool.server_pods(ns, RELEASE))
    wait_for("both endpoints ready", lambda: real_pool.endpoints(ns, svc.metadata.name) == {first: True, second: True})

    real_pool.admin(ns, first, "unready")
    wait_for(
        f"{first} to leave the ready endpoints",
        lambda: real_pool.endpoints(ns, svc.metadata.name) == {first: False, second: True},
    )
    pod = real_pool.pod(ns, first)
    assert not real_pool.kube.pod_ready(pod)
    assert pod.status.container_statuses[0].restart_count == 0
    assert any("Readiness probe failed" in m for m in real_pool.events(ns, first, "Unhealthy"))
    # kube-proxy follows the EndpointSlice asynchronously: bursts of 20 requests until one reaches only `second`
    url = service_url(svc, "/v1/completions", by_ip=True)
    bursts: list[dict[str, int]] = []
    for attempt in range(5):
        phase, log = real_pool.run_client(
            ns, f"only-ready-{attempt}", ["load", "-url", url, "-body", completion_body(), "-count", "20"]
        )
        assert phase == "Succeeded", log
        bursts.append(last_json(log)["hosts"])
        if bursts[-1] == {second: 20}:
            break
    assert bursts[-1] == {second: 20}, f"the unready pod kept getting requests: {bursts}"

    real_pool.admin(ns, first, "ready")
    wait_for(
        f"{first} to be ready again", lambda: real_pool.endpoints(ns, svc.metadata.name) == {first: True, second: True}
    )


def test_liveness_probe_restarts_a_hung_server(real_pool: RealPool, ns: str) -> None:
    """With an HTTP liveness path the kubelet restarts a server that stops answering; it comes back Ready."""
    assert_installed(real_pool.install(RELEASE, ns, {"replicaCount": 1}))
    (pod,) = (p.metadata.name for p in real_pool.server_pods(ns, RELEASE))
    real_pool.admin(ns, pod, "hang")
    restarted = real_pool.wait_restarted(ns, pod)
    status = restarted.status.container_statuses[0]
    assert status.last_state.terminated is not None, status
    assert any("Liveness probe failed" in m for m in real_pool.events(ns, pod, "Unhealthy"))
    assert any("failed liveness probe" in m for m in real_pool.events(ns, pod, "Killing"))


def test_tcp_liveness_keeps_a_hung_server_out_of_the_service(real_pool: RealPool, ns: str) -> None:
    """The chart's default liveness is a TCP check: a hung server still accepts connections, so it is not restarted;
    its failing readiness probe keeps it out of the Service instead (as the chart's README says)."""
    assert_installed(real_pool.install(RELEASE, ns, {"replicaCount": 1, "probes.livePath": ""}))
    (pod,) = (p.metadata.name for p in real_pool.server_pods(ns, RELEASE))
    svc = real_pool.service(ns, RELEASE).metadata.name
    real_pool.admin(ns, pod, "hang")
    wait_for(f"{pod} to leave the ready endpoints", lambda: real_pool.endpoints(ns, svc) == {pod: False}, timeout=30)
    time.sleep(4 * LIVENESS_PERIOD)  # four liveness periods, twice the failure threshold
    status = real_pool.pod(ns, pod).status.container_statuses[0]
    assert status.restart_count == 0, status
    assert not any("Liveness probe failed" in m for m in real_pool.events(ns, pod, "Unhealthy"))


def test_rolling_upgrade_serves_every_request(kube: Kube, real_pool: RealPool, ns: str) -> None:
    """A client pod calls /v1/completions through the Service's cluster IP every 20 ms while `helm upgrade` rolls
    both replicas to a new version: no request fails, and answers come from both versions."""
    assert_installed(real_pool.install(RELEASE, ns))
    svc = real_pool.proxied_service(ns, RELEASE)
    old = {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)}
    url = service_url(svc, "/v1/completions", by_ip=True)
    loop = ["load", "-url", url, "-body", completion_body(), "-count", "10000", "-interval", "20ms"]
    client = real_pool.client(ns, "rollout-load", [*loop, "-stop-file", STOP_FILE, "-max-duration", "150s"])
    wait_for(
        "the client to run",
        lambda: real_pool.pod(ns, client).status.phase == "Running",
        timeout=60,
    )
    real_pool.upgrade(RELEASE, ns, {"config.STANDIN_VERSION": "2"})
    new = {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)} - old
    wait_for("the old pods to be gone", lambda: {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)} == new)
    time.sleep(1)  # a few more requests to the new pods only
    summary = real_pool.stop_client(ns, client)
    assert set(summary["versions"]) == {"1", "2"}, summary
    assert set(summary["hosts"]) & old, summary
    assert new <= set(summary["hosts"]), summary
