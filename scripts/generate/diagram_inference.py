"""The InferencePool part of the pictures (scripts/generate/diagram.py): each pool, the endpoint picker it names, and
how a request flows: the gateway asks the picker (ext_proc) which Ready pod serves it, then sends it there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from diagram_parts import K8S, is_picker, name_of, node_id

if TYPE_CHECKING:
    from diagram_parts import Graph, Scene


def _pool_variant(s: Scene, pool_name: str) -> str:
    """The server Deployment node a pool selects: its Deployment has the pool's name (stable or canary)."""
    for deployment in s.deployments:
        if name_of(deployment) == pool_name:
            return node_id("deployment", deployment)
    return "deployment"


def inference_nodes(g: Graph, s: Scene) -> None:
    """The pools and the chart's pickers (Deployment and Service), the pickers outside the node pool (no GPU)."""
    for pool in s.pools:
        spec = pool["spec"]
        ports = ", ".join(str(p["number"]) for p in spec["targetPorts"])
        ref = spec["endpointPickerRef"]
        label = (
            f"InferencePool {name_of(pool)}\ntargetPorts {ports}\npicker {ref['name']} ({ref.get('failureMode', '')})"
        )
        g.node(f"pool:{name_of(pool)}", label, shape="hexagon", color=K8S)
    for picker in s.pickers:
        container = picker["spec"]["template"]["spec"]["containers"][0]
        image = str(container["image"]).rsplit("/", maxsplit=1)[-1]
        replicas = picker["spec"].get("replicas", 1)
        label = f"endpoint picker {name_of(picker)}\n{replicas} replica(s)\n{image}"
        g.node(f"picker:{name_of(picker)}", label, shape="box3d", color=K8S, penwidth="2")
    for service in s.docs:
        if service["kind"] == "Service" and is_picker(service):
            port = service["spec"]["ports"][0]
            g.node(
                f"pickersvc:{name_of(service)}", f"Service {name_of(service)}\n{port['name']}:{port['port']}", color=K8S
            )


def inference_edges(g: Graph, s: Scene, entry: str) -> None:
    """Route to pools (with the canary's shares), pool to its pods and picker, the gateway's ext_proc call."""
    if not s.pools:
        return
    weights = s.weights()
    pickers = {name_of(svc) for svc in s.docs if svc["kind"] == "Service" and is_picker(svc)}
    for pool in s.pools:
        name = name_of(pool)
        share = weights.get(name, "")
        g.edge("route:HTTPRoute", f"pool:{name}", f"backendRef {share}".strip(), style="dotted")
        g.edge(f"pool:{name}", _pool_variant(s, name), "selects", style="dotted")
        picker = pool["spec"]["endpointPickerRef"]["name"]
        if picker in pickers:
            g.edge(f"pool:{name}", f"pickersvc:{picker}", "endpointPickerRef", style="dotted")
            g.edge(entry, f"pickersvc:{picker}", "ext_proc: which pod?")
            deployments = [d for d in s.pickers if name_of(d) == picker]
            for deployment in deployments:
                g.edge(f"pickersvc:{picker}", f"picker:{name_of(deployment)}", "")
                g.edge(f"picker:{name_of(deployment)}", f"pool:{name}", "watches pool and pods", style="dashed")
        g.edge(entry, _pool_variant(s, name), f"to the picked pod {share}".strip())
