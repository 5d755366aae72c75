"""Queue-depth autoscaling on the real node: the chart's ScaledObject with values/vllm.yaml's trigger (the default
query, the sum of `vllm:num_requests_waiting` over the Service's pods; its threshold, replica bounds and
`prometheus-operated.monitoring:9090` address) read by the local KEDA (operator and metrics adapter) from the local
VictoriaMetrics, which scrapes the stand-in through the chart's ServiceMonitor (addons.py).

The queue is real: the stand-in serves one completion at a time (STANDIN_MAX_RUNNING=1), each takes seconds
(STANDIN_TOKEN_DELAY), and a client pod keeps many in flight, so the rest wait and the gauge rises. Only the timing
keys are shortened for the test (polling, cooldown, the scale-down stabilization window, the scrape interval).

These tests mostly wait (scrapes, KEDA's polling, the HPA controller's 15 s sync, the cooldown) and use little CPU, so
they run on a worker of their own (xdist group `keda`) beside the other real-node tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from harness.render import load_values_file
from kubernetes import client

from .addons import (
    EXTERNAL_METRICS,
    KEDA_API,
    SLOW_SERVER,
    VLLM,
    conditions,
    external_metric,
    prometheus_query,
    raw,
    reasons,
    release_objects,
    replicas,
    scalar,
    scaled,
    start_queue,
    vllm_keda,
)
from .kube import Kube, assert_installed, items, wait_for

if TYPE_CHECKING:
    from .realnode import RealPool

pytestmark = [pytest.mark.smoke, pytest.mark.kubelet, pytest.mark.xdist_group("keda")]

RELEASE = "llm"


@pytest.fixture
def ns(real_ns: str) -> str:
    return real_ns


def scaled_object(kube: Kube, ns: str) -> dict[str, Any]:
    (found,) = release_objects(kube, KEDA_API, "scaledobjects", ns, RELEASE)
    return found


def so_condition(kube: Kube, ns: str, kind: str) -> str:
    return conditions(scaled_object(kube, ns).get("status")).get(kind, "Unknown")


def test_scaled_object_scales_on_the_queue_and_back(kube: Kube, real_pool: RealPool, ns: str) -> None:
    """The ScaledObject is Ready and inactive at rest, KEDA's HPA is the Deployment's only autoscaler, and the queue
    gauge is scraped with the ServiceMonitor's labels. With 16 slow requests in flight the queue rises above the
    threshold: the external metric served through the aggregation layer rises, the ScaledObject turns Active and the
    Deployment grows to more Ready pods (at most maxReplicas); when the queue drains it shrinks back to minReplicas."""
    keda = vllm_keda()
    assert_installed(real_pool.install(RELEASE, ns, scaled(keda)))
    svc = real_pool.service(ns, RELEASE)
    wait_for("the ScaledObject to be Ready", lambda: so_condition(kube, ns, "Ready") == "True", timeout=60)
    assert so_condition(kube, ns, "Active") == "False", reasons(scaled_object(kube, ns).get("status"))
    so_name = scaled_object(kube, ns)["metadata"]["name"]
    hpas = items(client.AutoscalingV2Api(kube.api).list_namespaced_horizontal_pod_autoscaler(ns))
    assert [h.metadata.name for h in hpas] == [f"keda-hpa-{so_name}"], [h.metadata.name for h in hpas]
    assert [o.kind for o in hpas[0].metadata.owner_references] == ["ScaledObject"]
    assert conditions(raw(kube, f"/apis/apiregistration.k8s.io/v1/apiservices/{EXTERNAL_METRICS}")["status"]) == {
        "Available": "True"
    }
    series = f'vllm:num_requests_waiting{{namespace="{ns}",service="{svc.metadata.name}"}}'
    scraped = wait_for("the queue gauge scraped", lambda: prometheus_query(kube, series) or None, timeout=60)
    assert {s["metric"].get("endpoint") for s in scraped} == {"http"}, scraped
    assert {s["metric"]["pod"] for s in scraped} == {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)}

    loader = start_queue(real_pool, ns, svc, concurrency=16)
    wait_for("the external metric to rise", lambda: (external_metric(kube, ns, "s0-prometheus", so_name) or 0) > 0,
             timeout=60)  # fmt: skip
    wait_for("the ScaledObject to be Active", lambda: so_condition(kube, ns, "Active") == "True", timeout=60)
    wait_for("a second Ready pod", lambda: replicas(kube, ns, RELEASE)[1] >= 2, timeout=150, interval=1)
    assert replicas(kube, ns, RELEASE)[0] <= keda["maxReplicas"]
    real_pool.stop_client(ns, loader)  # the requests in flight end first
    wait_for("the queue to drain", lambda: scalar(prometheus_query(kube, f"sum({series})")) == 0, timeout=60)
    minimum = keda["minReplicas"]
    wait_for(f"{minimum} replica(s) again", lambda: replicas(kube, ns, RELEASE)[0] == minimum, timeout=150, interval=1)
    wait_for("the ScaledObject to be inactive", lambda: so_condition(kube, ns, "Active") == "False", timeout=60)


def test_scale_to_zero_and_back(kube: Kube, real_pool: RealPool, ns: str) -> None:
    """keda.scaleToZero: the query reads a queue that exists while the Deployment has no pods (here another
    stand-in's, in front), so KEDA takes the Deployment to 0 replicas when the queue is quiet, back to 1 when requests
    wait there, and to 0 again after the cooldown."""
    assert_installed(real_pool.install("front", ns, {"replicaCount": 1, "serviceMonitor.enabled": True,
                                                     "serviceMonitor.interval": "2s", **SLOW_SERVER}))  # fmt: skip
    front = real_pool.service(ns, "front")
    query = f'sum(vllm:num_requests_waiting{{namespace="{ns}",service="{front.metadata.name}"}})'
    wait_for("the front queue scraped", lambda: scalar(prometheus_query(kube, query)) is not None, timeout=60)
    keda = vllm_keda(scaleToZero=True, prometheus={**load_values_file(VLLM)["keda"]["prometheus"], "query": query})
    assert_installed(real_pool.install(RELEASE, ns, {"keda": keda, **SLOW_SERVER}))
    wait_for("scaled to zero", lambda: replicas(kube, ns, RELEASE) == (0, 0), timeout=90, interval=1)
    # KEDA writes the condition after it scaled (pkg/scaling/executor/scale_scaledobjects.go, RequestScale)
    wait_for("the ScaledObject to be inactive", lambda: so_condition(kube, ns, "Active") == "False", timeout=30)
    assert so_condition(kube, ns, "Ready") == "True", reasons(scaled_object(kube, ns).get("status"))

    loader = start_queue(real_pool, ns, front, concurrency=4)
    wait_for("one Ready pod", lambda: replicas(kube, ns, RELEASE) == (1, 1), timeout=90, interval=1)
    assert so_condition(kube, ns, "Active") == "True", reasons(scaled_object(kube, ns).get("status"))
    real_pool.stop_client(ns, loader)  # the requests in flight end first
    wait_for("scaled to zero again", lambda: replicas(kube, ns, RELEASE) == (0, 0), timeout=90, interval=1)
