"""Architecture pictures: one per values file in docs/diagrams (PNG, SVG and the DOT source), and not stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from harness.paths import REPO_ROOT, chart_values_files
from harness.tools import run_script

if TYPE_CHECKING:
    from pathlib import Path

DIAGRAMS = REPO_ROOT / "docs" / "diagrams"


@pytest.mark.parametrize("values", chart_values_files(), ids=lambda p: p.name)
def test_picture_per_values_file(values: Path) -> None:
    for ext in ("dot", "svg", "png"):
        picture = DIAGRAMS / f"{values.stem}.{ext}"
        assert picture.is_file(), f"missing {picture} (run nox -s diagrams)"
        assert picture.stat().st_size > 0, picture
    assert (DIAGRAMS / f"{values.stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pictures_are_current() -> None:
    """scripts/diagram.py --all --check: every committed .dot is what the current chart and values files draw."""
    proc = run_script("diagram", "--all", "--check")
    assert proc.returncode == 0, f"{proc.stdout}{proc.stderr}"


def test_no_orphan_pictures() -> None:
    stems = {p.stem for p in chart_values_files()}
    orphans = sorted(p.name for p in DIAGRAMS.iterdir() if p.stem not in stems)
    assert not orphans, f"pictures without a values file: {orphans}"
