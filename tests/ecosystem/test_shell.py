"""The project's shell scripts (scripts/**/*.sh, .ci/run) pass `bash -n` and shellcheck. The kind script cannot run
here (no Docker engine), so this is what keeps it honest."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from harness.paths import REPO_ROOT
from harness.tools import run

if TYPE_CHECKING:
    from pathlib import Path

SCRIPTS = sorted([*REPO_ROOT.glob("scripts/**/*.sh"), REPO_ROOT / ".ci" / "run"])


def test_scripts_found() -> None:
    assert REPO_ROOT / "scripts" / "cluster" / "kind.sh" in SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_shell_script_is_clean(script: Path) -> None:
    syntax = run(["bash", "-n", str(script)], check=False)
    assert syntax.returncode == 0, syntax.stderr
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.fail("shellcheck is not installed: run python3 scripts/install/go_tools.py shellcheck (as root)")
    lint = run([shellcheck, "--shell=bash", "--severity=style", str(script)], check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_shellcheck_catches_a_broken_script(tmp_path: Path) -> None:
    broken = tmp_path / "broken.sh"
    broken.write_text("#!/usr/bin/env bash\nfor f in $(ls *.yaml); do echo $f; done\n")
    assert run(["shellcheck", str(broken)], check=False).returncode != 0
