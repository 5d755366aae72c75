"""Requests through the chart's Gateway and routes on the real node: the chart's own Gateway (class approuting-istio,
listener `http`) and HTTPRoute, unchanged, programmed by the local Gateway API implementation (Traefik, see
addons.py), and a client pod calling the Gateway's address with the route's host name.

Each test installs the chart with the stand-in into its own namespace and host name. What Traefik does not do is
tested as what it does: it ignores `timeouts` (no 504 after `httpRoute.timeouts.request`) and answers a rule with a
`RequestMirror` filter with 500, so the chart's `canary.mirror` is AKS-only (the chart README says so).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from .addons import (
    CANARY,
    GATEWAY_API,
    Loop,
    binomial_bound,
    conditions,
    custom,
    deployment_shares,
    gateway_address,
    install_routed,
    ready_pods,
    release_objects,
    route_parent,
    routed,
    wait_route_accepted,
    wait_route_applied,
)
from .kube import Kube, wait_for
from .realnode import STOP_FILE, RealPool, completion_body, last_json

pytestmark = [pytest.mark.smoke, pytest.mark.kubelet]

RELEASE = "gw"
SPLIT_REQUESTS = 1000

# The stand-in's gRPC health service on a second container port, published by a Service port the gateway calls with
# HTTP/2 cleartext (appProtocol kubernetes.io/h2c, which Traefik accepts for a GRPCRoute backend).
GRPC: dict[str, Any] = {
    "config.STANDIN_GRPC_LISTEN": ":8001",
    "extraContainerPorts": [{"name": "grpc", "containerPort": 8001}],
    "service.extraPorts": [{"name": "grpc", "port": 8001, "targetPort": "grpc", "appProtocol": "kubernetes.io/h2c"}],
}


@pytest.fixture
def ns(real_ns: str) -> str:
    return real_ns


@pytest.fixture
def served(kube: Kube, real_pool: RealPool, ns: str) -> Loop:
    """A request loop towards the gateway's address (the Service every Gateway of the class reports)."""
    return Loop(real_pool, ns, gateway_address(kube))


def test_gateway_is_programmed_and_routes_by_host_and_path(kube: Kube, real_pool: RealPool, ns: str,
                                                           served: Loop) -> None:  # fmt: skip
    """The chart's Gateway is Accepted and Programmed with the gateway's address, its listener `http` has the route
    attached, the HTTPRoute is Accepted with resolved refs; its host name and path reach the server, another path or
    another host name get 404 from the gateway."""
    host = f"{ns}.example.com"
    gateway, _ = install_routed(real_pool, ns, RELEASE, routed(host))
    served.serves(host, ready_pods(kube, ns))
    status = custom(kube, GATEWAY_API, "gateways", ns, gateway)["status"]
    assert conditions(status) | {"Accepted": "True", "Programmed": "True"} == conditions(status), status
    assert [a["value"] for a in status["addresses"]] == [served.address], status
    (listener,) = status["listeners"]
    assert (listener["name"], listener["attachedRoutes"]) == ("http", 1), listener
    assert conditions(listener)["Programmed"] == "True", listener

    pods = {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)}
    ok = served.run("matching", host, "/v1/models", 20)
    assert ok["codes"] == {"200": 20}, ok
    assert set(ok["hosts"]) == pods, ok
    other_path = served.run("other-path", host, "/health", 5)
    assert other_path["codes"] == {"404": 5}, other_path
    other_host = served.run("other-host", f"other.{host}", "/v1/models", 5)
    assert other_host["codes"] == {"404": 5}, other_host


@pytest.mark.parametrize("weights", [(90, 10), (50, 50)], ids=["90-10", "50-50"])
def test_weighted_canary_splits_within_the_binomial_bound(kube: Kube, real_pool: RealPool, ns: str, served: Loop,
                                                          weights: tuple[int, int]) -> None:  # fmt: skip
    """canary.weights on the wire: of 1,000 requests the canary Deployment answers its share within Z binomial
    standard deviations (addons.Z); every answer comes from a pod of one of the two Deployments, with its version."""
    host = f"{ns}.example.com"
    canary = weights[1]
    weights_values = {"canary.weights.stable": weights[0], "canary.weights.canary": canary}
    install_routed(real_pool, ns, RELEASE, routed(host, **CANARY, **weights_values))
    served.serves(host, ready_pods(kube, ns))
    summary = served.run("split", host, "/v1/models", SPLIT_REQUESTS)
    assert summary["failed"] == 0, summary["errors"]
    shares = deployment_shares(kube, ns, summary["hosts"])
    stable_name = kube.deployment(ns, RELEASE).metadata.name
    canary_name = f"{stable_name}-canary"
    assert set(shares) <= {stable_name, canary_name}, shares
    assert summary["versions"] == {"1": shares.get(stable_name, 0), "2": shares.get(canary_name, 0)}, summary
    expected = SPLIT_REQUESTS * canary / 100
    bound = binomial_bound(SPLIT_REQUESTS, canary / 100)
    observed = shares.get(canary_name, 0)
    assert abs(observed - expected) <= bound, (
        f"canary answered {observed} of {SPLIT_REQUESTS}, {expected:.0f} ± {bound:.0f}"
    )


def start_loop(real_pool: RealPool, ns: str, served: Loop, host: str) -> str:
    """A client pod calling the route every 20 ms until STOP_FILE (at most 150 s); returns its name."""
    args = served.args(
        host, "/v1/models", 100_000, "-interval", "20ms", "-stop-file", STOP_FILE, "-max-duration", "150s"
    )
    client = real_pool.client(ns, "canary-load", args)
    wait_for("the client to run", lambda: real_pool.pod(ns, client).status.phase == "Running", timeout=60)
    time.sleep(2)  # requests to both Deployments before the change
    return client


def stop_loop(real_pool: RealPool, ns: str, client: str) -> dict[str, Any]:
    time.sleep(2)  # requests after the change
    return real_pool.stop_client(ns, client)


def canary_gone(kube: Kube, ns: str) -> bool:
    return not kube.apps.list_namespaced_deployment(ns, label_selector="app.kubernetes.io/component=canary").items


def all_to_stable(real_pool: RealPool, ns: str, values: dict[str, Any], parent: tuple[str, str]) -> dict[str, Any]:
    """The first of the chart README's two upgrades that end a canary: weights 100/0, applied by the gateway
    (`parent`: the gateway and route names)."""
    values = {**values, "canary.weights.stable": 100, "canary.weights.canary": 0}
    real_pool.upgrade(RELEASE, ns, values)
    gateway, route = parent
    wait_route_applied(real_pool.kube, "httproutes", ns, route, gateway)
    return values


def test_rollback_under_load(kube: Kube, real_pool: RealPool, ns: str, served: Loop) -> None:
    """The chart README's roll back (weights 100/0, then `canary.enabled: false` alone) while a client calls the route
    every 20 ms: no request fails, the canary's objects are removed, and afterwards every answer is the stable
    version."""
    host = f"{ns}.example.com"
    values = routed(host, **CANARY)
    gateway, route = install_routed(real_pool, ns, RELEASE, values)
    served.serves(host, ready_pods(kube, ns))
    client = start_loop(real_pool, ns, served, host)
    values = all_to_stable(real_pool, ns, values, (gateway, route))
    real_pool.upgrade(RELEASE, ns, {**values, "canary.enabled": False})
    wait_for("the canary Deployment to be removed", lambda: canary_gone(kube, ns))
    summary = stop_loop(real_pool, ns, client)
    assert set(summary["versions"]) == {"1", "2"}, summary
    after = served.run("after", host, "/v1/models", 50)
    assert after["versions"] == {"1": 50}, after
    backends = custom(kube, GATEWAY_API, "httproutes", ns, route)["spec"]["rules"][0]["backendRefs"]
    assert [b["name"] for b in backends] == [real_pool.service(ns, RELEASE).metadata.name], backends
    assert conditions(route_parent(custom(kube, GATEWAY_API, "httproutes", ns, route), gateway))["Accepted"] == "True"


def test_promote_under_load(kube: Kube, real_pool: RealPool, ns: str, served: Loop) -> None:
    """The chart README's promotion (weights 100/0, then the stable `args` set to the canary's with
    `canary.enabled: false`) while a client calls the route every 20 ms: no request fails, the stable pods roll to
    the new version, the canary's objects are removed, and afterwards every answer is the new version from the stable
    Deployment."""
    host = f"{ns}.example.com"
    values = routed(host, **CANARY)
    parent = install_routed(real_pool, ns, RELEASE, values)
    served.serves(host, ready_pods(kube, ns))
    old = {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)}
    client = start_loop(real_pool, ns, served, host)
    values = all_to_stable(real_pool, ns, values, parent)
    real_pool.upgrade(RELEASE, ns, {**values, "args": CANARY["canary.args"], "canary.enabled": False})
    wait_for("the canary Deployment to be removed", lambda: canary_gone(kube, ns))
    wait_for(
        "the old stable pods to be gone",
        lambda: not old & {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)},
    )
    summary = stop_loop(real_pool, ns, client)
    assert set(summary["versions"]) == {"1", "2"}, summary
    after = served.run("after", host, "/v1/models", 50)
    assert after["versions"] == {"2": 50}, after
    shares = deployment_shares(kube, ns, after["hosts"])
    assert shares == {kube.deployment(ns, RELEASE).metadata.name: 50}, shares


def test_request_timeout_is_not_enforced_locally(kube: Kube, real_pool: RealPool, ns: str, served: Loop) -> None:
    """httpRoute.timeouts.request reaches the HTTPRoute, but Traefik v3.6.0 reads no HTTPRoute timeouts
    (pkg/provider/kubernetes/gateway: nothing reads `timeouts`): a completion that takes twice the route's request
    timeout still gets 200 after its full time (approuting-istio and AGC answer 504 at the timeout; that needs AKS)."""
    host = f"{ns}.example.com"
    values = routed(host, **{"httpRoute.timeouts.request": "2s", "config.STANDIN_TOKEN_DELAY": "1s"})
    _, route = install_routed(real_pool, ns, RELEASE, values)
    served.serves(host, ready_pods(kube, ns))
    assert custom(kube, GATEWAY_API, "httproutes", ns, route)["spec"]["rules"][0]["timeouts"] == {"request": "2s"}
    slow = served.run("slow", host, "/v1/completions", 1, "-body", completion_body("a b c d", 4), "-timeout", "20s")
    assert slow["codes"] == {"200": 1}, slow
    assert slow["seconds"] >= 4, slow  # four tokens of 1 s: twice the route's timeout
    fast = served.run("fast", host, "/v1/completions", 1, "-body", completion_body("a", 1), "-timeout", "20s")
    assert fast["codes"] == {"200": 1}, fast


def test_request_mirror_rule_answers_500_locally(kube: Kube, real_pool: RealPool, ns: str, served: Loop) -> None:
    """canary.mirror renders a RequestMirror filter; Traefik v3.6.0 does not implement it and answers every request
    of that rule with 500 (pkg/provider/kubernetes/gateway/httproute.go: an unsupported filter makes the rule an
    error service), while the route still reports Accepted. Mirroring on the wire needs approuting-istio or AGC."""
    host = f"{ns}.example.com"
    mirrored = {**CANARY, "canary.mirror.enabled": True, "canary.weights.stable": 100, "canary.weights.canary": 0}
    install_routed(real_pool, ns, RELEASE, routed(host, **mirrored))
    probes = iter(range(60))  # a client pod each: no pod answers this rule, so Loop.serves cannot tell it is served

    def programmed() -> bool:
        codes: dict[str, int] = served.run(f"probe-{next(probes)}", host, "/v1/models", 1)["codes"]
        return codes != {"404": 1}

    wait_for("the gateway to serve the rule (no longer 404)", programmed, timeout=60, interval=1)
    summary = served.run("mirrored", host, "/v1/models", 10)
    assert summary["codes"] == {"500": 10}, summary


def test_grpc_route_reaches_the_grpc_port(kube: Kube, real_pool: RealPool, ns: str, served: Loop) -> None:
    """httpRoute.grpc: a GRPCRoute to the server's gRPC port (appProtocol kubernetes.io/h2c) on its own host name is
    Accepted with resolved refs, and gRPC health checks through the gateway reach the server pods (HTTP/2 cleartext
    from the client to the gateway and from the gateway to the pod)."""
    host = f"{ns}.example.com"
    values = routed(
        host, **GRPC, **{"replicaCount": 2, "httpRoute.grpc": {"enabled": True, "hostnames": [f"grpc.{host}"]}}
    )
    gateway, _ = install_routed(real_pool, ns, RELEASE, values)
    served.serves(host, ready_pods(kube, ns))
    (grpc_route,) = (r["metadata"]["name"] for r in release_objects(kube, GATEWAY_API, "grpcroutes", ns, RELEASE))
    wait_route_accepted(kube, "grpcroutes", ns, grpc_route, gateway)
    args = ["grpc-health", "-authority", f"grpc.{host}", "-count", "20", f"http://{served.address}:80"]
    _, log = real_pool.run_client(ns, "grpc-health", args)
    summary = last_json(log)
    assert summary["codes"] == {"SERVING": 20}, summary
    assert set(summary["hosts"]) == {p.metadata.name for p in real_pool.server_pods(ns, RELEASE)}, summary
