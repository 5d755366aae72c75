"""Shared paths, tool lookup, scenarios and rendering for the ecosystem tier (tests/ecosystem)."""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "ai-inference"
VALUES_DIR = ROOT / "values"
CI_DIR = CHART / "ci"
BIN = ROOT / ".tools" / "bin"
HELMS = ("helm3", "helm4")
RELEASE = "ai"
NAMESPACE = "ai-inference"

# Values that csi mode needs before it renders (the chart validates them).
CSI_REQUIRED: dict[str, Any] = {
    "keyvaultName": "kv-inference",
    "tenantId": "00000000-0000-0000-0000-000000000001",
    "clientId": "00000000-0000-0000-0000-000000000002",
    "objects": [{"objectName": "api-key", "objectType": "secret"}],
}


def tool(name: str) -> str:
    """A tool from .tools/bin (installed by scripts/install_tools.py and scripts/install_go_tools.py) or PATH."""
    env_name = name.upper().replace("-", "_") + "_BIN"
    if found := os.environ.get(env_name):
        return found
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    if found := shutil.which(name):
        return found
    pytest.fail(f"{name} not found in {BIN} or on PATH: run `nox -s ecosystem` (it installs the tools)")


def run(
    args: list[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing output; on failure (with check) fail the test with the command and its output."""
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(args)}` exited {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
        )
    return proc


def values_files() -> list[Path]:
    return sorted(VALUES_DIR.glob("*.yaml"))


@dataclass(frozen=True)
class Scenario:
    """One rendering of the chart: a values file from values/, or a toggle combination of the three switches."""

    name: str
    values_file: Path | None = None
    overrides: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def slug(self) -> str:
        return self.name.replace("/", "_").replace(" ", "_").replace("=", "-")

    def helm_args(self, tmp: Path) -> list[str]:
        args: list[str] = []
        if self.values_file is not None:
            args += ["-f", str(self.values_file)]
        if self.overrides:
            path = tmp / f"{self.slug}.overrides.yaml"
            path.write_text(yaml.safe_dump(self.overrides, sort_keys=False))
            args += ["-f", str(path)]
        return args


def toggle_scenarios() -> list[Scenario]:
    """gpu x secrets provider x ingress controller, with the Ingress on (the controller only matters then)."""
    scenarios = []
    for gpu, provider, controller in itertools.product((False, True), ("native", "csi"), ("nginx", "agic")):
        secrets: dict[str, Any] = {"provider": provider}
        if provider == "csi":
            secrets["csi"] = dict(CSI_REQUIRED)
        overrides = {
            "gpu": {"enabled": gpu},
            "secrets": secrets,
            "ingress": {"enabled": True, "controller": controller, "hosts": ["inference.example.com"]},
        }
        name = f"toggles gpu={'on' if gpu else 'off'} secrets={provider} ingress={controller}"
        scenarios.append(Scenario(name, overrides=overrides))
    return scenarios


def all_scenarios() -> list[Scenario]:
    from_files = [Scenario(f"values/{path.name}", values_file=path) for path in values_files()]
    return [Scenario("chart defaults"), *from_files, *toggle_scenarios()]


def render(scenario: Scenario, tmp: Path, helm: str = "helm4", chart: str | Path = CHART) -> str:
    args = [tool(helm), "template", RELEASE, str(chart), "--namespace", NAMESPACE, *scenario.helm_args(tmp)]
    return run(args).stdout


def documents(manifest: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(manifest) if isinstance(doc, dict)]


def chart_meta() -> dict[str, Any]:
    meta: dict[str, Any] = yaml.safe_load((CHART / "Chart.yaml").read_text())
    return meta


def load_script(name: str) -> ModuleType:
    """Import scripts/<name>.py (not a package) as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
