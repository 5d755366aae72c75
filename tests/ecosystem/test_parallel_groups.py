"""The cluster tier's parallel run keeps its groups together: under pytest-xdist's `--dist loadgroup` (what
`nox -s smoke` passes), every test of one xdist group runs on one worker. Without a cluster every smoke test is
skipped, so this runs the tier's real collection and hooks in seconds and reads which worker took which test."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict

from harness.paths import REPO_ROOT

# A module of kubelet tests (group realnode, given by tests/smoke/conftest.py) and one with a module-level group.
MODULES = ("tests/smoke/test_realnode.py", "tests/smoke/test_adopt_realnode.py", "tests/smoke/test_gateway.py")
REPORT = re.compile(r"^\[(gw\d+)\] .*? (?:PASSED|SKIPPED|FAILED|ERROR) (tests/smoke/(\w+)\.py::\S+)", re.MULTILINE)


def _workers_per_module() -> dict[str, set[str]]:
    argv = [sys.executable, "-m", "pytest", *MODULES, "-n", "3", "--dist", "loadgroup", "-v", "-p", "no:cacheprovider"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO_ROOT)}
    out = subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False).stdout
    workers: dict[str, set[str]] = defaultdict(set)
    for worker, _test, module in REPORT.findall(out):
        workers[module].add(worker)
    assert set(workers) == {m.rsplit("/", 1)[1].removesuffix(".py") for m in MODULES}, out[-3000:]
    return workers


def test_each_group_runs_on_one_worker() -> None:
    workers = _workers_per_module()
    kubelet = workers["test_realnode"] | workers["test_adopt_realnode"]
    assert len(kubelet) == 1, f"the real node's tests ran on several workers at once: {sorted(kubelet)}"
    assert len(workers["test_gateway"]) == 1, f"a module's group was split: {sorted(workers['test_gateway'])}"
