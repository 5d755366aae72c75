#!/usr/bin/env python3
"""Benchmark the render tier against raw helm, for helm 3 and helm 4.

    python scripts/bench/render_tier.py            # raw helm medians + one full render-tier run per helm
    python scripts/bench/render_tier.py --raw-only

Prints, per helm binary:
- the median wall time of one raw `helm template` of the chart's default values (`--runs` runs; the harness's own
  command line, run without its cache or YAML parsing),
- the number of unique renders the render tier performed and the time they spent inside helm (recorded by
  tests/conftest.py in the pytest cache, `.pytest_cache/v/render/stats/<helm>`),
- the render tier's wall time (`pytest tests/render`),
so the harness's overhead over raw helm (`tier wall - unique renders x raw median / workers`) is visible.
Nothing here asserts on time. Run it with a Python that has the harness installed
(e.g. .nox/render-helm-helm4/bin/python).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from harness.errors import ToolNotFound
from harness.paths import REPO_ROOT
from harness.render import Renderer, RenderRequest
from harness.tools import HELMS, helm_binary

if TYPE_CHECKING:
    from pathlib import Path


def raw_median_ms(renderer: Renderer, runs: int) -> float:
    """Median milliseconds of `helm template` of the default values (after one warm-up run)."""
    request = RenderRequest.make(release="bench", namespace="bench")
    renderer.run_helm(request).check_returncode()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        renderer.run_helm(request).check_returncode()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run_tier(helm: Path) -> tuple[float, int, dict[str, float]]:
    """Run the render tier with `helm`; return (wall seconds, exit status, recorded stats)."""
    env = {**os.environ, "HELM_BIN": str(helm)}
    cmd = [sys.executable, "-m", "pytest", "tests/render", "-q", "-p", "no:helm-charts"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    stats_file = REPO_ROOT / ".pytest_cache" / "v" / "render" / "stats" / helm.name
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.is_file() else {}
    if proc.returncode != 0:
        print(proc.stdout[-2000:], proc.stderr[-2000:], sep="\n", file=sys.stderr)
    return wall, proc.returncode, stats


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description="render tier vs raw helm timings")
    parser.add_argument("--runs", type=int, default=15, help="raw helm runs per binary (median reported)")
    parser.add_argument("--raw-only", action="store_true", help="skip the render-tier runs")
    args = parser.parse_args(argv)
    status = 0
    print(f"cores: {os.cpu_count()}")
    for name in HELMS:
        try:
            helm = helm_binary(name)
        except ToolNotFound as err:
            print(f"{name}: {err}")
            status = 1
            continue
        renderer = Renderer(helm)
        try:
            median = raw_median_ms(renderer, args.runs)
            print(f"{name} ({renderer.helm_version()}): raw `helm template` of default values, median {median:.0f} ms")
        finally:
            renderer.close()
        if args.raw_only:
            continue
        wall, code, stats = run_tier(helm)
        unique = int(stats.get("unique", 0))
        in_helm = float(stats.get("helm_seconds", 0.0))
        print(
            f"{name}: render tier wall {wall:.1f} s (exit {code}); {unique} unique renders "
            f"({int(stats.get('failures', 0))} expected failures), {int(stats.get('hits', 0))} cache hits, "
            f"{in_helm:.1f} s inside helm (summed over threads)"
        )
        if unique:
            serial = unique * median / 1000
            print(
                f"{name}: raw-helm cost of those renders run serially {serial:.1f} s; "
                f"harness + assertions overhead over that: {wall - serial:+.1f} s"
            )
        status = status or code
    return status


if __name__ == "__main__":
    sys.exit(main())
