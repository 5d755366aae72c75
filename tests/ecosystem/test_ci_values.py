"""charts/ai-inference/ci/ (ct's scenarios) and values/ (every tier's scenarios) are one source of truth.

ci/<env>-values.yaml must be a relative symlink to ../../../values/<env>.yaml for every values file, and nothing else.
The check is `scripts/sync_ci_values.py --check`; `python3 scripts/sync_ci_values.py` fixes it.
"""

from __future__ import annotations

import os

from harness.paths import CHART_DIR, chart_values_files
from harness.tools import run_script


def test_ci_mirrors_values() -> None:
    proc = run_script("sync_ci_values", "--check")
    assert proc.returncode == 0, f"ci/ and values/ disagree (run python3 scripts/sync_ci_values.py):\n{proc.stdout}"


def test_every_link_resolves_to_its_values_file() -> None:
    assert chart_values_files(), "values/ is empty"
    for values in chart_values_files():
        link = CHART_DIR / "ci" / f"{values.stem}-values.yaml"
        assert link.is_symlink(), link
        assert not os.path.isabs(os.readlink(link)), f"{link} must be relative (the repository moves)"
        assert link.resolve() == values.resolve()


def test_ci_is_not_packaged() -> None:
    """The links point outside the chart: .helmignore keeps ci/ (and the docs template) out of the package."""
    ignored = (CHART_DIR / ".helmignore").read_text().split()
    assert "ci/" in ignored
    assert "README.md.gotmpl" in ignored
