"""Sessions for the ai-inference chart. `nox` alone runs the default set (the whole test suite).

    nox -s lint             ruff, mypy, yamllint, shellcheck, helm lint --strict (helm 3 and 4)
    nox -s render           the render tier under helm 3 and helm 4
    nox -s ecosystem        docs drift, ct-style lint, policy gates, OCI round trip, actionlint
    nox -s smoke            the cluster tier (brings up the local kwok cluster unless KUBECONFIG is set)
    nox -s goldens          rewrite tests/goldens from the current chart (not in the default set)
    nox -s diagrams         redraw docs/diagrams from values/*.yaml (not in the default set)
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
CHART = ROOT / "charts" / "ai-inference"
VALUES = sorted((ROOT / "values").glob("*.yaml"))
REQUIREMENTS = "tests/requirements.txt"
HELMS = ("helm3", "helm4")

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["lint", "render", "ecosystem", "smoke"]


def install_tools(session: nox.Session) -> Path:
    """Install the pinned helm 3, helm 4 and kubectl into .tools/bin and put them on PATH."""
    out = session.run("python", "scripts/install_tools.py", silent=True)
    bin_dir = Path(str(out).strip().splitlines()[-1])
    session.env["PATH"] = f"{bin_dir}{os.pathsep}{os.environ['PATH']}"
    return bin_dir


@nox.session
def lint(session: nox.Session) -> None:
    """Static checks of the Python code, YAML, shell scripts and the chart."""
    session.install("-r", REQUIREMENTS, "ruff==0.17.6", "mypy==2.4.1", "types-PyYAML", "yamllint==1.38.0")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    session.run("yamllint", "--strict", "values", "charts/ai-inference/Chart.yaml", "charts/ai-inference/values.yaml")
    bin_dir = install_tools(session)
    for helm in HELMS:
        for values in VALUES:
            session.run(str(bin_dir / helm), "lint", "--strict", str(CHART), "-f", str(values), silent=True)


@nox.session
@nox.parametrize("helm", HELMS)
def render(session: nox.Session, helm: str) -> None:
    """The render tier: helm template + assertions, no cluster."""
    session.install("-r", REQUIREMENTS)
    bin_dir = install_tools(session)
    session.env["HELM_BIN"] = str(bin_dir / helm)
    session.run("pytest", "tests/render", *session.posargs)


@nox.session
def goldens(session: nox.Session) -> None:
    """Rewrite the golden manifests in tests/goldens (review the diff before committing)."""
    session.install("-r", REQUIREMENTS)
    bin_dir = install_tools(session)
    session.env["HELM_BIN"] = str(bin_dir / "helm4")
    session.run("pytest", "tests/render/test_goldens.py", "--update-goldens", *session.posargs)
