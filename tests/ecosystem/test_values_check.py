"""The values check as a team uses it (`ai-inference-values-check`, harness.values_check): installed from this
repository the way pip, pipx and pre-commit install it (a built wheel with the chart and the schemas inside, not the
checkout), run on the sample team repository docs/team-repo/ (one file that passes, one that `helm lint --strict`
passes and the check refuses), on every values/*.yaml, and on every chart-side hazard of the bad-input catalog, which
`helm lint --strict` lets through. The hook manifest, the sample's pre-commit config and both workflows are checked
by pre-commit's and actionlint's own validators."""

from __future__ import annotations

import os
import re
import shutil
import sys
from typing import TYPE_CHECKING

import pytest
import yaml
from harness.paths import CHART_DIR, REPO_ROOT, chart_values_files
from harness.render import overrides_to_values
from harness.tools import HELMS, helm_binary, run, tool
from render.bad_inputs_hazards import HAZARD_CATALOG

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

    from harness.helm_messages import Bad

TEAM_REPO = REPO_ROOT / "docs" / "team-repo"
REUSABLE = REPO_ROOT / ".github" / "workflows" / "values-check.yaml"
CALLER = TEAM_REPO / ".github" / "workflows" / "values.yaml"
# The hazards the chart refuses with `fail` (its own checks), which `helm lint --strict` only logs.
CHART_SIDE = [bad for bad in HAZARD_CATALOG if all(m.startswith("ai-inference: ") for m in bad.match)]


# What pyproject.toml builds the package from; the build runs on a copy of these, so it leaves nothing in the checkout
# (pip builds in the source tree) and shows that the package needs nothing else.
PACKAGE_SOURCES = (
    "pyproject.toml",
    "tests/harness",
    "tests/schemas",
    "tests/crds/aks-versions.txt",
    "tests/crds/extension-versions.txt",
    "charts/ai-inference",
)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository installed as a package into a directory of its own (pip builds the wheel from pyproject.toml),
    without its dependencies, which this virtualenv already has."""
    source = tmp_path_factory.mktemp("source")
    for name in PACKAGE_SOURCES:
        origin, copy = REPO_ROOT / name, source / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, copy, ignore=shutil.ignore_patterns("__pycache__", "ci"))
        else:
            shutil.copy2(origin, copy)
    target = tmp_path_factory.mktemp("values-check")
    run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target, source], timeout=900)
    return target


def check(installed: Path, *args: str | Path, helm: str = "helm4") -> subprocess.CompletedProcess[str]:
    """`ai-inference-values-check` of the installed package, run outside the repository."""
    env = {**os.environ, "PYTHONPATH": str(installed), "HELM_BIN": str(helm_binary(helm))}
    env.pop("RENDER_CHART_DIR", None)
    return run(
        [sys.executable, installed / "bin" / "ai-inference-values-check", *args], cwd=installed, env=env, check=False
    )


def test_the_installed_package_is_used(installed: Path) -> None:
    """The check runs from the built package: its own copy of the chart and the schemas, not the checkout."""
    env = {**os.environ, "PYTHONPATH": str(installed)}
    code = "import harness.kube_schema as k, harness.values_check as v; print(k.CRD_SCHEMA_DIR, v.PACKAGED_CHART)"
    out = run([sys.executable, "-c", code], cwd=installed, env=env).stdout
    assert out.split() == [
        str(installed / "harness" / "data" / "schemas"),
        str(installed / "harness" / "data" / "chart"),
    ]
    shipped = installed / "harness" / "data" / "chart"
    for name in ("Chart.yaml", "values.yaml", "values.schema.json", "templates/deployment.yaml"):
        assert (shipped / name).read_bytes() == (CHART_DIR / name).read_bytes(), name


def test_sample_repository_good_file_passes(installed: Path) -> None:
    proc = check(installed, "--base", TEAM_REPO / "values" / "common.yaml", TEAM_REPO / "values" / "dev.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 of 1 values files pass" in proc.stdout


@pytest.mark.parametrize("helm", HELMS)
def test_sample_repository_bad_file_fails_naming_file_and_keys(installed: Path, helm: str) -> None:
    bad = TEAM_REPO / "values" / "broken.yaml"
    proc = check(installed, "--base", TEAM_REPO / "values" / "common.yaml", bad, helm=helm)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for key in ("args", "gpu.shmSize", "config.HF_TOKEN"):
        assert re.search(rf"^{re.escape(str(bad))}: {re.escape(key)}: ", proc.stdout, re.MULTILINE), proc.stdout


@pytest.mark.parametrize("helm", HELMS)
def test_helm_lint_strict_passes_the_bad_file(helm: str) -> None:
    """The trap the check closes: lint logs the chart's `fail` checks as INFO and exits 0."""
    values: list[str | Path] = ["-f", TEAM_REPO / "values" / "common.yaml", "-f", TEAM_REPO / "values" / "broken.yaml"]
    proc = run([helm_binary(helm), "lint", "--strict", CHART_DIR, *values], check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "gpu.shmSize" in proc.stdout + proc.stderr, "lint saw the problem and passed anyway"


def test_glob_patterns_as_the_workflow_passes_them(installed: Path) -> None:
    """The workflow hands over the patterns unexpanded; the base file is not checked on its own."""
    proc = check(installed, "--base", TEAM_REPO / "values" / "common.yaml", str(TEAM_REPO / "values" / "*.yaml"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 of 2 values files pass" in proc.stdout


def test_every_values_file_of_the_repository_passes(installed: Path) -> None:
    proc = check(installed, *chart_values_files())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(chart_values_files())} of {len(chart_values_files())} values files pass" in proc.stdout


def hazard_files(directory: Path) -> dict[Path, Bad]:
    """Each chart-side hazard of the catalog as a values file."""
    files = {}
    for bad in CHART_SIDE:
        path = directory / f"{bad.id}.yaml"
        path.write_text(yaml.safe_dump(overrides_to_values(bad.overrides)), encoding="utf-8")
        files[path] = bad
    return files


def test_every_chart_side_hazard_fails_the_check_but_passes_lint(installed: Path, tmp_path: Path) -> None:
    """Each hazard the chart refuses with `fail` (bad_inputs_hazards.py): `helm lint --strict` exits 0 on it, under
    Helm 3 and Helm 4, and the check exits 1 with a line naming the file and the key."""
    files = hazard_files(tmp_path)
    assert len(files) >= 12, sorted(bad.id for bad in files.values())
    for path in files:
        for helm in HELMS:
            lint = run([helm_binary(helm), "lint", "--strict", CHART_DIR, "-f", path], check=False)
            assert lint.returncode == 0, f"{helm} lint refused {path.name} (then lint catches it):\n{lint.stdout}"
    proc = check(installed, *files)
    assert proc.returncode == 1, proc.stdout
    for path, bad in files.items():
        for match in bad.match:
            line = rf"^{re.escape(str(path))}: " + match.removeprefix("ai-inference: ")
            assert re.search(line, proc.stdout, re.MULTILINE), f"{bad.id}: no line {line!r} in\n{proc.stdout}"
    assert "0 of" in proc.stdout


# Values that render, pass `helm lint --strict`, and fail at admission: an unknown field in an object passed through
# (the API server's strict field validation), an API key written into extraEnv (checkov CKV_K8S_35, the chart's rule
# no-literal-secret-env).
RENDER_BUT_FAIL_ADMISSION = {
    "unknown-field": (
        {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "bogus": 1}]},
        r"Deployment/\S+ \(k8s 1\.3\d\) at spec/template/spec/topologySpreadConstraints/0: .*'bogus' was unexpected",
    ),
    "literal-secret-env": (
        {"extraEnv": [{"name": "OPENAI_API_KEY", "value": "sk-abc123"}]},
        r"\[no-literal-secret-env\] Deployment/\S+ containers/\S+: env OPENAI_API_KEY has a literal secret-looking "
        "value",
    ),
}


@pytest.mark.parametrize("case", sorted(RENDER_BUT_FAIL_ADMISSION))
def test_kubernetes_schemas_and_safeguards_beyond_the_render(installed: Path, tmp_path: Path, case: str) -> None:
    """What only the check sees: helm renders the file and lint passes it, the strict schema or a rule of the chart
    refuses it."""
    values, line = RENDER_BUT_FAIL_ADMISSION[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(yaml.safe_dump(values), encoding="utf-8")
    assert run([helm_binary("helm4"), "lint", "--strict", CHART_DIR, "-f", path], check=False).returncode == 0
    proc = check(installed, path)
    assert proc.returncode == 1, proc.stdout
    assert re.search(rf"^{re.escape(str(path))}: {line}", proc.stdout, re.MULTILINE), proc.stdout


def test_packaged_chart_of_the_asked_version(installed: Path, tmp_path: Path) -> None:
    """`--chart` takes the chart as `helm package` makes it (what a registry serves), checked at its version."""
    run([helm_binary("helm4"), "package", CHART_DIR, "--destination", tmp_path])
    (package,) = tmp_path.glob("*.tgz")
    version = str(yaml.safe_load((CHART_DIR / "Chart.yaml").read_text(encoding="utf-8"))["version"])
    values = TEAM_REPO / "values" / "dev.yaml"
    proc = check(
        installed, "--chart", package, "--version", version, "--base", TEAM_REPO / "values" / "common.yaml", values
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"chart ai-inference {version}" in proc.stdout
    assert check(installed, "--chart", package, "--version", "999.0.0", values).returncode == 2


def test_check_setup_errors_exit_2(installed: Path, tmp_path: Path) -> None:
    """A chart of another version than asked for, or no file at all, is the check's own failure, not the values'."""
    values = TEAM_REPO / "values" / "dev.yaml"
    assert check(installed, "--version", "999.0.0", values).returncode == 2
    assert check(installed, str(tmp_path / "nothing-*.yaml")).returncode == 2


def test_hook_manifest_and_sample_config_are_valid() -> None:
    """pre-commit's own validators accept the hook manifest and the sample team's configuration."""
    pre_commit = shutil.which("pre-commit", path=os.path.dirname(sys.executable)) or "pre-commit"
    run([pre_commit, "validate-manifest", REPO_ROOT / ".pre-commit-hooks.yaml"])
    run([pre_commit, "validate-config", TEAM_REPO / ".pre-commit-config.yaml"])
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    scripts = _pyproject_scripts()
    assert [hook["entry"] for hook in hooks] == list(scripts), (
        "the hook runs the console script pyproject.toml installs"
    )


def _pyproject_scripts() -> dict[str, str]:
    import tomllib  # noqa: PLC0415 - only this test reads pyproject.toml

    return dict(tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"])


@pytest.mark.parametrize("workflow", [REUSABLE, CALLER], ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_workflows_pass_actionlint(workflow: Path) -> None:
    shellcheck = shutil.which("shellcheck") or ""
    proc = run([tool("actionlint"), "-no-color", f"-shellcheck={shellcheck}", workflow], cwd=REPO_ROOT, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_caller_passes_what_the_reusable_workflow_takes() -> None:
    """The sample's inputs are inputs of the reusable workflow, which runs the installed check."""
    inputs = yaml.safe_load(REUSABLE.read_text(encoding="utf-8"))[True]["workflow_call"]["inputs"]
    assert {name for name, spec in inputs.items() if spec.get("required")} == {"chart-version", "values"}
    job = yaml.safe_load(CALLER.read_text(encoding="utf-8"))["jobs"]["check"]
    assert job["uses"].split("@")[0] == "ai-inference/ai-inference/.github/workflows/values-check.yaml"
    assert set(job["with"]) <= set(inputs)
    steps = yaml.safe_load(REUSABLE.read_text(encoding="utf-8"))["jobs"]["values-check"]["steps"]
    assert any("ai-inference-values-check" in step.get("run", "") for step in steps)
