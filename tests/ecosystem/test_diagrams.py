"""Architecture pictures: one per values file in docs/diagrams (PNG, SVG and the DOT source), and not stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .support import ROOT, load_script, tool, values_files

if TYPE_CHECKING:
    from pathlib import Path

DIAGRAMS = ROOT / "docs" / "diagrams"


@pytest.mark.parametrize("values", values_files(), ids=lambda p: p.name)
def test_picture_per_values_file(values: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for ext in ("dot", "svg", "png"):
        picture = DIAGRAMS / f"{values.stem}.{ext}"
        assert picture.is_file(), f"missing {picture} (run nox -s diagrams)"
        assert picture.stat().st_size > 0, picture
    assert (DIAGRAMS / f"{values.stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    monkeypatch.setenv("HELM_BIN", tool("helm4"))
    assert load_script("diagram").draw(values, DIAGRAMS, check=True), f"{values.stem}.dot is stale: run nox -s diagrams"


def test_no_orphan_pictures() -> None:
    stems = {p.stem for p in values_files()}
    orphans = sorted(p.name for p in DIAGRAMS.iterdir() if p.stem not in stems)
    assert not orphans, f"pictures without a values file: {orphans}"
