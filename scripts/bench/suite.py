#!/usr/bin/env python3
"""Time the README's two commands the way a newcomer runs them and print the wall time of each nox session and of
the whole run. Figures only: nothing here asserts on time.

    python3 scripts/bench/suite.py                        # one warm run of the test command in this checkout
    python3 scripts/bench/suite.py --fresh                # clone HEAD into a scratch directory: cold, then warm
    python3 scripts/bench/suite.py --fresh --cold-caches --main-job prod-gpu --record
                                                          # a fresh machine: the main job, then the test command
    python3 scripts/bench/suite.py --fresh --edit         # ... then a one-line template change, run again
    python3 scripts/bench/suite.py --warm 2 -- -s render  # nox arguments after `--` (default: the default set)

Runs:
- **main job** (`--main-job ENV`): `python3 -m nox -s deploy -- ENV`, the README's first command, before anything
  else; its cluster keeps running while the test command runs, as it does for a newcomer, and is removed at the end.
- **cold**: a fresh clone (`--fresh`): no nox virtualenvs, no .tools/, no .cache/ (helm, kubectl, the cluster
  binaries are installed or built by the commands themselves). With `--cold-caches` the Go build and module caches
  and pip's cache are empty directories of their own as well, as on a fresh machine; without it they are the
  machine's (the figure says which).
- **warm**: the same checkout again, nothing changed.
- **edit**: a developer's loop: one line added to a chart template (a template comment, so the rendered output and
  every expectation stay the same, but every input digest of a render changes), then the suite again. The template
  is restored afterwards.

Per-session seconds come from nox's own report (`--report`). `--record` saves the figures to
docs/benchmarks/suite.json, which `nox -s generate` turns into the README's tables. Needs only the standard library
and nox (installed by the command itself).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # harness.figures: standard library only, usable before any virtualenv

from harness.figures import Figures  # noqa: E402

INSTALL_NOX = (sys.executable, "-m", "pip", "install", "--quiet", "nox==2026.10.20")
EDITED_TEMPLATE = Path("charts/ai-inference/templates/deployment.yaml")
EDIT_LINE = "{{- /* edited by scripts/bench/suite.py: renders nothing */ -}}\n"


Report = dict[str, Any]


def nox(checkout: Path, label: str, args: list[str], log_dir: Path, env: dict[str, str]) -> tuple[float, Report, int]:
    """`python3 -m nox ARGS` in `checkout` (output in <log_dir>/<label>.log): wall seconds, nox's report, exit
    status."""
    report, log = log_dir / f"{label}.json", log_dir / f"{label}.log"
    print(f"[{label}] python3 -m nox {' '.join(args)} in {checkout} (log: {log})", flush=True)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        subprocess.run(INSTALL_NOX, cwd=checkout, stdout=out, stderr=subprocess.STDOUT, env=env, check=True)
        cmd = [sys.executable, "-m", "nox", "--report", str(report), *args]
        proc = subprocess.run(cmd, cwd=checkout, stdout=out, stderr=subprocess.STDOUT, env=env, check=False)
    wall = time.perf_counter() - started
    data = json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}
    if proc.returncode != 0:
        print(f"[{label}] exit status {proc.returncode}: see {log}", flush=True)
    return wall, data, proc.returncode


def record_run(figures: Figures, section: str, wall: float, report: Report) -> None:
    """One figure per session of a nox report (a failed one says so), and the whole run."""
    for entry in report.get("sessions", []):
        name = (entry.get("signatures") or [entry["name"]])[0]
        failed = "" if entry.get("result") == "success" else f" ({entry.get('result')})"
        figures.add(section, f"`nox -s {name}`{failed}", float(entry.get("duration", 0.0)) / 60, "min")
    figures.add(section, "the whole command", wall / 60, "min")


def cold_cache_env(scratch: Path) -> dict[str, str]:
    """Empty Go build, Go module and pip caches of their own: a fresh machine's."""
    caches = {"GOCACHE": "go-build", "GOMODCACHE": "go-mod", "PIP_CACHE_DIR": "pip"}
    for sub in caches.values():
        (scratch / sub).mkdir(parents=True, exist_ok=True)
    return {key: str(scratch / sub) for key, sub in caches.items()}


def fresh_clone(source: Path) -> Path:
    """Clone `source`'s HEAD into a new scratch directory."""
    target = Path(tempfile.mkdtemp(prefix="bench-suite-"))
    subprocess.run(["git", "clone", "--quiet", str(source), str(target)], check=True)
    return target


def remove_clusters(checkout: Path, env: dict[str, str]) -> None:
    """Take down what the runs left running in `checkout`: the main job's cluster (and the suite's, if kept)."""
    for name in ("ai-inference", "ai-inference-smoke"):
        cluster_env = dict(env, KWOK_CLUSTER_NAME=name)
        subprocess.run(["bash", "scripts/cluster/cluster.sh", "down"], cwd=checkout, env=cluster_env, check=False,
                       capture_output=True)  # fmt: skip


def run_all(args: argparse.Namespace, checkout: Path, env: dict[str, str], figures: Figures, log_dir: Path) -> int:
    """The runs the options ask for, in order; returns the worst exit status."""
    caches = "empty caches" if args.cold_caches else "the machine's Go and pip caches"
    where = f"fresh clone, {caches}" if args.fresh else "this checkout, warm"
    statuses = [0]
    if args.main_job:
        wall, _, status = nox(checkout, "main-job", ["-s", "deploy", "--", args.main_job], log_dir, env)
        section = "first-run" if args.fresh else "warm"
        figures.add(section, f"main job `nox -s deploy -- {args.main_job}` ({where})", wall / 60, "min")
        statuses.append(status)
    if args.fresh:
        wall, report, status = nox(checkout, "cold", args.nox_args, log_dir, env)
        record_run(figures, "first-run", wall, report)
        statuses.append(status)
    for i in range(args.warm):
        wall, report, status = nox(checkout, f"warm{i + 1}", args.nox_args, log_dir, env)
        record_run(figures, "warm", wall, report)
        statuses.append(status)
    if args.edit:
        path = checkout / EDITED_TEMPLATE
        original = path.read_text(encoding="utf-8")
        path.write_text(original + EDIT_LINE, encoding="utf-8")
        try:
            wall, report, status = nox(checkout, "edit", args.nox_args, log_dir, env)
            record_run(figures, "edit", wall, report)
            statuses.append(status)
        finally:
            path.write_text(original, encoding="utf-8")
    return max(statuses)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to time (or to clone with --fresh)")
    parser.add_argument("--fresh", action="store_true", help="clone the source first and time a cold run too")
    parser.add_argument("--cold-caches", action="store_true", help="with --fresh: empty Go and pip caches too")
    parser.add_argument("--main-job", metavar="ENV", help="run `nox -s deploy -- ENV` first")
    parser.add_argument("--keep", action="store_true", help="keep the fresh clone")
    parser.add_argument("--warm", type=int, default=1, help="warm runs (default 1)")
    parser.add_argument("--edit", action="store_true", help="then a one-line template change and one more run")
    parser.add_argument("--record", action="store_true", help="save the figures to docs/benchmarks/suite.json")
    parser.add_argument("--logs", type=Path, default=None, help="directory for the logs and nox reports")
    parser.add_argument("nox_args", nargs="*", help="arguments for nox (after --)")
    args = parser.parse_args(argv)
    log_dir = args.logs or Path(tempfile.mkdtemp(prefix="bench-suite-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    checkout = fresh_clone(args.source.resolve()) if args.fresh else args.source.resolve()
    env = dict(os.environ)
    if args.cold_caches:
        env.update(cold_cache_env(log_dir / "caches"))
    figures = Figures("suite")
    print(f"cores: {os.cpu_count()}, load average before the first run: {os.getloadavg()[0]:.1f}")
    try:
        status = run_all(args, checkout, env, figures, log_dir)
    finally:
        remove_clusters(checkout, env)
        if args.fresh and not args.keep:
            shutil.rmtree(checkout, ignore_errors=True)
        if args.cold_caches:  # the module cache is read-only: go removes it
            subprocess.run(["go", "clean", "-modcache"], env=env, check=False, capture_output=True)
            shutil.rmtree(log_dir / "caches", ignore_errors=True)
    if args.record:
        print(f"recorded in {figures.save().relative_to(ROOT)}")
    print(f"logs: {log_dir}")
    return status


if __name__ == "__main__":
    sys.exit(main())
