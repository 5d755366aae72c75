"""Requests through the chart's Ingress in nginx mode (class webapprouting.kubernetes.azure.com, the AKS application
routing add-on's), served on the real node by the local Ingress implementation: Traefik's Ingress NGINX provider
watching that class (addons.py). The nginx annotations the chart sets (proxy timeouts, body size, buffering) are not
read by that provider; what is tested is routing and a rollout through it.
"""

from __future__ import annotations

import time

import pytest

from .addons import BEHIND_GATEWAY, Loop, gateway_address, ready_pods
from .kube import INGRESS_CLASSES, Kube, assert_installed, items, wait_for
from .realnode import STOP_FILE, RealPool

pytestmark = [pytest.mark.smoke, pytest.mark.kubelet]

RELEASE = "ing"
# Traefik v3.6.0's Ingress NGINX provider keeps a terminating pod in rotation while its readiness passes: it marks
# such endpoints (pkg/provider/kubernetes/ingress-nginx/kubernetes.go, getBackendAddresses: Fenced) but buildService
# drops the mark, so the chart's preStop sleep does not take the pod out (its Gateway API provider takes Ready
# endpoints only). A server that turns unready on SIGTERM and keeps serving a moment (the stand-in's STANDIN_DRAIN)
# is taken out once its readiness fails, before it stops.
DRAINING = {"config.STANDIN_DRAIN": "5s"}


@pytest.fixture
def ns(real_ns: str) -> str:
    return real_ns


def ingress_address(kube: Kube, ns: str) -> str | None:
    """The address in the release's Ingress status, once the controller has written it."""
    (ingress,) = items(kube.networking.list_namespaced_ingress(ns))
    found = (ingress.status.load_balancer.ingress or []) if ingress.status.load_balancer else []
    return str(found[0].ip) if found else None


def test_ingress_routes_by_host_and_rolls_without_a_failed_request(kube: Kube, real_pool: RealPool, ns: str) -> None:
    """The nginx-mode Ingress gets the gateway's address in its status; its host reaches the server, another host gets
    404; a `helm upgrade` rolling both pods while a client calls the Ingress every 20 ms fails no request, and
    answers come from both versions."""
    host = f"{ns}.example.com"
    values = {**BEHIND_GATEWAY, **DRAINING, "ingress.enabled": True, "ingress.hosts": [host]}
    assert_installed(real_pool.install(RELEASE, ns, values))
    (ingress,) = items(kube.networking.list_namespaced_ingress(ns))
    assert ingress.spec.ingress_class_name == INGRESS_CLASSES["nginx"]
    address = gateway_address(kube)
    assert wait_for("the Ingress address", lambda: ingress_address(kube, ns)) == address
    served = Loop(real_pool, ns, address)
    served.serves(host, ready_pods(kube, ns))
    old = {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)}
    ok = served.run("matching", host, "/v1/models", 20)
    assert ok["codes"] == {"200": 20}, ok
    assert set(ok["hosts"]) == old, ok
    other = served.run("other-host", f"other.{host}", "/v1/models", 5)
    assert other["codes"] == {"404": 5}, other

    args = served.args(
        host, "/v1/models", 100_000, "-interval", "20ms", "-stop-file", STOP_FILE, "-max-duration", "150s"
    )
    client = real_pool.client(ns, "rollout-load", args)
    wait_for("the client to run", lambda: real_pool.pod(ns, client).status.phase == "Running", timeout=60)
    real_pool.upgrade(RELEASE, ns, {**values, "config.STANDIN_VERSION": "2"})
    wait_for("the old pods to be gone", lambda: not old & {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)})
    time.sleep(2)  # requests to the new pods only
    summary = real_pool.stop_client(ns, client)
    assert set(summary["versions"]) == {"1", "2"}, summary
