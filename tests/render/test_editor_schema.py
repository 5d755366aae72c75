"""Editor support: every values file of the repository starts with the YAML language server's modeline, which points
at the chart's values.schema.json, so an editor validates and completes keys while a user writes a values file. The
modeline is a comment: each values file renders byte for byte the same with it and without it (helm, both majors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from harness.paths import CHART_DIR, REPO_ROOT, SCHEMA_FILE, SCHEMA_MODELINE, chart_values_files, schema_modeline
from harness.render import RenderRequest

if TYPE_CHECKING:
    from pathlib import Path

    from harness.render import Renderer

# values/*.yaml, the chart's own defaults and the smoke tier's overlay for the real node
REALNODE_VALUES = REPO_ROOT / "tests" / "smoke" / "realnode-values.yaml"
VALUES_FILES = [*chart_values_files(), CHART_DIR / "values.yaml", REALNODE_VALUES]


def ids(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT))


@pytest.mark.parametrize("values_file", VALUES_FILES, ids=ids)
def test_values_file_starts_with_the_schema_modeline(values_file: Path) -> None:
    first = values_file.read_text(encoding="utf-8").splitlines()[0]
    assert first == schema_modeline(values_file), f"{ids(values_file)}: first line {first!r}"
    target = (values_file.parent / first.removeprefix(SCHEMA_MODELINE)).resolve()
    assert target == SCHEMA_FILE.resolve(), f"{ids(values_file)}: the modeline points at {target}"


def test_the_modeline_changes_no_render(renderer: Renderer, tmp_path: Path) -> None:
    """Each values file of values/ rendered as it is and with its first line removed: the same manifests."""
    pairs = []
    for values_file in chart_values_files():
        stripped = tmp_path / values_file.name
        stripped.write_text(values_file.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")
        pairs.append((RenderRequest.make(values_files=[values_file]), RenderRequest.make(values_files=[stripped])))
    renderer.prerender(request for pair in pairs for request in pair)
    differing = [a.describe() for a, b in pairs if renderer.render(a).text != renderer.render(b).text]
    assert not differing, f"the schema modeline changes the render of {differing}"
