"""Where things are: the repository, the chart, the scenario files, the installed tools.

`chart_values_files()` is the one place that lists `values/*.yaml`: every tier, script and benchmark takes its
scenarios from it, so a new values file joins all of them without touching a test.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
# RENDER_CHART_DIR points the harness at a scratch copy of the chart (to see checks fail on deliberate breakage).
CHART_DIR = Path(os.environ.get("RENDER_CHART_DIR", REPO_ROOT / "charts" / "ai-inference")).resolve()
VALUES_DIR = REPO_ROOT / "values"
# Installed by scripts/install/pypi_tools.py (helm 3, helm 4, kubectl) and scripts/install/go_tools.py (git-ignored).
TOOLS_BIN = REPO_ROOT / ".tools" / "bin"


# The first line of every values file of the repository (values/*.yaml, the chart's values.yaml, the test overlays):
# editors running the YAML language server (VS Code's YAML extension, Neovim, JetBrains) validate and complete keys
# against the chart's schema. A comment, so helm never reads it.
SCHEMA_MODELINE = "# yaml-language-server: $schema="
SCHEMA_FILE = REPO_ROOT / "charts" / "ai-inference" / "values.schema.json"


def schema_modeline(values_file: Path) -> str:
    """The modeline `values_file` starts with: the schema's path relative to the file's folder."""
    return SCHEMA_MODELINE + os.path.relpath(SCHEMA_FILE, values_file.resolve().parent)


def chart_values_files(values_dir: Path = VALUES_DIR) -> list[Path]:
    """The scenario files `values/*.yaml`, sorted by name."""
    return sorted(values_dir.glob("*.yaml"))


def chart_meta(chart_dir: Path = CHART_DIR) -> dict[str, Any]:
    """The chart's Chart.yaml."""
    meta: dict[str, Any] = yaml.safe_load((chart_dir / "Chart.yaml").read_text(encoding="utf-8"))
    return meta
