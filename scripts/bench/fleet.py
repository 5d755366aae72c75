"""The chart on a growing simulated GPU fleet (used by scripts/bench/cluster.py): kwok nodes of a GPU pool spread
over three zones, and a GPU release of 10, 100 and 400 replicas on each fleet size.

Per run it prints the time from `helm upgrade --install` to every pod scheduled and to every pod Ready, and how
the pods spread per zone and per node, against the chart's default topology spread (maxSkew 1 over
`topology.kubernetes.io/zone` and `kubernetes.io/hostname`, ScheduleAnyway: soft, so skew is reported, not
enforced). Figures only.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from dataclasses import dataclass

from harness.paths import CHART_DIR, REPO_ROOT
from harness.tools import tool

POOL = "gpufleet"
ZONES = ("eastus-1", "eastus-2", "eastus-3")
GPUS_PER_NODE = 8  # Standard_ND96asr_v4: 8 x A100
FLEETS = (50, 200, 500)
REPLICAS = (10, 100, 400)
PSS = [f"pod-security.kubernetes.io/{mode}=restricted" for mode in ("enforce", "warn", "audit")]


def node_manifest(index: int) -> dict[str, object]:
    name = f"aks-{POOL}-27182818-vmss{index:06d}"
    zone = ZONES[index % len(ZONES)]
    capacity = {"cpu": "96", "memory": "900Gi", "pods": "110", "nvidia.com/gpu": str(GPUS_PER_NODE)}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
            "labels": {
                "kubernetes.azure.com/agentpool": POOL,
                "kubernetes.azure.com/mode": "user",
                "kubernetes.azure.com/accelerator": "nvidia",
                "node.kubernetes.io/instance-type": "Standard_ND96asr_v4",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/region": "eastus",
                "topology.kubernetes.io/zone": zone,
                "type": "kwok",
            },
        },
        "spec": {"taints": [{"key": "sku", "value": "gpu", "effect": "NoSchedule"}]},
        "status": {"allocatable": capacity, "capacity": capacity, "phase": "Running"},
    }


@dataclass
class Fleet:
    kubectl: list[str]
    helm: list[str]
    size: int = 0  # nodes added so far

    def run(self, *args: str, stdin: str | None = None) -> str:
        proc = subprocess.run(args, input=stdin, capture_output=True, text=True, cwd=REPO_ROOT, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stderr}{proc.stdout}")
        return proc.stdout

    def grow(self, size: int) -> None:
        """Add nodes up to `size` (the ones there already are left alone) and wait for kwok to mark them Ready."""
        docs = [node_manifest(i) for i in range(self.size, size)]
        self.run(
            *self.kubectl,
            "apply",
            "--server-side",
            "-f",
            "-",
            stdin=json.dumps({"apiVersion": "v1", "kind": "List", "items": docs}),
        )
        self.size = size
        self.run(
            *self.kubectl, "wait", "--for=condition=Ready", "node", "-l", f"kubernetes.azure.com/agentpool={POOL}",
            "--timeout=300s",
        )  # fmt: skip

    def remove(self) -> None:
        self.run(*self.kubectl, "delete", "node", "-l", f"kubernetes.azure.com/agentpool={POOL}", "--wait=false")

    def pods(self, namespace: str) -> list[dict[str, object]]:
        out = self.run(*self.kubectl, "get", "pods", "-n", namespace, "-o", "json")
        items: list[dict[str, object]] = json.loads(out)["items"]
        return items

    def measure(self, replicas: int, namespace: str) -> tuple[float, float, list[dict[str, object]]]:
        """Seconds from `helm upgrade --install` to all pods scheduled, and to all Ready; the pods."""
        self.run(*self.kubectl, "create", "namespace", namespace)
        self.run(*self.kubectl, "label", "namespace", namespace, *PSS)
        start = time.monotonic()
        self.run(
            *self.helm, "upgrade", "--install", "fleet", str(CHART_DIR), "-n", namespace,
            "--set", "gpu.enabled=true", "--set", f"replicaCount={replicas}",
            "--set-json", f'gpu.nodeSelector={{"kubernetes.azure.com/agentpool":"{POOL}"}}',
        )  # fmt: skip
        scheduled = ready = 0.0
        while not ready:
            pods = self.pods(namespace)
            if len(pods) == replicas and not scheduled and all(_node(p) for p in pods):
                scheduled = time.monotonic() - start
            if len(pods) == replicas and all(_ready(p) for p in pods):
                ready = time.monotonic() - start
            if time.monotonic() - start > 600:
                raise RuntimeError(f"{replicas} replicas not Ready after 600 s")
            time.sleep(0.25)
        return scheduled, ready, pods


def _node(pod: dict[str, object]) -> str:
    spec = pod["spec"]
    assert isinstance(spec, dict)
    return str(spec.get("nodeName") or "")


def _ready(pod: dict[str, object]) -> bool:
    status = pod["status"]
    assert isinstance(status, dict)
    return any(c["type"] == "Ready" and c["status"] == "True" for c in status.get("conditions") or [])


def spread(pods: list[dict[str, object]], size: int) -> str:
    """Pods per zone and per node, and each skew (max - min, over all zones / all fleet nodes) against maxSkew 1."""
    per_node = Counter(_node(p) for p in pods)
    per_zone = Counter(ZONES[int(node[-6:]) % len(ZONES)] for node in per_node.elements())
    zone_counts = [per_zone.get(z, 0) for z in ZONES]
    node_counts = [per_node.get(node_manifest(i)["metadata"]["name"], 0) for i in range(size)]  # type: ignore[index]
    zone_skew = max(zone_counts) - min(zone_counts)
    node_skew = max(node_counts) - min(node_counts)
    return (
        f"zones {'/'.join(map(str, zone_counts))} (skew {zone_skew}{'' if zone_skew <= 1 else ' > maxSkew 1'}), "
        f"pods per node {min(node_counts)}-{max(node_counts)} (skew {node_skew}{'' if node_skew <= 1 else ' > 1'}, "
        f"{sum(1 for c in node_counts if c)} of {size} nodes used)"
    )


def fleet_figures(kubeconfig: str, helm: str) -> None:
    fleet = Fleet([str(tool("kubectl")), "--kubeconfig", kubeconfig], [helm, "--kubeconfig", kubeconfig])
    print(f"GPU fleet ({GPUS_PER_NODE} GPUs per node, zones {', '.join(ZONES)}): helm upgrade --install -> "
          "all pods scheduled / all Ready; spread vs. the chart's maxSkew 1")  # fmt: skip
    try:
        for size in FLEETS:
            start = time.monotonic()
            fleet.grow(size)
            print(f"  {size} nodes (added and Ready in {time.monotonic() - start:.1f} s)")
            for replicas in REPLICAS:
                namespace = f"fleet-{size}-{replicas}"
                scheduled, ready, pods = fleet.measure(replicas, namespace)
                times = f"scheduled {scheduled:6.1f} s, Ready {ready:6.1f} s"
                print(f"    {replicas:>3} replicas: {times}; {spread(pods, size)}")
                fleet.run(*fleet.kubectl, "delete", "namespace", namespace, "--wait=true", "--timeout=300s")
    finally:
        fleet.remove()
