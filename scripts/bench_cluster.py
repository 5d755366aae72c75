#!/usr/bin/env python3
"""Figures of the cluster tier, measured on a throw-away kwok cluster named `ai-inference-bench` (the normal
`ai-inference` cluster, if running, is left alone):

  1. build time of the cluster binaries: the figure recorded by the last scripts/cluster-tools/build.sh run
     (.tools/cluster/build-time), or, with --cold-build, a fresh build into an empty temporary TOOLS_DIR with an
     empty GOCACHE (tens of minutes on 2 cores; Go modules already in GOMODCACHE are not downloaded again);
  2. cluster boot time: `scripts/cluster.sh up` (processes started, nodes Ready, CRDs established, the real node
     Ready with CoreDNS), and the real node's own figures: images built and pushed, node Ready, CoreDNS Ready;
  3. `helm install --wait` to all pods Ready, per values/*.yaml, one at a time, each in a new namespace (kwok pools);
  4. the chart with the stand-in on the real node: image pull (the kubelet's figure) and install to all pods Ready;
  5. unless --no-fleet: the chart on a simulated GPU fleet of 50, 200 and 500 nodes in three zones with 10, 100
     and 400 replicas: time to all pods scheduled and Ready, spread per zone and per node (scripts/bench_fleet.py);
  6. with --smoke: the wall time of `pytest tests/smoke` against that cluster.

Run it with a Python that has the harness and tests/requirements.txt installed, e.g.
`.nox/smoke/bin/python scripts/bench_cluster.py --smoke`.

No figure here is asserted anywhere; they are for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_fleet import fleet_figures
from harness.paths import CHART_DIR, REPO_ROOT, chart_values_files
from harness.render import load_values_file
from harness.rules import value_at
from harness.tools import helm_binary, tool

CLUSTER = "ai-inference-bench"
PSS = [f"pod-security.kubernetes.io/{mode}=restricted" for mode in ("enforce", "warn", "audit")]


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> str:
    proc = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=False)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr}{proc.stdout}")
    return proc.stdout


def timed(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.monotonic()
    out = run(*args, env=env)
    return time.monotonic() - start, out


def build_figure(cold: bool) -> None:
    build = str(REPO_ROOT / "scripts" / "cluster-tools" / "build.sh")
    if cold:
        with tempfile.TemporaryDirectory(prefix="cluster-tools-") as tmp:
            env = dict(os.environ, TOOLS_DIR=tmp, GOCACHE=str(Path(tmp) / "gocache"))
            print("cold build into an empty TOOLS_DIR and GOCACHE (this takes a while) ...", flush=True)
            seconds, _ = timed(build, env=env)
        print(f"cold build of the cluster binaries: {seconds / 60:.1f} min ({seconds:.0f} s)")
        return
    record = REPO_ROOT / ".tools" / "cluster" / "build-time"
    if record.exists():
        print(f"last build of the cluster binaries: {record.read_text().strip()}")
        print("  (cold only if GOCACHE was empty then; measure a cold build with --cold-build)")
    else:
        print("no recorded build time: run scripts/cluster-tools/build.sh, or --cold-build")


def install_figures(kubeconfig: str, helm: str) -> None:
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
        print(f"  {values.stem:<22} {seconds:5.2f} s")


def real_node_figures(kubeconfig: str, helm: str) -> None:
    """The real node's start-up figures (scripts/realnode/node.sh records them), then the chart with the stand-in on
    it: the kubelet's image pull time and `helm install --wait` to all pods Ready."""
    timings = REPO_ROOT / ".tools" / "realnode" / CLUSTER / "timings"
    if not timings.exists():
        print("real node: not up (REALNODE=0?)")
        return
    figures = dict(line.split("=", 1) for line in timings.read_text().split())
    print(
        f"real node: images built and pushed {figures.get('images_seconds', '?')} s, node Ready "
        f"{figures.get('node_ready_seconds', '?')} s, CoreDNS Ready {figures.get('dns_ready_seconds', '?')} s "
        "(from the start of the node)"
    )
    kubectl = [str(tool("kubectl")), "--kubeconfig", kubeconfig]
    ns = "bench-realnode"
    run(*kubectl, "create", "namespace", ns)
    run(*kubectl, "label", "namespace", ns, *PSS)
    overlay = REPO_ROOT / "tests" / "smoke" / "realnode-values.yaml"
    args = ["install", "real", str(CHART_DIR), "-f", str(overlay), "-n", ns]
    seconds, _ = timed(helm, *args, "--kubeconfig", kubeconfig, "--wait", "--timeout", "120s")
    events = json.loads(run(*kubectl, "get", "events", "-n", ns, "--field-selector", "reason=Pulled", "-o", "json"))
    pulls = [m.group(1) for e in events["items"] if (m := re.search(r"in (\S+) \(", e.get("message", "")))]
    print(
        f"  stand-in (2 replicas, 3 s start-up delay): image pull {', '.join(pulls) or '?'}; ready in {seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold-build", action="store_true", help="measure a cold build (empty GOCACHE)")
    parser.add_argument("--smoke", action="store_true", help="also time pytest tests/smoke on the bench cluster")
    parser.add_argument("--no-fleet", action="store_true", help="skip the simulated GPU fleet figures")
    opts = parser.parse_args()
    helm = str(helm_binary())
    cluster_sh = str(REPO_ROOT / "scripts" / "cluster.sh")
    env = dict(os.environ, KWOK_CLUSTER_NAME=CLUSTER)

    build_figure(opts.cold_build)
    run(str(REPO_ROOT / "scripts" / "cluster-tools" / "build.sh"))
    run(cluster_sh, "down", env=env)
    try:
        seconds, out = timed(cluster_sh, "up", env=env)
        kubeconfig = out.strip().splitlines()[-1]
        print(f"cluster boot (kwokctl create + AKS shape + real node and CoreDNS, nodes Ready): {seconds:.1f} s")
        real_node_figures(kubeconfig, helm)
        print("helm install --wait to all pods Ready (kwok pools):")
        install_figures(kubeconfig, helm)
        if not opts.no_fleet:
            fleet_figures(kubeconfig, helm)
        if opts.smoke:
            smoke_env = dict(env, KUBECONFIG=kubeconfig, HELM_BIN=helm)
            pytest = (sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/smoke")
            seconds, _ = timed(*pytest, env=smoke_env)
            print(f"smoke tier (pytest tests/smoke): {seconds:.1f} s")
    finally:
        run(cluster_sh, "down", env=env)


if __name__ == "__main__":
    main()
