"""The steps of `ct lint` (chart-testing), run with the settings of ct.yaml.

ct lint runs, per changed chart: the version-increment check against the target branch, a Yamale schema check of
Chart.yaml, yamllint of Chart.yaml, values.yaml and ci/*-values.yaml, the maintainers check (off in ct.yaml), and
`helm lint` per ci/*-values.yaml with `--helm-lint-extra-args` (`--strict` in ct.yaml). Here each step is its own
test, on Helm 3 and Helm 4; yamllint runs once per suite, over every YAML file of the repository, in `nox -s lint`
with the configuration ct.yaml names. `ct lint --config ct.yaml` runs the same steps (chart README, Contributing).
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
import yamale
import yaml
from harness.paths import CHART_DIR, REPO_ROOT
from harness.tools import HELMS, helm_binary, run

from .version_bump import check_version_increment, semver_key

if TYPE_CHECKING:
    from pathlib import Path

CT_CONFIG: dict[str, object] = yaml.safe_load((REPO_ROOT / "ct.yaml").read_text())
CHART_REL = str(CHART_DIR.relative_to(REPO_ROOT))


def scenario_files() -> list[Path]:
    """ct's scenarios: ci/*-values.yaml (links to values/*.yaml)."""
    return sorted((CHART_DIR / "ci").glob("*-values.yaml"))


def test_ct_config() -> None:
    assert CT_CONFIG["validate-maintainers"] is False
    assert CT_CONFIG["check-version-increment"] is True
    assert CT_CONFIG["helm-lint-extra-args"] == "--strict"
    assert CT_CONFIG["chart-dirs"] == [str(CHART_DIR.parent.relative_to(REPO_ROOT))]
    for key in ("chart-yaml-schema", "lint-conf"):
        assert (REPO_ROOT / str(CT_CONFIG[key])).is_file(), f"ct.yaml {key} points at a missing file"


def test_chart_yaml_schema() -> None:
    schema = yamale.make_schema(str(REPO_ROOT / str(CT_CONFIG["chart-yaml-schema"])))
    data = yamale.make_data(str(CHART_DIR / "Chart.yaml"))
    yamale.validate(schema, data, strict=True)  # raises YamaleError with every problem


def test_yamllint_config_is_the_repositorys() -> None:
    """ct and `nox -s lint` lint YAML with one configuration."""
    assert CT_CONFIG["lint-conf"] == ".yamllint.yaml"


def test_there_are_scenarios() -> None:
    assert scenario_files(), "no ci/*-values.yaml: run python3 scripts/generate/ci_links.py"


@pytest.mark.parametrize("helm", HELMS)
@pytest.mark.parametrize("scenario", scenario_files(), ids=lambda p: p.name)
def test_helm_lint_strict(helm: str, scenario: Path) -> None:
    extra = str(CT_CONFIG["helm-lint-extra-args"]).split()
    proc = run([helm_binary(helm), "lint", *extra, CHART_DIR, "-f", scenario])
    assert "1 chart(s) linted, 0 chart(s) failed" in proc.stdout


def test_version_increment() -> None:
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git work tree: no base to compare the chart version with")
    outcome = check_version_increment(REPO_ROOT, CHART_REL)
    print(f"version check: {outcome.message}")
    if outcome.ok is None:
        pytest.skip(outcome.message)
    assert outcome.ok, outcome.message


# --- the version check itself, on a scratch repository ------------------------------------------------------------


def semver_sorted(versions: list[str]) -> list[str]:
    return sorted(versions, key=semver_key)


def test_semver_order() -> None:
    assert semver_sorted(["0.10.0", "0.2.0", "1.0.0-rc.1", "1.0.0", "0.2.1", "1.0.0-alpha"]) == [
        "0.2.0",
        "0.2.1",
        "0.10.0",
        "1.0.0-alpha",
        "1.0.0-rc.1",
        "1.0.0",
    ]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A repository with main at chart 1.0.0 (tagged as released), pushed to a local `origin`."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    chart = repo / "charts" / "demo"
    chart.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "ci@example.com")
    git(repo, "config", "user.name", "ci")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n")
    (chart / "values.yaml").write_text("replicas: 1\n")
    (repo / "README.md").write_text("demo\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "demo 1.0.0")
    git(repo, "tag", "demo-1.0.0")
    (chart / "values.yaml").write_text("replicas: 2\n")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.1\n")
    git(repo, "commit", "-q", "-am", "demo 1.0.1")
    git(repo, "clone", "-q", "--bare", str(repo), str(tmp_path / "origin.git"))
    git(repo, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(repo, "fetch", "-q", "origin")
    git(repo, "checkout", "-q", "-b", "feature")
    return repo


def test_bump_check_fails_without_bump(scratch_repo: Path) -> None:
    (scratch_repo / "charts/demo/values.yaml").write_text("replicas: 3\n")
    git(scratch_repo, "commit", "-q", "-am", "change without bump")
    outcome = check_version_increment(scratch_repo, "charts/demo")
    assert outcome.ok is False, outcome
    assert "merge base with origin/main" in outcome.message


def test_bump_check_passes_with_bump(scratch_repo: Path) -> None:
    (scratch_repo / "charts/demo/values.yaml").write_text("replicas: 3\n")
    (scratch_repo / "charts/demo/Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.1.0\n")
    git(scratch_repo, "commit", "-q", "-am", "change with bump")
    assert check_version_increment(scratch_repo, "charts/demo").ok is True


def test_bump_check_fails_on_a_downgrade(scratch_repo: Path) -> None:
    (scratch_repo / "charts/demo/Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.1-rc.1\n")
    git(scratch_repo, "commit", "-q", "-am", "pre-release of the same version")
    assert check_version_increment(scratch_repo, "charts/demo").ok is False


def test_bump_check_ignores_changes_outside_the_chart(scratch_repo: Path) -> None:
    (scratch_repo / "README.md").write_text("more demo\n")
    git(scratch_repo, "commit", "-q", "-am", "docs only")
    outcome = check_version_increment(scratch_repo, "charts/demo")
    assert outcome.ok is True
    assert "unchanged" in outcome.message


def test_bump_check_without_remote_uses_previous_chart_commit(scratch_repo: Path) -> None:
    git(scratch_repo, "remote", "remove", "origin")
    # demo-1.0.1 is not tagged (unreleased): changing it in place is allowed, with a printed reason.
    (scratch_repo / "charts/demo/values.yaml").write_text("replicas: 4\n")
    git(scratch_repo, "commit", "-q", "-am", "unreleased change")
    outcome = check_version_increment(scratch_repo, "charts/demo")
    assert outcome.ok is None, outcome
    assert "never released" in outcome.message
    # once 1.0.1 is released (tagged), the same kind of change must bump.
    git(scratch_repo, "tag", "demo-1.0.1")
    (scratch_repo / "charts/demo/values.yaml").write_text("replicas: 5\n")
    outcome = check_version_increment(scratch_repo, "charts/demo")  # uncommitted: compared with HEAD
    assert outcome.ok is False, outcome
    assert "uncommitted" in outcome.message


def test_bump_check_without_base_skips(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    outcome = check_version_increment(tmp_path, "charts/demo")
    assert outcome.ok is None
    assert "no base" in outcome.message
