#!/usr/bin/env python3
"""Draw the architecture of the chart rendered with a values file: Graphviz DOT written here, laid out by `dot`.

The picture is read from `helm template` output, not from the values: Deployment (replicas or HPA range, GPU count),
Service, Ingress and its controller (application routing's nginx in the cluster, or AGIC and the Application
Gateway in front of it), ConfigMap, Secret or SecretProviderClass with Azure Key Vault and workload identity, and the
node pool the pods land on (GPU pool with its taint, or CPU nodes kept off GPU nodes).

    python3 scripts/diagram.py values/dev.yaml                 # -> docs/diagrams/dev.{dot,svg,png}
    python3 scripts/diagram.py --all                           # every values/*.yaml
    python3 scripts/diagram.py --all --check                   # exit 1 when a committed .dot is stale

Needs helm (HELM_BIN, .tools/bin/helm4 or helm on PATH) and Graphviz `dot` (Debian package graphviz).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "charts" / "ai-inference"
OUT = ROOT / "docs" / "diagrams"
RELEASE, NAMESPACE = "inference", "inference"

AZURE = "#0078d4"
K8S = "#326ce5"
GPU = "#76b900"


def helm_binary() -> str:
    for candidate in (os.environ.get("HELM_BIN"), str(ROOT / ".tools" / "bin" / "helm4"), shutil.which("helm")):
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit("helm not found: set HELM_BIN or run python3 scripts/install_tools.py")


def render(values: Path) -> list[dict[str, Any]]:
    args = [helm_binary(), "template", RELEASE, str(CHART), "--namespace", NAMESPACE, "-f", str(values)]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [doc for doc in yaml.safe_load_all(out) if isinstance(doc, dict)]


def q(text: str) -> str:
    """A DOT string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Graph:
    lines: list[str] = field(default_factory=list)

    def node(self, name: str, label: str, **attrs: str) -> None:
        extra = "".join(f", {k}={q(v)}" for k, v in sorted(attrs.items()))
        self.lines.append(f"    {q(name)} [label={q(label)}{extra}];")

    def edge(self, src: str, dst: str, label: str = "", **attrs: str) -> None:
        attrs = {"label": label, **attrs} if label else attrs
        extra = ", ".join(f"{k}={q(v)}" for k, v in sorted(attrs.items()))
        self.lines.append(f"    {q(src)} -> {q(dst)}" + (f" [{extra}]" if extra else "") + ";")

    def open(self, name: str, label: str, color: str, style: str = "rounded") -> None:
        self.lines.append(f"  subgraph {q('cluster_' + name)} {{")
        self.lines.append(f"    label={q(label)}; color={q(color)}; fontcolor={q(color)}; style={q(style)};")

    def close(self) -> None:
        self.lines.append("  }")


def first(docs: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next((d for d in docs if d.get("kind") == kind), None)


def every(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d.get("kind") == kind]


def registry_of(image: str) -> str:
    """The registry host of an image reference (Docker Hub when the first part is not a host)."""
    first_part = image.split("/", maxsplit=1)[0]
    return first_part if "/" in image and ("." in first_part or ":" in first_part) else "docker.io"


def name_of(doc: dict[str, Any]) -> str:
    return str(doc["metadata"]["name"])


def build(title: str, docs: list[dict[str, Any]]) -> str:  # noqa: PLR0912, PLR0915 (one picture, many optional parts)
    deployment = first(docs, "Deployment")
    if deployment is None:
        raise ValueError("the rendered chart has no Deployment")
    pod = deployment["spec"]["template"]["spec"]
    container = pod["containers"][0]
    limits = container.get("resources", {}).get("limits", {})
    gpus = {k: v for k, v in limits.items() if "gpu" in k}
    hpa = first(docs, "HorizontalPodAutoscaler")
    service = first(docs, "Service")
    ingress = first(docs, "Ingress")
    spc = first(docs, "SecretProviderClass")
    secrets = every(docs, "Secret")
    sa = first(docs, "ServiceAccount")
    g = Graph()
    g.lines += [
        "digraph architecture {",
        f"  graph [rankdir=LR, fontname=Helvetica, fontsize=12, labelloc=t, label={q(title)},",
        "    nodesep=0.35, ranksep=0.6];",
        "  node [fontname=Helvetica, fontsize=10, style=filled, fillcolor=white];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    g.node("clients", "Clients\n(HTTPS)" if ingress and ingress["spec"].get("tls") else "Clients", shape="oval")

    # Azure services outside the cluster (the registry among them when it is an ACR)
    image = str(container["image"])
    registry = registry_of(image)
    if not registry.endswith(".azurecr.io"):
        g.node("acr", f"Container registry\n{registry}", shape="cylinder")
    g.open("azure", "Azure", AZURE, "dashed")
    if registry.endswith(".azurecr.io"):
        g.node("acr", f"Container registry\n{registry}", shape="cylinder", color=AZURE)
    controller = None
    if ingress is not None:
        annotations = ingress["metadata"].get("annotations") or {}
        if ingress["spec"].get("ingressClassName") == "azure-application-gateway" or any(
            k.startswith("appgw.ingress") for k in annotations
        ):
            controller = "agic"
            timeout = annotations.get("appgw.ingress.kubernetes.io/request-timeout", "30")
            waf = "\n+ WAF policy" if "appgw.ingress.kubernetes.io/waf-policy-for-path" in annotations else ""
            g.node("appgw", f"Application Gateway v2\nrequest timeout {timeout}s{waf}", shape="box3d", color=AZURE)
        else:
            controller = "nginx"
    if spc is not None:
        params = spc["spec"].get("parameters", {})
        objects = yaml.safe_load(params.get("objects", "array: []")).get("array", [])
        names = [str(yaml.safe_load(o).get("objectName")) for o in objects]
        g.node(
            "kv",
            f"Azure Key Vault\n{params.get('keyvaultName', '')}\n" + ", ".join(names),
            shape="cylinder",
            color=AZURE,
        )
        g.node("entra", "Microsoft Entra ID\nmanaged identity +\nfederated credential", shape="box", color=AZURE)
    if ingress is not None and "kubernetes.azure.com/tls-cert-keyvault-uri" in (
        ingress["metadata"].get("annotations") or {}
    ):
        g.node("kvtls", "Azure Key Vault\n(TLS certificate)", shape="cylinder", color=AZURE)
    g.close()

    g.open("aks", "AKS cluster", K8S)
    if controller == "nginx":
        g.open("approuting", "app-routing-system", K8S, "dashed")
        g.node(
            "nginx",
            "application routing\nmanaged nginx\nwebapprouting.kubernetes.azure.com",
            shape="component",
            color=K8S,
        )
        g.close()
    elif controller == "agic":
        g.open("agic", "kube-system", K8S, "dashed")
        g.node("agic", "AGIC add-on\n(ingress-appgw)", shape="component", color=K8S)
        g.close()

    g.open("ns", f"namespace {NAMESPACE}", K8S, "rounded")
    if ingress is not None:
        routes = [
            f"Ingress {name_of(i)}\n" + ", ".join(r.get("host", "*") for r in i["spec"].get("rules", []))
            for i in every(docs, "Ingress")
        ]
        g.node("ingress", "\n".join(routes), shape="box", color=K8S)
    if service is not None:
        ports = " ".join(f"{p['name']}:{p['port']}" for p in service["spec"]["ports"])
        g.node(
            "service",
            f"Service {name_of(service)}\n{service['spec'].get('type', 'ClusterIP')} {ports}",
            shape="ellipse",
            color=K8S,
        )
    for cm in every(docs, "ConfigMap"):
        g.node(f"cm:{name_of(cm)}", f"ConfigMap\n{name_of(cm)}", shape="note", color=K8S)
    for secret in secrets:
        g.node(f"secret:{name_of(secret)}", f"Secret\n{name_of(secret)}", shape="folder", color=K8S)
    if spc is not None:
        g.node("spc", f"SecretProviderClass\n{name_of(spc)}", shape="folder", color=K8S)
    if sa is not None:
        client = (sa["metadata"].get("annotations") or {}).get("azure.workload.identity/client-id")
        g.node(
            "sa", f"ServiceAccount {name_of(sa)}" + ("\nworkload identity" if client else ""), shape="box", color=K8S
        )
    for extra_kind in (
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "ServiceMonitor",
        "PersistentVolumeClaim",
    ):
        for doc in every(docs, extra_kind):
            g.node(
                f"{extra_kind}:{name_of(doc)}",
                f"{extra_kind}\n{name_of(doc)}",
                shape="box",
                color="#888888",
                fontcolor="#555555",
            )

    # the node pool the pods are placed on
    selector = pod.get("nodeSelector") or {}
    tolerations = pod.get("tolerations") or []
    if gpus:
        taints = (
            ", ".join(f"{t.get('key')}={t.get('value', '')}:{t.get('effect', '')}" for t in tolerations) or "no taint"
        )
        labels = ", ".join(f"{k}={v}" for k, v in selector.items())
        g.open("pool", f"GPU node pool\n{labels}\ntolerates {taints}", GPU, "rounded,bold")
    else:
        g.open(
            "pool",
            "CPU node pool\n(required affinity: not on GPU nodes)" if pod.get("affinity") else "CPU node pool",
            K8S,
            "rounded",
        )
    replicas = (
        f"HPA {hpa['spec']['minReplicas']}-{hpa['spec']['maxReplicas']} replicas"
        if hpa
        else f"{deployment['spec'].get('replicas', 1)} replica(s)"
    )
    gpu_text = "\n" + ", ".join(f"{v} x {k}" for k, v in gpus.items()) if gpus else ""
    g.node(
        "deployment",
        f"Deployment {name_of(deployment)}\n{replicas}\n{image.rsplit('/', maxsplit=1)[-1]}{gpu_text}",
        shape="box3d",
        color=GPU if gpus else K8S,
        penwidth="2",
    )
    g.close()
    g.close()  # namespace
    g.close()  # cluster

    # traffic
    if controller == "agic":
        g.edge("clients", "appgw", "HTTP(S)")
        g.edge("agic", "appgw", "configures", style="dashed")
        g.edge("agic", "ingress", "watches", style="dashed")
        g.edge("appgw", "deployment", "to pod IPs")
    elif controller == "nginx":
        g.edge("clients", "nginx", "HTTP(S)")
        g.edge("nginx", "ingress", "watches", style="dashed")
        g.edge("nginx", "service")
    if ingress is not None and service is not None:
        g.edge("ingress", "service", "backend", style="dotted")
    if service is not None:
        g.edge("service", "deployment", " ".join(f":{p['containerPort']}" for p in container["ports"]))
    g.edge("acr", "deployment", "image pull (kubelet)", style="dashed")
    if ingress is not None and "kubernetes.azure.com/tls-cert-keyvault-uri" in (
        ingress["metadata"].get("annotations") or {}
    ):
        g.edge("kvtls", "nginx", "TLS certificate", style="dashed")

    # configuration and secrets
    for cm in every(docs, "ConfigMap"):
        g.edge(f"cm:{name_of(cm)}", "deployment", "env", style="dashed")
    for secret in secrets:
        g.edge(f"secret:{name_of(secret)}", "deployment", "files", style="dashed")
    if spc is not None:
        g.edge("kv", "spc", "CSI driver mounts", style="dashed")
        g.edge("spc", "deployment", "files", style="dashed")
        g.edge("sa", "entra", "federated token", style="dashed")
        g.edge("entra", "kv", "access", style="dashed")
    if sa is not None:
        g.edge("sa", "deployment", "serviceAccountName", style="dotted")
    for doc in (
        every(docs, "HorizontalPodAutoscaler") + every(docs, "PodDisruptionBudget") + every(docs, "NetworkPolicy")
    ):
        g.edge(f"{doc['kind']}:{name_of(doc)}", "deployment", "", style="dotted", color="#888888")
    for doc in every(docs, "ServiceMonitor"):
        g.edge(f"ServiceMonitor:{name_of(doc)}", "service", "scrapes", style="dotted", color="#888888")
    for doc in every(docs, "PersistentVolumeClaim"):
        g.edge(f"PersistentVolumeClaim:{name_of(doc)}", "deployment", "model cache", style="dotted", color="#888888")
    g.lines.append("}")
    return "\n".join(g.lines) + "\n"


def draw(values: Path, out: Path, *, check: bool) -> bool:
    """Write <out>/<env>.dot/.svg/.png; with check, only compare the DOT source. True when up to date."""
    comment: list[str] = []
    for line in values.read_text().splitlines():  # the file's leading comment block describes it
        if not line.startswith("#"):
            break
        comment.append(line.lstrip("#").strip())
    description = "\n".join(textwrap.wrap(" ".join(comment), 110))
    title = f"ai-inference with values/{values.name}" + (f"\n{description}" if description else "")
    dot_source = build(title, render(values))
    target = out / f"{values.stem}.dot"
    if check:
        return target.is_file() and target.read_text() == dot_source
    dot = shutil.which("dot")
    if dot is None:
        sys.exit("Graphviz `dot` not found: apt-get install graphviz (nox -s diagrams does it)")
    out.mkdir(parents=True, exist_ok=True)
    target.write_text(dot_source)
    for fmt in ("svg", "png"):
        extra = ["-Gdpi=110"] if fmt == "png" else []
        subprocess.run([dot, f"-T{fmt}", *extra, "-o", str(out / f"{values.stem}.{fmt}"), str(target)], check=True)
    print(f"{values} -> {out / values.stem}.{{dot,svg,png}}")
    return True


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("values", nargs="*", type=Path, help="values files (default with --all: values/*.yaml)")
    parser.add_argument("--all", action="store_true", help="every values/*.yaml")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare the DOT sources only; exit 1 when stale")
    args = parser.parse_args(argv)
    files: list[Path] = list(args.values) + (sorted((ROOT / "values").glob("*.yaml")) if args.all else [])
    if not files:
        parser.error("name values files or pass --all")
    stale = [f for f in files if not draw(f, args.out, check=args.check)]
    for f in stale:
        print(f"stale or missing: {args.out / f.stem}.dot (run nox -s diagrams)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
