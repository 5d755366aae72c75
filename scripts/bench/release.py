#!/usr/bin/env python3
"""Figures of what the release adds to the tiers: building cosign, and running the release tests.

  1. `build` (with --cold): cosign's build at scripts/install/go_tools.py's pin into an empty temporary GOCACHE and
     GOMODCACHE, what a fresh machine does (every module downloaded from the Go proxy, every package compiled): wall
     minutes, and CPU minutes (user + system of the build), which do not grow when other work shares the machine;
  2. `warm`: the same build with the machine's Go caches into an empty bin directory (a relink), and the installer's
     no-op when .tools/bin/cosign is current (what every later session pays);
  3. `tests` (with --tests): tests/ecosystem/test_release.py and tests/render/test_editor_schema.py, each run twice
     (the second with every cache warm). The smoke tier's test_verified_install.py needs a cluster:
     `nox -s smoke -- -k verified_install --durations=0` times it.

`--record` saves the figures to docs/benchmarks/release.json (sections not measured keep their record), which
`nox -s generate` turns into the tables of README.md. Run it with a Python that has the harness installed,
e.g. `.nox/ecosystem/bin/python scripts/bench/release.py --cold --tests --record`. No figure is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.figures import Figures
from harness.paths import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts" / "install"))
from go_tools import GO_TOOLS  # scripts/install is a script folder, not a package

COSIGN = GO_TOOLS["cosign"]
INSTALLER = [sys.executable, str(REPO_ROOT / "scripts" / "install" / "go_tools.py"), "cosign", "--no-apt"]


def measured(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and its children); exits on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(args, env=env, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def go_install(caches: dict[str, str]) -> tuple[float, float]:
    go = shutil.which("go")
    if go is None:
        sys.exit("go is not on PATH")
    with tempfile.TemporaryDirectory(prefix="bench-cosign-") as tmp:
        env = {**os.environ, "GOBIN": tmp, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod", **caches}
        return measured([go, "install", COSIGN.wanted], env)


def cold_figures(figures: Figures) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-go-") as tmp:
        wall, cpu = go_install({"GOCACHE": f"{tmp}/cache", "GOMODCACHE": f"{tmp}/mod"})
        subprocess.run(["chmod", "-R", "u+w", tmp], check=False)  # Go writes its module cache read-only
    figures.add("build", f"cosign {COSIGN.version}, empty Go caches: wall", wall / 60, "min")
    figures.add("build", f"cosign {COSIGN.version}, empty Go caches: CPU (user + system)", cpu / 60, "min")
    figures.add("build", "load average (1 min) at the end, on this machine's 2 cores", os.getloadavg()[0], "")


def warm_figures(figures: Figures) -> None:
    wall, _ = go_install({})
    figures.add("warm", f"cosign {COSIGN.version}, the machine's Go caches: relink", wall)
    measured(INSTALLER)  # installs it when missing, so that the next run is the no-op
    wall, _ = measured(INSTALLER)
    figures.add("warm", "scripts/install/go_tools.py cosign, installed: no-op", wall)


def test_figures(figures: Figures) -> None:
    for tests in ("tests/ecosystem/test_release.py", "tests/render/test_editor_schema.py"):
        for attempt in ("first run", "second run"):
            args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:helm-charts", tests]
            wall, _ = measured(args)
            figures.add("tests", f"`{Path(tests).name}`, {attempt}", wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cold", action="store_true", help="also build cosign with empty Go caches (minutes)")
    parser.add_argument("--tests", action="store_true", help="also time the release and editor-schema tests")
    parser.add_argument("--record", action="store_true", help="save the figures to docs/benchmarks/release.json")
    args = parser.parse_args()
    figures = Figures("release")
    if args.cold:
        cold_figures(figures)
    warm_figures(figures)
    if args.tests:
        test_figures(figures)
    if args.record:
        print(f"recorded in {figures.save().relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
