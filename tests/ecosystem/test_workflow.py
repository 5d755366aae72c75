"""The users' chart-CI workflow (.github/workflows/chart-ci.yaml) cannot run here: actionlint checks it instead,
with shellcheck on its `run:` scripts when shellcheck is installed (scripts/install/go_tools.py installs it)."""

from __future__ import annotations

import re
import shutil
from typing import TYPE_CHECKING

import pytest
import yaml
from harness.paths import REPO_ROOT
from harness.tools import run, tool

if TYPE_CHECKING:
    from pathlib import Path

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "chart-ci.yaml"


def actionlint(path: Path) -> tuple[int, str]:
    shellcheck = shutil.which("shellcheck") or ""
    proc = run([tool("actionlint"), "-no-color", f"-shellcheck={shellcheck}", str(path)], cwd=REPO_ROOT, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_actionlint_passes() -> None:
    code, output = actionlint(WORKFLOW)
    assert code == 0, f"actionlint found problems in {WORKFLOW.relative_to(REPO_ROOT)}:\n{output}"


def test_shellcheck_is_used() -> None:
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is not installed: run python3 scripts/install/go_tools.py shellcheck (as root)")


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "chart-ci.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text(WORKFLOW.read_text().replace("runs-on: ubuntu-24.04", "runs-on: [ubuntu-24.04", 1))
    assert actionlint(broken)[0] != 0


def test_actions_are_pinned() -> None:
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(\S+)", WORKFLOW.read_text(), re.MULTILINE)
    assert uses
    unpinned = [u for u in uses if not re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})", u)]
    assert not unpinned, f"pin actions to a full version or a commit: {unpinned}"


def test_workflow_runs_the_tiers() -> None:
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    assert jobs["render"]["strategy"]["matrix"]["helm"] == ["helm3", "helm4"]
    scripts = {name: "\n".join(s.get("run", "") for s in job["steps"]) for name, job in jobs.items()}
    assert "nox -s lint" in scripts["lint"]
    assert "nox -s ecosystem" in scripts["ecosystem"]
    assert "scripts/cluster/kind.sh up" in scripts["smoke-kind"]
    assert "nox -s smoke" in scripts["smoke-kind"]


def test_release_job_publishes_signed_on_a_release_tag() -> None:
    """On a tag ai-inference-<version>, after every tier passed: publish.py keyless, with the OIDC token it needs."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    push = workflow[True]["push"]  # YAML 1.1 reads the key `on` as true
    assert push["tags"] == ["ai-inference-*"]
    job = workflow["jobs"]["release"]
    assert job["if"] == "startsWith(github.ref, 'refs/tags/ai-inference-')"
    assert set(job["needs"]) == {"lint", "render", "ecosystem", "smoke-kind"}
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert 'nox -s release -- "oci://$ACR_NAME.azurecr.io/helm" --tag "$GITHUB_REF_NAME" --keyless' in script
