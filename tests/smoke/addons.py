"""The local cluster's add-ons, as the traffic and autoscaling tests see them (scripts/cluster/addons).

- Traefik is the Gateway API implementation of the GatewayClass `approuting-istio` and serves the Ingress class
  `webapprouting.kubernetes.azure.com`; every Gateway and Ingress it serves reports its Service's cluster IP, which a
  client pod on the real node calls with the route's host name in the Host header.
- VictoriaMetrics scrapes what the ServiceMonitors select and answers PromQL at the address values/vllm.yaml gives
  KEDA (`prometheus-operated.monitoring:9090`).
- KEDA's operator and metrics adapter serve `external.metrics.k8s.io` through the API server's aggregation layer.

Conditions and statuses are read as plain dicts (the custom objects API), requests go through `RealPool.client` pods.
"""

from __future__ import annotations

import copy
import json
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from harness.paths import REPO_ROOT
from harness.render import load_values_file
from harness.tools import run, tool

from .kube import INSTANCE, Kube, Model, assert_installed, items, wait_for
from .realnode import STOP_FILE, RealPool, completion_body, last_json, service_url

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

GATEWAY_API = ("gateway.networking.k8s.io", "v1")
KEDA_API = ("keda.sh", "v1alpha1")
GATEWAY_NAMESPACE = GATEWAY_SERVICE = "traefik"
GATEWAY_CLASS = "approuting-istio"
PROMETHEUS_PROXY = "/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy"
EXTERNAL_METRICS = "v1beta1.external.metrics.k8s.io"
# How far an observed share may lie from the configured weight: Z binomial standard deviations. A split of independent
# requests with probability p over n requests has standard deviation sqrt(n p (1-p)); 4.5 of them are exceeded by
# chance about once in 150,000 runs, so a miss is a wrong split, not bad luck.
Z = 4.5


def gateway_address(kube: Kube) -> str:
    """The cluster IP every Gateway and Ingress served by the local Traefik reports."""
    svc: Model = kube.core.read_namespaced_service(GATEWAY_SERVICE, GATEWAY_NAMESPACE)
    return str(svc.spec.cluster_ip)


def custom(kube: Kube, api: tuple[str, str], plural: str, namespace: str, name: str) -> dict[str, Any]:
    obj: Model = kube.custom.get_namespaced_custom_object(*api, namespace, plural, name)
    return dict(obj)


def conditions(status: dict[str, Any] | None) -> dict[str, str]:
    """type -> status of a status block's conditions ("True", "False", "Unknown")."""
    return {c["type"]: c["status"] for c in (status or {}).get("conditions") or []}


def reasons(status: dict[str, Any] | None) -> dict[str, str]:
    """type -> reason of a status block's conditions (for failure messages)."""
    return {c["type"]: f"{c['status']} {c.get('reason', '')}: {c.get('message', '')}" for c in
            (status or {}).get("conditions") or []}  # fmt: skip


def route_parent(route: dict[str, Any], gateway: str) -> dict[str, Any] | None:
    """The status a route's implementation wrote for its parent Gateway `gateway` (None while there is none)."""
    for parent in (route.get("status") or {}).get("parents") or []:
        if parent["parentRef"]["name"] == gateway:
            return dict(parent)
    return None


def wait_gateway_programmed(kube: Kube, namespace: str, name: str, timeout: float = 60) -> dict[str, Any]:
    """The Gateway once Accepted and Programmed with an address."""

    def probe() -> dict[str, Any] | None:
        gw = custom(kube, GATEWAY_API, "gateways", namespace, name)
        status = gw.get("status") or {}
        ok = conditions(status).get("Programmed") == "True" and status.get("addresses")
        return gw if ok else None

    return wait_for(f"Gateway {namespace}/{name} Programmed", probe, timeout=timeout, interval=0.5)


def wait_route_accepted(kube: Kube, plural: str, namespace: str, name: str, gateway: str) -> dict[str, str]:
    """The conditions of a route towards `gateway` once Accepted and ResolvedRefs are True; a timeout names them."""

    def probe() -> dict[str, str] | None:
        parent = route_parent(custom(kube, GATEWAY_API, plural, namespace, name), gateway)
        states = conditions(parent)
        return states if states.get("Accepted") == "True" and states.get("ResolvedRefs") == "True" else None

    try:
        return wait_for(f"{plural} {namespace}/{name} Accepted with resolved refs", probe, timeout=60, interval=0.5)
    except Exception:
        parent = route_parent(custom(kube, GATEWAY_API, plural, namespace, name), gateway)
        raise AssertionError(f"{plural} {namespace}/{name} towards {gateway}: {reasons(parent)}") from None


def wait_route_applied(kube: Kube, plural: str, namespace: str, name: str, gateway: str) -> None:
    """Wait until the implementation reports the route's current generation towards `gateway` (observedGeneration of
    its Accepted condition), then until it reaches Traefik's data plane: Traefik applies a provider's changes at most
    every `providersThrottleDuration`, 2 s by default (Traefik's static configuration reference)."""

    def probe() -> bool:
        route = custom(kube, GATEWAY_API, plural, namespace, name)
        accepted = [c for c in (route_parent(route, gateway) or {}).get("conditions") or [] if c["type"] == "Accepted"]
        return any(c.get("observedGeneration") == route["metadata"]["generation"] for c in accepted)

    wait_for(f"{plural} {namespace}/{name} applied at its current generation", probe, timeout=60, interval=0.5)
    time.sleep(3)


def release_objects(
    kube: Kube, api: tuple[str, str], plural: str, namespace: str, release: str
) -> list[dict[str, Any]]:
    found: Model = kube.custom.list_namespaced_custom_object(
        *api, namespace, plural, label_selector=f"{INSTANCE}={release}"
    )
    return list(found["items"])


@dataclass
class Loop:
    """A bounded request loop from a client pod on the real node (`standin load`), through the gateway by host name."""

    pool: RealPool
    namespace: str
    address: str

    def args(self, host: str, path: str, count: int, *extra: str) -> list[str]:
        url = f"http://{self.address}{path}"
        return ["load", "-url", url, "-host", host, "-count", str(count), "-interval", "0s", *extra]

    def run(self, name: str, host: str, path: str, count: int, *extra: str) -> dict[str, Any]:
        """Run a loop to its end; its JSON summary (sent, ok, failed, codes, hosts, versions, ...)."""
        _, log = self.pool.run_client(self.namespace, name, self.args(host, path, count, *extra))
        return last_json(log)

    def serves(self, host: str, pods: int, path: str = "/v1/models") -> None:
        """Wait (at most 60 s) until `pods` pods have answered through the gateway. The implementation programs a
        backend's endpoints a moment after they turn Ready (Traefik rebuilds its configuration at most every 2 s), as
        Gateway API's conformance tests allow (they wait for an eventually consistent answer before asserting); what
        the tests measure starts after this."""
        extra = ("-interval", "100ms", "-until-hosts", str(pods), "-max-duration", "60s")
        summary = self.run("warm-up", host, path, 1000, *extra)
        assert summary["stopped_by"] == "hosts", f"{pods} pods never all answered through the gateway: {summary}"


def deployment_shares(kube: Kube, namespace: str, hosts: dict[str, int]) -> dict[str, int]:
    """Answers per Deployment, from the pods that served them (pod -> ReplicaSet -> Deployment)."""
    owner_of: dict[str, str] = {}
    for dep in items(kube.apps.list_namespaced_deployment(namespace)):
        for pod in kube.pods_of(namespace, dep):
            owner_of[pod.metadata.name] = dep.metadata.name
    shares: dict[str, int] = {}
    for pod, count in hosts.items():
        deployment = owner_of.get(pod, f"unknown pod {pod}")
        shares[deployment] = shares.get(deployment, 0) + count
    return shares


def binomial_bound(n: int, share: float) -> float:
    """Allowed deviation (in requests) of a weighted split of n requests from n * share."""
    return Z * math.sqrt(n * share * (1 - share))


def split_error(observed: int, n: int, share: float) -> float:
    """Deviation of the observed count from the configured share, in percentage points."""
    return abs(observed / n - share) * 100


def raw(kube: Kube, path: str) -> dict[str, Any]:
    """GET an API server path (`kubectl get --raw`), parsed."""
    kubectl: list[str | Path] = [tool("kubectl"), "--kubeconfig", kube.kubeconfig]
    data: dict[str, Any] = json.loads(run([*kubectl, "get", "--raw", path], timeout=30).stdout)
    return data


def prometheus_query(kube: Kube, query: str) -> list[dict[str, Any]]:
    """An instant PromQL query to VictoriaMetrics through the API server's service proxy: the result vector."""
    body = raw(kube, f"{PROMETHEUS_PROXY}/api/v1/query?{urlencode({'query': query})}")
    assert body["status"] == "success", body
    return list(body["data"]["result"])


def external_metric(kube: Kube, namespace: str, metric: str, scaled_object: str) -> float | None:
    """The value KEDA's metrics adapter serves the HPA for a ScaledObject's trigger (through the aggregation layer)."""
    selector = urlencode({"labelSelector": f"scaledobject.keda.sh/name={scaled_object}"})
    found = raw(kube, f"/apis/external.metrics.k8s.io/v1beta1/namespaces/{namespace}/{metric}?{selector}")["items"]
    return quantity(found[0]["value"]) if found else None


def quantity(text: str) -> float:
    """A Kubernetes quantity as a number ("3", "2500m")."""
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def scalar(result: Sequence[dict[str, Any]]) -> float | None:
    """The one value of an instant query's vector (None when empty)."""
    return float(result[0]["value"][1]) if result else None


# A canary beside the stable Deployment: the stand-in reports its version in X-Standin-Version, and the canary's
# arguments name another one.
CANARY: dict[str, Any] = {
    "canary.enabled": True,
    "canary.replicaCount": 1,
    "canary.image.tag": "0.1.0",
    "canary.args": ["serve", "-version", "2"],
}


# A terminating pod keeps serving for the chart's default preStop sleep (10 s) behind a gateway: realnode-values.yaml
# shortens it to what kube-proxy needs, but Traefik learns that an endpoint is going only when it next rebuilds its
# configuration (at most every 2 s, slower on a busy node), and a pod that exits before that fails requests.
BEHIND_GATEWAY = {"preStopSleepSeconds": 10}


def routed(host: str, **more: Any) -> dict[str, Any]:  # noqa: ANN401 - values of any type
    """Values of a release behind its own Gateway: one server, an HTTPRoute for `host` and paths under /v1."""
    return {
        **BEHIND_GATEWAY,
        "replicaCount": 1,
        "gateway.create": True,
        "httpRoute.enabled": True,
        "httpRoute.hostnames": [host],
        "httpRoute.rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/v1"}}]}],
        **more,
    }


def install_routed(pool: RealPool, ns: str, release: str, values: dict[str, Any]) -> tuple[str, str]:
    """Install, wait for the Gateway to be programmed and the HTTPRoute accepted; (gateway, route) names."""
    assert_installed(pool.install(release, ns, values))
    (gateway,) = (g["metadata"]["name"] for g in release_objects(pool.kube, GATEWAY_API, "gateways", ns, release))
    (route,) = (r["metadata"]["name"] for r in release_objects(pool.kube, GATEWAY_API, "httproutes", ns, release))
    wait_gateway_programmed(pool.kube, ns, gateway)
    wait_route_accepted(pool.kube, "httproutes", ns, route, gateway)
    return gateway, route


def ready_pods(kube: Kube, ns: str) -> int:
    """Ready pods of every Deployment in the namespace (the stable and the canary one)."""
    return sum(int(d.status.ready_replicas or 0) for d in items(kube.apps.list_namespaced_deployment(ns)))


# --- queue-depth autoscaling ------------------------------------------------------------------------------------

VLLM = REPO_ROOT / "values" / "vllm.yaml"
# One completion at a time, 8 tokens of 0.5 s each: 4 s per request. A pod that KEDA scales away while requests
# still wait in its queue finishes them when its grace period covers the longest wait a client allows (the queue
# client's -timeout), as the chart's default grace period covers the longest request; the real pool's 10 s would
# kill it with queued requests unanswered (the client sees EOF).
QUEUE_TIMEOUT = 120
SLOW_SERVER = {
    "config.STANDIN_MAX_RUNNING": "1",
    "config.STANDIN_TOKEN_DELAY": "500ms",
    "terminationGracePeriodSeconds": QUEUE_TIMEOUT,
}
PROMPT = completion_body("one two three four five six seven eight", 8)
# Timing for the test: KEDA polls every 2 s, a quiet queue deactivates after 10 s, the HPA scales down after 10 s
# instead of vllm.yaml's 600 s, the ServiceMonitor scrapes every 2 s.
SHORT = {"pollingInterval": 2, "cooldownPeriod": 10, "behavior": {"scaleDown": {"stabilizationWindowSeconds": 10}}}


def vllm_keda(*, short: bool = True, **more: Any) -> dict[str, Any]:  # noqa: ANN401 - values of any type
    """values/vllm.yaml's `keda` block, with the tests' timing (`short`) and `more` on top."""
    keda = copy.deepcopy(load_values_file(VLLM)["keda"])
    return {**keda, **(SHORT if short else {}), **more}


def scaled(keda: dict[str, Any], scrape: str = "2s") -> dict[str, Any]:
    """Values of a release scaled by KEDA on its own queue, scraped through its ServiceMonitor every `scrape`."""
    return {"keda": keda, "serviceMonitor.enabled": True, "serviceMonitor.interval": scrape, **SLOW_SERVER}


def replicas(kube: Kube, ns: str, release: str) -> tuple[int, int]:
    """(desired, ready) replicas of the release's Deployment."""
    dep: Model = kube.deployment(ns, release)
    return int(dep.spec.replicas or 0), int(dep.status.ready_replicas or 0)


def start_queue(real_pool: RealPool, ns: str, svc: Model, concurrency: int) -> str:
    """A client pod keeping `concurrency` slow completions in flight through the Service until STOP_FILE; it starts
    once kube-proxy forwards the Service to the release's pods."""
    real_pool.wait_proxied(svc, real_pool.server_pods(ns, svc.metadata.labels[INSTANCE]))
    url = service_url(svc, "/v1/completions", by_ip=True)
    args = ["load", "-url", url, "-body", PROMPT, "-count", "100000", "-concurrency", str(concurrency), "-interval",
            "0s", "-timeout", f"{QUEUE_TIMEOUT}s", "-stop-file", STOP_FILE, "-max-duration", "300s"]  # fmt: skip
    client = real_pool.client(ns, "queue", args)
    wait_for("the client to run", lambda: real_pool.pod(ns, client).status.phase == "Running", timeout=60)
    return client
