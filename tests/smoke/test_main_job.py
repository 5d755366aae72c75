"""The README's main job on the tier's cluster, beside the tier's own releases.

`nox -s deploy -- prod-gpu` runs scripts/deploy.py against the local cluster it keeps running. Here the same script
installs the same values file into the tier's cluster while the other tests install theirs (pytest-xdist runs them
at the same time), and every release still gets its GPUs: the pools are sized from what the tier installs plus spare
nodes (tests/smoke/pools.py), so one more GPU release starves none. The suite itself brings up a cluster of its own
(noxfile.py), so a main job's cluster left running never shares capacity with it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest
from harness.paths import REPO_ROOT, VALUES_DIR
from harness.render import load_values_file
from harness.tools import run

from .kube import GPU_POOL, Kube

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.smoke

ENV = "prod-gpu"
NAMESPACE = f"ai-inference-{ENV}"  # where scripts/deploy.py installs it


def test_main_job_lands_on_the_gpu_pool(kube: Kube) -> None:
    deploy: list[str | Path] = [
        sys.executable,
        REPO_ROOT / "scripts" / "deploy.py",
        ENV,
        "--kubeconfig",
        kube.kubeconfig,
    ]
    try:
        proc = run(deploy, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        lines = proc.stdout.splitlines()
        header = next(i for i, line in enumerate(lines) if line.split()[:4] == ["POD", "PHASE", "NODE", "POOL"])
        pods = lines[header + 1 :]
        assert len(pods) == load_values_file(VALUES_DIR / f"{ENV}.yaml")["replicaCount"], proc.stdout
        for line in pods:
            _, phase, _, pool, *_ = line.split()
            assert (phase, pool) == ("Running", GPU_POOL), line
    finally:
        kube.delete_namespace(NAMESPACE)
