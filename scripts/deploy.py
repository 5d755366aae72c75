#!/usr/bin/env python3
"""Install the chart for one environment and show where each pod landed.

    python scripts/deploy.py prod-gpu --kubeconfig <path>     # values/prod-gpu.yaml (default: dev)
    python scripts/deploy.py dev --real-node --kubeconfig <path>   # on the local cluster's real node

`helm upgrade --install` of values/<env>.yaml as release `ai-inference` into namespace `ai-inference-<env>` (created
and labelled to enforce Pod Security "restricted"), waiting for the pods; then one line per pod: phase, node, node
pool (the node's `kubernetes.azure.com/agentpool` label) and, on a real node, the container's state. `--real-node`
adds tests/smoke/realnode-values.yaml (the stand-in model server on the real pool; CPU values files).
`nox -s deploy -- <env>` runs this against $KUBECONFIG or the local kwok cluster it brings up. Needs the harness
package (the nox session installs it).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from harness.errors import CommandFailed
from harness.paths import CHART_DIR, REPO_ROOT, chart_values_files
from harness.tools import helm_binary, run, tool

if TYPE_CHECKING:
    from pathlib import Path

RELEASE = "ai-inference"
AGENTPOOL = "kubernetes.azure.com/agentpool"
REAL_NODE_OVERLAY = REPO_ROOT / "tests" / "smoke" / "realnode-values.yaml"
PSS = [f"pod-security.kubernetes.io/{mode}=restricted" for mode in ("enforce", "warn", "audit")]


def kubectl(kubeconfig: str, *args: str) -> str:
    return run([tool("kubectl"), "--kubeconfig", kubeconfig, *args]).stdout


def ensure_namespace(kubeconfig: str, namespace: str) -> None:
    """The namespace, enforcing Pod Security "restricted" (created when missing)."""
    found = run([tool("kubectl"), "--kubeconfig", kubeconfig, "get", "namespace", namespace, "-o", "name"], check=False)
    if not found.stdout.strip().startswith("namespace/"):
        kubectl(kubeconfig, "create", "namespace", namespace)
    kubectl(kubeconfig, "label", "namespace", namespace, *PSS, "--overwrite")


def container_status(pod: dict[str, Any], simulated: bool) -> str:
    """What the kubelet reports for a pod's first container: state, readiness, restarts ("simulated" on kwok nodes,
    where no container runs)."""
    if simulated:
        return "simulated (kwok)"
    status = (pod["status"].get("containerStatuses") or [{}])[0]
    state = next(iter(status.get("state") or {"-": {}}))
    reason = (status.get("state") or {}).get(state, {}).get("reason", "")
    ready = "ready" if status.get("ready") else "not ready"
    return f"{state}{f' ({reason})' if reason else ''}, {ready}, restarts {status.get('restartCount', 0)}"


def pod_lines(kubeconfig: str, namespace: str) -> list[str]:
    """`POD PHASE NODE POOL CONTAINER` for every pod of the release."""
    nodes: list[dict[str, Any]] = json.loads(kubectl(kubeconfig, "get", "nodes", "-o", "json"))["items"]
    by_name = {n["metadata"]["name"]: n["metadata"] for n in nodes}
    selector = f"app.kubernetes.io/instance={RELEASE}"
    pods = json.loads(kubectl(kubeconfig, "get", "pods", "-n", namespace, "-l", selector, "-o", "json"))["items"]
    lines = [f"{'POD':<44} {'PHASE':<10} {'NODE':<34} {'POOL':<9} CONTAINER"]
    for pod in pods:
        node = pod["spec"].get("nodeName", "-")
        meta = by_name.get(node, {})
        pool = meta.get("labels", {}).get(AGENTPOOL, "-")
        simulated = meta.get("annotations", {}).get("kwok.x-k8s.io/node") == "fake" or node == "-"
        phase = pod["status"].get("phase", "?")
        status = container_status(pod, simulated)
        lines.append(f"{pod['metadata']['name']:<44} {phase:<10} {node:<34} {pool:<9} {status}")
    return lines


def main(argv: list[str]) -> int:
    environments = {path.stem: path for path in chart_values_files()}
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("env", nargs="?", default="dev", choices=sorted(environments), help="a file stem of values/")
    parser.add_argument("--real-node", action="store_true", help="add tests/smoke/realnode-values.yaml")
    parser.add_argument("--kubeconfig", required=True)
    args = parser.parse_args(argv)
    namespace = f"ai-inference-{args.env}"
    overlays = [REAL_NODE_OVERLAY] if args.real_node else []
    values = [arg for path in (environments[args.env], *overlays) for arg in ("--values", path)]
    helm: list[str | Path] = [helm_binary(), "upgrade", "--install", RELEASE, CHART_DIR, *values]
    try:
        ensure_namespace(args.kubeconfig, namespace)
        run([*helm, "-n", namespace, "--kubeconfig", args.kubeconfig, "--wait", "--timeout", "180s"])
        print("\n".join(pod_lines(args.kubeconfig, namespace)))
    except CommandFailed as err:
        print(err, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
