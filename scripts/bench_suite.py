#!/usr/bin/env python3
"""Time the whole test suite the way CI runs it (`python3 -m nox`, the README's test command) and print the wall
time of each nox session and of the whole run. Figures only: nothing here asserts on time.

    python3 scripts/bench_suite.py                        # one warm run in this checkout
    python3 scripts/bench_suite.py --fresh                # clone HEAD into a scratch directory: cold, then warm
    python3 scripts/bench_suite.py --fresh --edit         # ... then a one-line template change, run again
    python3 scripts/bench_suite.py --warm 2 -- -s render  # nox arguments after `--` (default: the default set)

Runs:
- **cold**: a fresh clone (`--fresh`): no nox virtualenvs, no .tools/ (helm, kubectl, the cluster binaries are
  installed or built by the suite itself). Package and Go build caches of the user (pip's, uv's, Go's) are whatever
  the machine has; the figure says so.
- **warm**: the same checkout again, nothing changed.
- **edit**: a developer's loop: one line added to a chart template (a template comment, so the rendered output and
  every expectation stay the same, but every input digest of a render changes), then the suite again. The template
  is restored afterwards.

Per-session seconds come from nox's own report (`--report`); with sessions running in parallel their sum is more
than the wall time. Under the table, each render session's line of render statistics (unique inputs, how many
were read from the disk cache, seconds in helm) from its log. Needs only the standard library and nox (installed
by the command itself).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RENDER_STATS = re.compile(r"^render stats .*$", re.MULTILINE)
INSTALL_NOX = (sys.executable, "-m", "pip", "install", "--quiet", "nox==2026.10.20")
EDITED_TEMPLATE = Path("charts/ai-inference/templates/deployment.yaml")
EDIT_LINE = "{{- /* edited by scripts/bench_suite.py: renders nothing */ -}}\n"


@dataclass
class Run:
    """One `python3 -m nox`: its label, wall seconds, exit status and per-session seconds."""

    label: str
    wall: float
    status: int
    sessions: dict[str, float] = field(default_factory=dict)
    results: dict[str, str] = field(default_factory=dict)
    render_stats: list[str] = field(default_factory=list)


def run_suite(checkout: Path, label: str, nox_args: list[str], log_dir: Path) -> Run:
    """Run the README's test command in `checkout`; its output goes to <log_dir>/<label>.log."""
    report = log_dir / f"{label}.json"
    log = log_dir / f"{label}.log"
    print(f"[{label}] python3 -m nox {' '.join(nox_args)} in {checkout} (log: {log})", flush=True)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        subprocess.run(INSTALL_NOX, cwd=checkout, stdout=out, stderr=subprocess.STDOUT, check=True)
        cmd = [sys.executable, "-m", "nox", "--report", str(report), *nox_args]
        proc = subprocess.run(cmd, cwd=checkout, stdout=out, stderr=subprocess.STDOUT, check=False)
    wall = time.perf_counter() - started
    run = Run(label, wall, proc.returncode)
    run.render_stats = RENDER_STATS.findall(log.read_text(encoding="utf-8", errors="replace"))
    if report.is_file():
        for entry in json.loads(report.read_text(encoding="utf-8")).get("sessions", []):
            name = entry.get("signatures", [entry["name"]])[0] if entry.get("signatures") else entry["name"]
            run.sessions[name] = float(entry.get("duration", 0.0))
            run.results[name] = str(entry.get("result"))
    return run


def edit_template(checkout: Path) -> str:
    """Add one line to a chart template; returns the original text (to restore)."""
    path = checkout / EDITED_TEMPLATE
    original = path.read_text(encoding="utf-8")
    path.write_text(original + EDIT_LINE, encoding="utf-8")
    return original


def print_table(runs: list[Run]) -> None:
    """Seconds per session (rows) and run (columns), then the wall time of each run."""
    names: list[str] = []
    for run in runs:
        names += [n for n in run.sessions if n not in names]
    width = max([len(n) for n in names] + [12])
    print(f"\n{'session':<{width}} " + " ".join(f"{r.label:>10}" for r in runs))
    for name in names:
        cells = []
        for run in runs:
            seconds = run.sessions.get(name)
            mark = "" if run.results.get(name, "success") == "success" else "!"
            cells.append(f"{seconds:9.1f}{mark or ' '}" if seconds is not None else f"{'-':>10}")
        print(f"{name:<{width}} " + " ".join(cells))
    print(f"{'wall (whole run)':<{width}} " + " ".join(f"{r.wall:9.1f} " for r in runs))
    print(f"{'exit status':<{width}} " + " ".join(f"{r.status:>9} " for r in runs))
    for run in runs:
        print(f"[{run.label}]", *run.render_stats, sep="\n  ")
    print(f"cores: {os.cpu_count()}, load average before the first run: {LOAD_BEFORE}")
    print("seconds per session from nox's report; '!' marks a session that did not succeed")


LOAD_BEFORE = " ".join(f"{x:.1f}" for x in os.getloadavg())


def fresh_clone(source: Path, keep: bool) -> Path:
    """Clone `source`'s HEAD into a new scratch directory."""
    target = Path(tempfile.mkdtemp(prefix="bench-suite-"))
    subprocess.run(["git", "clone", "--quiet", str(source), str(target)], check=True)
    if not keep:
        print(f"fresh clone in {target} (removed at the end; --keep keeps it)")
    return target


def remove_clone(checkout: Path) -> None:
    """Tear down what a clone may leave running (its local cluster), then delete it."""
    if (checkout / ".tools" / "kwok").exists():
        subprocess.run(["bash", "scripts/cluster.sh", "down"], cwd=checkout, check=False, capture_output=True)
    shutil.rmtree(checkout, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=ROOT, help="the checkout to time (or to clone with --fresh)")
    parser.add_argument("--fresh", action="store_true", help="clone the source first and time a cold run too")
    parser.add_argument("--keep", action="store_true", help="keep the fresh clone")
    parser.add_argument("--warm", type=int, default=1, help="warm runs (default 1)")
    parser.add_argument("--edit", action="store_true", help="then a one-line template change and one more run")
    parser.add_argument("--logs", type=Path, default=None, help="directory for the logs and nox reports")
    parser.add_argument("nox_args", nargs="*", help="arguments for nox (after --)")
    args = parser.parse_args(argv)
    log_dir = args.logs or Path(tempfile.mkdtemp(prefix="bench-suite-logs-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    checkout = fresh_clone(args.source.resolve(), args.keep) if args.fresh else args.source.resolve()
    runs: list[Run] = []
    try:
        if args.fresh:
            runs.append(run_suite(checkout, "cold", args.nox_args, log_dir))
        runs += [run_suite(checkout, f"warm{i + 1}", args.nox_args, log_dir) for i in range(args.warm)]
        if args.edit:
            original = edit_template(checkout)
            try:
                runs.append(run_suite(checkout, "edit", args.nox_args, log_dir))
            finally:
                (checkout / EDITED_TEMPLATE).write_text(original, encoding="utf-8")
    finally:
        if args.fresh and not args.keep:
            remove_clone(checkout)
    print_table(runs)
    print(f"logs: {log_dir}")
    return max((r.status for r in runs), default=0)


if __name__ == "__main__":
    sys.exit(main())
