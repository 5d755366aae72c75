"""Simulated node capacity the smoke tier gives itself (kwok clusters only).

The CPU and GPU pools are sized from what the tier installs, not from a fixed node count: `demand` adds up the
cpu, memory and GPUs that every values file's Deployments request when all of them run at once, each mid-rollout
(replicas plus maxSurge), per pool (a pod with a GPU limit runs on the GPU pool, any other on the CPU pool), and
`ensure_capacity` adds kwok nodes, copies of each pool's first node, until the pool holds that demand plus
`SPARE_NODES` nodes for the releases the other tests install at the same time (the tier runs in parallel). A new
values file therefore grows the pools instead of starving another release. `private_gpu_pool` makes a one-node GPU
pool of its own for a test that cordons its pool, so that no other test's GPU pods notice; the node carries the taint
`PRIVATE_TAINT_KEY=<pool>:NoSchedule` as well, so that only pods tolerating it land there.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from kubernetes import client
from kubernetes.utils import parse_quantity

from .kube import AGENTPOOL, GPU_POOL, GPU_RESOURCE, Kube, items, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from harness.manifest import Manifest

CPU_POOL = "cpupool"
RESOURCES = ("cpu", "memory", GPU_RESOURCE)
SPARE_NODES = 2
PRIVATE_TAINT_KEY = "pool"
DEFAULT_SURGE = "25%"  # a Deployment's default maxSurge (apps/v1 RollingUpdateDeployment)
Amounts = defaultdict[str, float]  # resource -> amount (cores, bytes, GPUs)
Demand = dict[str, Amounts]  # pool -> amounts


def _surge(deployment: dict[str, Any], replicas: int) -> int:
    strategy = deployment["spec"].get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0
    surge = (strategy.get("rollingUpdate") or {}).get("maxSurge", DEFAULT_SURGE)
    if isinstance(surge, str) and surge.endswith("%"):
        return math.ceil(replicas * int(surge[:-1]) / 100)
    return int(surge)


def _replicas(manifest: Manifest, deployment: dict[str, Any]) -> int:
    """The replicas a Deployment settles at: its own count, or its HPA's minimum when it leaves the count out."""
    if "replicas" in deployment["spec"]:
        return int(deployment["spec"]["replicas"])
    name = deployment["metadata"]["name"]
    hpas = [h for h in manifest.by_kind("HorizontalPodAutoscaler") if h["spec"]["scaleTargetRef"]["name"] == name]
    return max([int(h["spec"].get("minReplicas", 1)) for h in hpas] + [1])


def _quantity(value: object) -> float:
    return float(parse_quantity(value))  # type: ignore[no-untyped-call]  # untyped in kubernetes 37


def _pod_requests(deployment: dict[str, Any]) -> Amounts:
    """What one pod asks the scheduler for: its containers' cpu and memory requests (a limit stands in for a missing
    request, as in Kubernetes) and GPUs by their limit."""
    wanted: Amounts = defaultdict(float)
    for container in deployment["spec"]["template"]["spec"].get("containers", []):
        resources = container.get("resources") or {}
        limits = resources.get("limits") or {}
        amounts = {**limits, **(resources.get("requests") or {}), GPU_RESOURCE: limits.get(GPU_RESOURCE, 0)}
        for name in RESOURCES:
            wanted[name] += _quantity(amounts.get(name, 0))
    return wanted


def demand(manifests: Iterable[Manifest]) -> Demand:
    """What the Deployments of `manifests` hold at once when each is mid-rollout, per pool."""
    total: Demand = {CPU_POOL: defaultdict(float), GPU_POOL: defaultdict(float)}
    for manifest in manifests:
        for deployment in manifest.by_kind("Deployment"):
            replicas = _replicas(manifest, deployment)
            pod = _pod_requests(deployment)
            pool = GPU_POOL if pod[GPU_RESOURCE] else CPU_POOL
            for name, amount in pod.items():
                total[pool][name] += amount * (replicas + _surge(deployment, replicas))
    return total


def _copy_of(node: Any, name: str, labels: dict[str, str], taints: list[Any]) -> client.V1Node:  # noqa: ANN401
    meta = node.metadata
    return client.V1Node(
        metadata=client.V1ObjectMeta(
            name=name,
            annotations=meta.annotations,
            labels={**meta.labels, "kubernetes.io/hostname": name, **labels},
        ),
        spec=client.V1NodeSpec(provider_id=f"kwok://{name}", taints=[*(node.spec.taints or []), *taints]),
        status=client.V1NodeStatus(capacity=node.status.capacity, allocatable=node.status.allocatable),
    )


def _add_nodes(
    kube: Kube,
    template: Any,  # noqa: ANN401 - a client model
    names: list[str],
    labels: dict[str, str] | None = None,
    taints: list[Any] | None = None,
) -> None:
    for name in names:
        try:
            kube.core.create_node(_copy_of(template, name, labels or {}, taints or []))
        except client.ApiException as exc:
            if exc.status != 409:  # another worker added it first
                raise

    def ready() -> bool:
        nodes = kube.nodes()
        return all(n in nodes and kube.node_ready(nodes[n]) for n in names)

    wait_for(f"kwok to mark {len(names)} new node(s) Ready", ready, timeout=60)


def _pool(kube: Kube, pool: str) -> list[Any]:
    return sorted(items(kube.core.list_node(label_selector=f"{AGENTPOOL}={pool}")), key=lambda n: n.metadata.name)


def ensure_capacity(kube: Kube, wanted: Demand) -> dict[str, int]:
    """Grow each pool to hold `wanted` plus SPARE_NODES nodes; returns the pools' node counts."""
    sizes = {}
    for pool, amounts in wanted.items():
        nodes = _pool(kube, pool)
        allocatable = nodes[0].status.allocatable
        per_node = {name: _quantity(allocatable.get(name, "0")) for name in amounts}
        needed = max([math.ceil(amounts[r] / per_node[r]) for r in amounts if per_node[r]] + [0]) + SPARE_NODES
        prefix = nodes[0].metadata.name[: -len("000000")]
        _add_nodes(kube, nodes[0], [f"{prefix}{i:06d}" for i in range(len(nodes), needed)])
        sizes[pool] = max(needed, len(nodes))
    return sizes


def private_gpu_pool(kube: Kube, pool: str) -> str:
    """One GPU node, a copy of the GPU pool's first node, in a pool named `pool` of its own and tainted for it;
    returns its name."""
    template = _pool(kube, GPU_POOL)[0]
    name = f"aks-{pool}-31415926-vmss000000"
    taint = client.V1Taint(key=PRIVATE_TAINT_KEY, value=pool, effect="NoSchedule")
    _add_nodes(kube, template, [name], {AGENTPOOL: pool, "agentpool": pool}, [taint])
    return name
