#!/usr/bin/env python3
"""Draw the architecture of the chart rendered with a values file: Graphviz DOT written here, laid out by `dot`.

The picture is read from the rendered manifests (harness.render), not from the values: Deployments (stable and
canary; replicas, HPA or KEDA range, GPU count), Services (with the route's traffic shares), Ingress and its controller
(application routing's nginx in the cluster, or AGIC and the Application Gateway in front of it), Gateway API Gateway
and routes with their implementation (the approuting-istio gateway pods, or Application Gateway for Containers with
its WAF), KEDA and the Prometheus it queries, ConfigMap, Secret or SecretProviderClass with Azure Key Vault and
workload identity, and the node pool the pods land on (GPU pool with its taint, or CPU nodes kept off GPU nodes).

    python3 scripts/generate/diagram.py values/dev.yaml         # -> docs/diagrams/dev.{dot,svg,png,sha256}
    python3 scripts/generate/diagram.py --all                   # every values/*.yaml
    python3 scripts/generate/diagram.py --all --check           # exit 1 when a committed picture is stale

`<env>.sha256` (the format of `sha256sum`) records the digests of the DOT source and of the SVG and PNG drawn from
it; `--check` draws the DOT source again and compares it, and compares the record with the files, so a picture that
was not redrawn after its source changed is caught without running Graphviz (whose bytes vary between versions).

Needs the harness package (`nox -s generate` installs it), helm (HELM_BIN, else .tools/bin/helm4) and, to draw,
Graphviz `dot` (Debian package graphviz). The drawing parts are in scripts/generate/diagram_parts.py.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from diagram_inference import inference_edges, inference_nodes
from diagram_parts import (
    GREY_KINDS,
    K8S,
    NAMESPACE,
    Graph,
    Scene,
    azure_part,
    config_nodes,
    controllers_part,
    every,
    is_picker,
    key_vault_tls,
    name_of,
    node_id,
    pool_part,
    q,
    routing_nodes,
)
from harness.paths import REPO_ROOT, SCHEMA_MODELINE, chart_values_files
from harness.render import Renderer, RenderRequest
from harness.tools import helm_binary

OUT = REPO_ROOT / "docs" / "diagrams"
RELEASE = "inference"


def request_for(values: Path) -> RenderRequest:
    """What a picture is drawn from: the values file rendered as release `inference` in namespace `inference`."""
    return RenderRequest.make(values_files=[values], release=RELEASE, namespace=NAMESPACE)


def ingress_edges(g: Graph, s: Scene) -> None:
    if s.ingress_controller == "agic":
        g.edge("clients", "appgw", "HTTP(S)")
        g.edge("agic", "appgw", "configures", style="dashed")
        g.edge("agic", "ingress", "watches", style="dashed")
        g.edge("appgw", "deployment", "to pod IPs")
    elif s.ingress_controller == "nginx":
        g.edge("clients", "nginx", "HTTP(S)")
        g.edge("nginx", "ingress", "watches", style="dashed")
        g.edge("nginx", "service")
    if s.ingress is not None:
        g.edge("ingress", "service", "backend", style="dotted")
    if key_vault_tls(s) and s.ingress_controller == "nginx":
        g.edge("kvtls", "nginx", "TLS certificate", style="dashed")


def gateway_edges(g: Graph, s: Scene) -> None:
    """Requests through the Gateway API implementation, split by the route's weights."""
    weights = s.weights()
    entry = {"approuting-istio": "gwpods", "azure-alb-external": "agc", "existing": "extgw"}.get(s.gateway_class or "")
    if entry is None:
        return
    g.edge("clients", entry, "HTTP(S)")
    for route in s.routes:
        g.edge(f"route:{route['kind']}", "gateway" if s.gateway is not None else "extgw", "parentRef", style="dotted")
        if s.pools and route["kind"] == "HTTPRoute":
            continue  # its backends are the pools (diagram_inference.py)
        for service in s.services:
            g.edge(f"route:{route['kind']}", node_id("service", service), "backendRef", style="dotted")
    if s.gateway_class == "approuting-istio":
        g.edge("istiod", "gateway", "provisions", style="dashed")
        g.edge("istiod", "gwpods", "configures", style="dashed")
    if s.gateway_class == "azure-alb-external":
        g.edge("albctl", "gateway", "watches", style="dashed")
        g.edge("albctl", "agc", "configures", style="dashed")
    for service in [] if s.pools else s.services:
        share = weights.get(name_of(service), "")
        if s.gateway_class == "azure-alb-external":
            g.edge("agc", node_id("deployment", service), f"to pod IPs {share}".strip())
        else:
            g.edge(entry, node_id("service", service), share)
    if key_vault_tls(s) and s.gateway is not None:
        g.edge(
            "kvtls", "gwpods" if s.gateway_class == "approuting-istio" else "gateway", "TLS certificate", style="dashed"
        )


def workload_edges(g: Graph, s: Scene) -> None:
    """Service to pods, image pulls, configuration, secrets, scaling and the grey supporting objects."""
    ports = " ".join(f":{p['containerPort']}" for p in s.pod["containers"][0]["ports"])
    for service in s.services:
        g.edge(node_id("service", service), node_id("deployment", service), ports)
    for deployment in s.deployments:
        g.edge("acr", node_id("deployment", deployment), "image pull (kubelet)", style="dashed")
    for cm in every(s.docs, "ConfigMap"):
        g.edge(f"cm:{name_of(cm)}", "deployment", "env", style="dashed")
    for secret in every(s.docs, "Secret"):
        g.edge(f"secret:{name_of(secret)}", "deployment", "files", style="dashed")
    if s.spc is not None:
        g.edge("kv", "spc", "CSI driver mounts", style="dashed")
        g.edge("spc", "deployment", "files", style="dashed")
        g.edge("sa", "entra", "federated token", style="dashed")
        g.edge("entra", "kv", "access", style="dashed")
    if any(not is_picker(a) for a in every(s.docs, "ServiceAccount")):
        g.edge("sa", "deployment", "serviceAccountName", style="dotted")
    for doc in s.docs:
        if doc["kind"] in GREY_KINDS and not is_picker(doc):
            target = {"ServiceMonitor": "service", "HealthCheckPolicy": "service"}.get(doc["kind"], "deployment")
            to = (
                "route:HTTPRoute"
                if doc["kind"] in {"WebApplicationFirewallPolicy", "RoutePolicy"}
                else node_id(target, doc)
            )
            label = {"ServiceMonitor": "scrapes", "PersistentVolumeClaim": "model cache"}.get(doc["kind"], "")
            g.edge(f"{doc['kind']}:{name_of(doc)}", to, label, style="dotted", color="#888888")
    if s.scaled is not None:
        g.edge("prometheus", "keda", "queue depth", style="dashed")
        g.edge("keda", f"ScaledObject:{name_of(s.scaled)}", "reads", style="dashed")


def build(title: str, docs: list[dict[str, Any]]) -> str:
    s = Scene(docs)
    g = Graph()
    g.lines += [
        "digraph architecture {",
        f"  graph [rankdir=LR, fontname=Helvetica, fontsize=12, labelloc=t, label={q(title)},",
        "    nodesep=0.35, ranksep=0.6];",
        "  node [fontname=Helvetica, fontsize=10, style=filled, fillcolor=white];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    tls = (s.ingress and s.ingress["spec"].get("tls")) or any(
        li.get("tls") for li in (s.gateway or {}).get("spec", {}).get("listeners", [])
    )
    g.node("clients", "Clients\n(HTTPS)" if tls else "Clients", shape="oval")
    azure_part(g, s)
    g.open("aks", "AKS cluster", K8S)
    controllers_part(g, s)
    g.open("ns", f"namespace {NAMESPACE}", K8S, "rounded")
    routing_nodes(g, s)
    config_nodes(g, s)
    pool_part(g, s)
    inference_nodes(g, s)
    g.close()  # namespace
    g.close()  # cluster
    ingress_edges(g, s)
    gateway_edges(g, s)
    inference_edges(g, s, {"azure-alb-external": "agc", "existing": "extgw"}.get(s.gateway_class or "", "gateway"))
    workload_edges(g, s)
    g.lines.append("}")
    return "\n".join(g.lines) + "\n"


def title_of(values: Path) -> str:
    """The picture's title: the values file's name and its leading comment block (without the editor's modeline)."""
    comment: list[str] = []
    for line in values.read_text().splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith(SCHEMA_MODELINE):
            comment.append(line.lstrip("#").strip())
    description = "\n".join(textwrap.wrap(" ".join(comment), 110))
    return f"ai-inference with values/{values.name}" + (f"\n{description}" if description else "")


PICTURES = ("svg", "png")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def record_text(out: Path, stem: str) -> str:
    """<stem>.sha256 (`sha256sum -c` reads it): the digests of the DOT source and of the pictures drawn from it."""
    names = [f"{stem}.{ext}" for ext in ("dot", *PICTURES)]
    return "".join(f"{sha256_of((out / name).read_bytes())}  {name}\n" for name in names)


def draw(renderer: Renderer, values: Path, out: Path) -> None:
    """Write <out>/<env>.dot, lay it out as .svg and .png with `dot`, and record what they were drawn from."""
    dot = shutil.which("dot")
    if dot is None:
        sys.exit("Graphviz `dot` not found: apt-get install graphviz (nox -s generate does it)")
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{values.stem}.dot"
    target.write_text(build(title_of(values), renderer.render(request_for(values)).objects))
    for fmt in PICTURES:
        extra = ["-Gdpi=110"] if fmt == "png" else []
        subprocess.run([dot, f"-T{fmt}", *extra, "-o", str(out / f"{values.stem}.{fmt}"), str(target)], check=True)
    (out / f"{values.stem}.sha256").write_text(record_text(out, values.stem))
    print(f"{values} -> {out / values.stem}.{{dot,svg,png,sha256}}")


def stale_pictures(renderer: Renderer, values: Path, out: Path) -> list[str]:
    """Why the committed pictures of `values` are stale (empty when current): the DOT source must be what the chart
    draws today, and <env>.sha256 must record it and the SVG and PNG as they are (they are written together, so
    pictures not redrawn after a DOT change, or changed by hand, show) -- no layout run, so no Graphviz needed."""
    stem = values.stem
    dot_source = build(title_of(values), renderer.render(request_for(values)).objects)
    dot = out / f"{stem}.dot"
    if not dot.is_file() or dot.read_text() != dot_source:
        return [f"{dot.name}: not what the chart draws with values/{values.name} today"]
    record = out / f"{stem}.sha256"
    if not record.is_file():
        return [f"{record.name}: missing"]
    recorded = {name: digest for digest, name in (line.split() for line in record.read_text().splitlines())}
    problems = []
    for name in (f"{stem}.{ext}" for ext in ("dot", *PICTURES)):
        path = out / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif recorded.get(name) != sha256_of(path.read_bytes()):
            problems.append(f"{name}: not what {record.name} records (changed since drawn, or drawn from other source)")
    if (out / f"{stem}.png").is_file() and not (out / f"{stem}.png").read_bytes().startswith(PNG_MAGIC):
        problems.append(f"{stem}.png: not a PNG")
    return problems


def orphans(out: Path, files: list[Path]) -> list[str]:
    """Files in `out` that belong to no values file."""
    stems = {f.stem for f in files}
    return sorted(f"{p.name}: no values/{p.stem}.yaml" for p in out.iterdir() if p.stem not in stems)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("values", nargs="*", type=Path, help="values files (default with --all: values/*.yaml)")
    parser.add_argument("--all", action="store_true", help="every values/*.yaml (and, with --check, no orphan files)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="draw nothing; exit 1 when a picture is stale")
    args = parser.parse_args(argv)
    files: list[Path] = list(args.values) + (chart_values_files() if args.all else [])
    if not files:
        parser.error("name values files or pass --all")
    renderer = Renderer(helm_binary())
    try:
        renderer.prerender(request_for(f) for f in files)
        if not args.check:
            for f in files:
                draw(renderer, f, args.out)
            return 0
        problems = [p for f in files for p in stale_pictures(renderer, f, args.out)]
    finally:
        renderer.close()
    problems += orphans(args.out, files) if args.all and args.out.is_dir() else []
    for problem in problems:
        print(f"{args.out.name}/{problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
