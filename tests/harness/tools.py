"""Finding and running the command-line tools of the tiers.

`helm_binary()` is the one place that decides which helm runs: every render, lint, install and benchmark asks it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness.errors import CommandFailed, ToolNotFound
from harness.paths import REPO_ROOT, TOOLS_BIN

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

HELMS = ("helm3", "helm4")
DEFAULT_HELM = "helm4"


def tool(name: str) -> Path:
    """A tool by name: `$<NAME>_BIN` (e.g. HELM3_BIN, KUBE_SCORE_BIN), else `.tools/bin/<name>`, else PATH."""
    if found := os.environ.get(name.upper().replace("-", "_") + "_BIN"):
        return Path(found)
    candidate = TOOLS_BIN / name
    if candidate.exists():
        return candidate
    if found := shutil.which(name):
        return Path(found)
    msg = f"{name} not found in {TOOLS_BIN} or on PATH: the nox sessions install it (scripts/install_*tools.py)"
    raise ToolNotFound(msg)


def helm_binary(name: str | None = None) -> Path:
    """The helm to run. `name` ("helm3" or "helm4") picks that major version; without it, `$HELM_BIN` (what the
    nox sessions set) or else helm 4."""
    if name is None:
        if found := os.environ.get("HELM_BIN"):
            return Path(found)
        name = DEFAULT_HELM
    return tool(name)


def run(
    args: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
    check: bool = True,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command and capture its output; with `check`, a non-zero exit raises `CommandFailed` with both streams."""
    cmd = [str(arg) for arg in args]
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=dict(env) if env is not None else None,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode != 0:
        raise CommandFailed(cmd, proc.returncode, proc.stdout, proc.stderr)
    return proc


def run_script(script: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run `scripts/<script>` (e.g. "generate/generate.py") with this Python (which has the harness installed); the
    caller checks the exit code. Drift checks run the generator itself with `--check`, so the check and the generator
    cannot disagree."""
    return run([sys.executable, REPO_ROOT / "scripts" / script, *args], cwd=REPO_ROOT, check=False)
