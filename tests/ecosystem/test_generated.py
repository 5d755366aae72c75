"""Generated files are what their generator makes of their sources today. Each check runs the generator itself
with `--check` (it writes nothing and exits 1 on drift), so the check and the generator cannot disagree."""

from __future__ import annotations

from harness.paths import CHART_DIR
from harness.tools import run_script


def test_values_schema_descriptions_and_defaults() -> None:
    """values.schema.json carries each key's `# --` comment of values.yaml as description and its value as default."""
    proc = run_script("sync_values_schema", "--check", "--chart", CHART_DIR)
    assert proc.returncode == 0, f"{proc.stdout}{proc.stderr}(regenerate: python scripts/sync_values_schema.py)"


def test_crd_schemas() -> None:
    """tests/schemas/ (versioned sets included) is what scripts/crd_to_schema.py --all makes of tests/crds/ today."""
    proc = run_script("crd_to_schema", "--all", "--check")
    assert proc.returncode == 0, f"{proc.stdout}{proc.stderr}(regenerate: python scripts/crd_to_schema.py --all)"
