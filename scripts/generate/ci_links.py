#!/usr/bin/env python3
"""Make charts/ai-inference/ci/ mirror values/: one relative symlink `<env>-values.yaml -> ../../../values/<env>.yaml`
per values file, the scenario layout chart-testing (ct) expects. values/ stays the one source of truth: the symlinks
carry no content, and tests/ecosystem/test_ci_values.py fails when the two disagree.

    python3 scripts/generate/ci_links.py           # create missing links, remove stale ones
    python3 scripts/generate/ci_links.py --check   # report differences, exit 1 when there are any
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness.paths import CHART_DIR, VALUES_DIR, chart_values_files

CI_DIR = CHART_DIR / "ci"
SUFFIX = "-values.yaml"


def expected_links() -> dict[str, str]:
    """ci/ file name -> the relative link target it must have."""
    rel = Path(os.path.relpath(VALUES_DIR, CI_DIR))
    return {f"{values.stem}{SUFFIX}": str(rel / values.name) for values in chart_values_files()}


def differences() -> list[str]:
    """Human-readable differences between ci/ and values/ (empty when they agree)."""
    wanted = expected_links()
    problems: list[str] = []
    present = {p.name: p for p in CI_DIR.iterdir()} if CI_DIR.is_dir() else {}
    for name, target in wanted.items():
        link = present.get(name)
        if link is None:
            problems.append(f"missing: ci/{name} -> {target}")
        elif not link.is_symlink():
            problems.append(f"not a symlink (a copy drifts): ci/{name}")
        elif os.readlink(link) != target:
            problems.append(f"wrong target: ci/{name} -> {os.readlink(link)} (want {target})")
    problems.extend(f"stale: ci/{name} has no values/ file" for name in sorted(set(present) - set(wanted)))
    return problems


def sync() -> None:
    CI_DIR.mkdir(exist_ok=True)
    wanted = expected_links()
    for path in CI_DIR.iterdir():
        if path.name not in wanted or not path.is_symlink() or os.readlink(path) != wanted[path.name]:
            path.unlink()
    for name, target in wanted.items():
        link = CI_DIR / name
        if not link.is_symlink():
            link.symlink_to(target)


def main(argv: list[str]) -> int:
    if "--check" in argv:
        problems = differences()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    sync()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
