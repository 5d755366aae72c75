#!/usr/bin/env python3
"""Figures of the cluster tier, measured on a throw-away kwok cluster named `ai-inference-bench` (the main job's and
the suite's clusters, if running, are left alone):

  1. with --cold-build: the cold build of each tool the cluster runs (`BUILDS`: the control plane, the real node's
     binaries, each add-on of scripts/cluster/addons), each into an empty temporary directory with an empty GOCACHE
     (Go modules already in GOMODCACHE are not downloaded again), so each figure is what that tool adds to a fresh
     machine on its own; then the same build warm (stamps removed, GOCACHE kept);
  2. cluster boot: `scripts/cluster/cluster.sh up` (processes started, nodes Ready, CRDs established, the real node
     Ready with CoreDNS), and the real node's own figures: images built and pushed, node Ready, CoreDNS Ready;
  3. `helm install --wait` to all pods Ready, per values/*.yaml, one at a time, each in a new namespace (kwok pools);
  4. the chart with the stand-in on the real node: install to all pods Ready; the add-ons' figures
     (scripts/bench/addons.py): canary split error, requests/s through the gateway and straight to the Service, queue
     rise to a new pod Ready with the chart's KEDA defaults;
  5. unless --no-fleet: the chart on a simulated GPU fleet of 50, 200 and 500 nodes in three zones with 10, 100
     and 400 replicas: time to all pods scheduled and Ready, spread per zone and per node (scripts/bench/fleet.py);
  6. with --smoke: the wall time of the cluster tier (`pytest tests/smoke`, in parallel as `nox -s smoke` runs it)
     against that cluster.

`--record` saves the figures to docs/benchmarks/cluster.json, which `nox -s generate` turns into the README's
tables (sections a run did not measure keep their last record). Run it with a Python that has the harness and
tests/requirements.txt installed, e.g. `.nox/smoke/bin/python scripts/bench/cluster.py --smoke --record`.
No figure here is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from addons import addon_figures
from fleet import fleet_figures
from harness.figures import Figures
from harness.paths import CHART_DIR, REPO_ROOT, chart_values_files
from harness.render import load_values_file
from harness.rules import value_at
from harness.tools import helm_binary, tool

CLUSTER = "ai-inference-bench"
PSS = [f"pod-security.kubernetes.io/{mode}=restricted" for mode in ("enforce", "warn", "audit")]
CLUSTER_DIR = REPO_ROOT / "scripts" / "cluster"


def addon_names() -> list[str]:
    """The cluster add-ons (scripts/cluster/addons/<name>/pin), each with its pinned version."""
    names = []
    for pin in sorted((CLUSTER_DIR / "addons").glob("*/pin")):
        version = re.search(r"^version=(\S+)", pin.read_text(), re.M)
        names.append(f"{pin.parent.name} {version.group(1)}" if version else pin.parent.name)
    return names


# What a fresh machine builds for the local cluster, one command each (run in REPO_ROOT; OUT is a scratch directory).
BUILDS: dict[str, list[str]] = {
    "control plane (etcd, kube-apiserver, -controller-manager, -scheduler, kwok)": [
        str(CLUSTER_DIR / "tools" / "build.sh"), "control-plane"],
    "real node: kubelet, kube-proxy": [str(CLUSTER_DIR / "tools" / "build.sh"), "node"],
    "real node: CoreDNS (the Corefile's plugins)": [
        "bash", "-c", 'cd "$0" && GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$OUT/coredns" .',
        str(CLUSTER_DIR / "realnode" / "coredns")],
    "endpoint picker (lwepp) and the ext_proc test client": [
        "bash", "-c", 'cd "$0" && GOFLAGS=-mod=readonly go build -trimpath -o "$OUT/" '
        "sigs.k8s.io/gateway-api-inference-extension/cmd/lwepp ./gatewayclient", str(CLUSTER_DIR / "inference")],
    **{f"add-on: {name}": [str(CLUSTER_DIR / "addons" / "build.sh"), name.split()[0]] for name in addon_names()},
}  # fmt: skip


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    proc = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr}{proc.stdout}")
    return proc.stdout


def timed(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.monotonic()
    out = run(*args, env=env)
    return time.monotonic() - start, out


def build_figures(figures: Figures) -> None:
    """Each tool's cold build (an empty TOOLS_DIR/OUT and an empty GOCACHE of its own), then the same build warm: its
    stamps removed, the GOCACHE kept (what a changed pin or build script costs)."""
    for label, command in BUILDS.items():
        with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
            env = dict(os.environ, TOOLS_DIR=tmp, OUT=tmp, GOCACHE=str(Path(tmp) / "gocache"), CGO_ENABLED="0")
            cold, _ = timed(*command, env=env)
            for stamp in Path(tmp).rglob("stamp*"):
                stamp.unlink()
            warm, _ = timed(*command, env=env)
        figures.add("builds", f"{label}: cold", cold / 60, "min")
        figures.add("builds", f"{label}: warm", warm, "s")


def install_figures(figures: Figures, kubeconfig: str, helm: str) -> None:
    kubectl = [str(tool("kubectl")), "--kubeconfig", kubeconfig]
    for values in chart_values_files():
        ns = f"bench-{values.stem}"
        run(*kubectl, "create", "namespace", ns)
        run(*kubectl, "label", "namespace", ns, *PSS)
        existing = value_at(load_values_file(values), "secrets.native.existingSecret")
        if existing:  # a Secret the values file expects to exist already
            run(*kubectl, "-n", ns, "create", "secret", "generic", str(existing), "--from-literal=k=v")
        args = ["install", values.stem, str(CHART_DIR), "-f", str(values), "-n", ns]
        seconds, _ = timed(helm, *args, "--kubeconfig", kubeconfig, "--wait", "--timeout", "120s")
        figures.add("installs", f"`{values.stem}` on the kwok pools", seconds)


def real_node_figures(figures: Figures, kubeconfig: str, helm: str) -> None:
    """The real node's start-up figures (scripts/cluster/realnode/node.sh records them), then the chart with the
    stand-in on it: `helm install --wait` to all pods Ready."""
    timings = REPO_ROOT / ".tools" / "realnode" / CLUSTER / "timings"
    recorded = dict(line.split("=", 1) for line in timings.read_text().split())
    for key, label in (("images_seconds", "images built and pushed"), ("node_ready_seconds", "node Ready"),
                       ("dns_ready_seconds", "CoreDNS Ready")):  # fmt: skip
        figures.add("cluster", f"real node: {label} (from its start)", float(recorded[key]))
    addons = REPO_ROOT / ".tools" / "kwok" / "clusters" / CLUSTER / "addons" / "ready-seconds"
    figures.add("cluster", "add-ons: images pushed, all Ready (after the real node)", float(addons.read_text()))
    kubectl = [str(tool("kubectl")), "--kubeconfig", kubeconfig]
    ns = "bench-realnode"
    run(*kubectl, "create", "namespace", ns)
    run(*kubectl, "label", "namespace", ns, *PSS)
    overlay = REPO_ROOT / "tests" / "smoke" / "realnode-values.yaml"
    args = ["install", "real", str(CHART_DIR), "-f", str(overlay), "-n", ns]
    seconds, _ = timed(helm, *args, "--kubeconfig", kubeconfig, "--wait", "--timeout", "120s")
    figures.add("installs", "stand-in on the real node (2 replicas, 3 s start-up delay)", seconds)


def on_bench_cluster(figures: Figures, opts: argparse.Namespace, env: dict[str, str]) -> None:
    cluster_sh = str(CLUSTER_DIR / "cluster.sh")
    helm = str(helm_binary())
    seconds, out = timed(cluster_sh, "up", env=env)
    kubeconfig = out.strip().splitlines()[-1]
    figures.add("cluster", "boot: control plane, AKS shape, real node with CoreDNS, all Ready", seconds)
    real_node_figures(figures, kubeconfig, helm)
    addon_figures(figures, kubeconfig, helm_binary())
    install_figures(figures, kubeconfig, helm)
    if not opts.no_fleet:
        fleet_figures(kubeconfig, helm)
    if opts.smoke:
        smoke_env = dict(env, KUBECONFIG=kubeconfig, HELM_BIN=helm)
        parallel = ("-n", os.environ.get("SMOKE_WORKERS", "4"), "--dist", "loadgroup")
        seconds, _ = timed(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/smoke", *parallel,
                           env=smoke_env)  # fmt: skip
        figures.add("cluster", "cluster tier (`pytest tests/smoke`, parallel)", seconds / 60, "min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold-build", action="store_true", help="measure each tool's cold build (empty GOCACHE)")
    parser.add_argument("--smoke", action="store_true", help="also time the cluster tier on the bench cluster")
    parser.add_argument("--no-fleet", action="store_true", help="skip the simulated GPU fleet figures")
    parser.add_argument("--record", action="store_true", help="save the figures to docs/benchmarks/cluster.json")
    opts = parser.parse_args()
    figures = Figures("cluster")
    if opts.cold_build:
        build_figures(figures)
    env = dict(os.environ, KWOK_CLUSTER_NAME=CLUSTER, REALNODE="1")
    cluster_sh = str(CLUSTER_DIR / "cluster.sh")
    run(cluster_sh, "prepare", env=env)
    run(cluster_sh, "down", env=env)
    try:
        on_bench_cluster(figures, opts, env)
    finally:
        run(cluster_sh, "down", env=env)
    if opts.record:
        print(f"recorded in {figures.save().relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
