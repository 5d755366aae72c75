"""Figures of the cluster add-ons on the bench cluster's real node (scripts/bench/cluster.py calls `addon_figures`):

- routes: the share error of the weighted canary (90/10 and 50/50, 1,000 requests each, in percentage points of all
  requests), and requests per second through the gateway (Traefik, by host name) against straight to the Service's
  cluster IP, from one client pod with 4 workers, each request on a new connection;
- autoscaling: from the moment a client puts 16 slow requests in flight (the queue rises) to a second pod Ready,
  with the chart's default KEDA timing (values/vllm.yaml's trigger: polling every 30 s, the ServiceMonitor's 30 s
  scrape, the HPA controller's 15 s sync).

The client pods, routes and queue are the smoke tier's (tests/smoke/addons.py, realnode.py).
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING

from harness.paths import REPO_ROOT
from harness.render import Renderer
from kubernetes import config as kube_config_loader

sys.path.insert(0, str(REPO_ROOT / "tests"))  # the smoke tier's package `smoke`
from smoke.addons import (
    CANARY,
    Loop,
    deployment_shares,
    gateway_address,
    install_routed,
    prometheus_query,
    ready_pods,
    replicas,
    routed,
    scaled,
    split_error,
    start_queue,
    vllm_keda,
)
from smoke.kube import Helm, Kube, Model, assert_installed, wait_for
from smoke.realnode import STOP_FILE, RealPool

if TYPE_CHECKING:
    from pathlib import Path

    from harness.figures import Figures

SPLIT_REQUESTS = 1000
RATE_REQUESTS = 2000


def addon_figures(figures: Figures, kubeconfig: str, helm: Path) -> None:
    renderer = Renderer(helm)
    try:
        kube = Kube(kube_config_loader.new_client_from_config(config_file=kubeconfig), kubeconfig)  # type: ignore[no-untyped-call]
        pool = RealPool(kube, Helm(kubeconfig, renderer))
        route_figures(figures, pool)
        autoscaling_figures(figures, pool)
    finally:
        renderer.close()


def route_figures(figures: Figures, pool: RealPool) -> None:
    for stable, canary in ((90, 10), (50, 50)):
        ns = pool.namespace(f"bench-split-{canary}")
        host = f"{ns}.example.com"
        weights = {"canary.weights.stable": stable, "canary.weights.canary": canary}
        install_routed(pool, ns, "bench", routed(host, **CANARY, **weights))
        loop = Loop(pool, ns, gateway_address(pool.kube))
        loop.serves(host, ready_pods(pool.kube, ns))
        summary = loop.run("split", host, "/v1/models", SPLIT_REQUESTS)
        canary_name = f"{pool.kube.deployment(ns, 'bench').metadata.name}-canary"
        observed = deployment_shares(pool.kube, ns, summary["hosts"]).get(canary_name, 0)
        error = split_error(observed, SPLIT_REQUESTS, canary / 100)
        figures.add("routes", f"canary split {stable}/{canary}: canary share error, 1,000 requests", error, "pp")
        if canary == 10:
            rate_figures(figures, pool, loop, host)
        pool.kube.delete_namespace(ns)


def rate_figures(figures: Figures, pool: RealPool, loop: Loop, host: str) -> None:
    """Requests per second of /v1/models through the gateway and straight to the stable Service."""
    workers = ("-concurrency", "4")
    through = loop.run("rate-gateway", host, "/v1/models", RATE_REQUESTS, *workers)
    stable = pool.kube.deployment(loop.namespace, "bench").metadata.name  # the stable Service's name too
    service: Model = pool.kube.core.read_namespaced_service(stable, loop.namespace)
    direct = Loop(pool, loop.namespace, service.spec.cluster_ip)
    straight = direct.run("rate-service", "", "/v1/models", RATE_REQUESTS, *workers)
    figures.add("routes", "requests/s through the gateway (4 workers, a new connection each)",
                through["ok"] / through["seconds"], "req/s")  # fmt: skip
    figures.add("routes", "requests/s straight to the Service's cluster IP (same)",
                straight["ok"] / straight["seconds"], "req/s")  # fmt: skip


def autoscaling_figures(figures: Figures, pool: RealPool) -> None:
    ns = pool.namespace("bench-keda")
    assert_installed(pool.install("bench", ns, scaled(vllm_keda(short=False), scrape="30s")))
    svc = pool.service(ns, "bench")
    series = f'vllm:num_requests_waiting{{namespace="{ns}",service="{svc.metadata.name}"}}'
    wait_for("the queue gauge scraped", lambda: prometheus_query(pool.kube, series) or None, timeout=120)
    loader = start_queue(pool, ns, svc, concurrency=16)
    start = time.monotonic()
    wait_for("a second Ready pod", lambda: replicas(pool.kube, ns, "bench")[1] >= 2, timeout=300, interval=0.5)
    figures.add("autoscaling", "queue rise to a new pod Ready (the chart's KEDA defaults, vllm.yaml's trigger)",
                time.monotonic() - start)  # fmt: skip
    pool.exec(ns, loader, "standin", "touch", STOP_FILE)
    pool.kube.delete_namespace(ns)
