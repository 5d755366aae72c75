"""Files the harness writes from the chart and later compares against: the golden manifests (tests/goldens) and the
pinned negative inputs (tests/negatives.json). scripts/generate/generate.py writes both through the functions here, and
the render tier reads them through the same paths and requests, so the writer and the checks cannot disagree.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from harness.negatives import Negative, generate
from harness.paths import CHART_DIR, REPO_ROOT, chart_values_files
from harness.render import RenderRequest, load_values_file

if TYPE_CHECKING:
    from pathlib import Path

    from harness.manifest import Manifest

GOLDENS = REPO_ROOT / "tests" / "goldens"
# Fixed release and namespace: goldens must not depend on who renders them.
GOLDEN_RELEASE = "ai"
GOLDEN_NAMESPACE = "inference"
NEGATIVES_FILE = REPO_ROOT / "tests" / "negatives.json"


def golden_path(values_file: Path) -> Path:
    """tests/goldens/<env>.yaml of values/<env>.yaml."""
    return GOLDENS / f"{values_file.stem}.yaml"


def golden_request(values_file: Path) -> RenderRequest:
    """The render a golden records."""
    return RenderRequest.make(values_files=[values_file], release=GOLDEN_RELEASE, namespace=GOLDEN_NAMESPACE)


def golden_text(values_file: Path, manifest: Manifest) -> str:
    """A golden file: a header naming its source, then helm's output."""
    header = f"# Golden render of values/{values_file.name} (release {GOLDEN_RELEASE}, namespace {GOLDEN_NAMESPACE}).\n"
    header += "# Do not edit: regenerate with `nox -s generate -- --goldens` and review the diff.\n"
    return header + manifest.text.lstrip()


def chart_schema(chart_dir: Path = CHART_DIR) -> dict[str, Any]:
    """The chart's values.schema.json."""
    loaded: dict[str, Any] = json.loads((chart_dir / "values.schema.json").read_text(encoding="utf-8"))
    return loaded


def fresh_negatives(chart_dir: Path = CHART_DIR) -> list[Negative]:
    """The negative inputs the generator makes of today's schema, values.yaml and values files."""
    documents = [load_values_file(path) for path in chart_values_files()]
    return generate(chart_schema(chart_dir), load_values_file(chart_dir / "values.yaml"), documents)


def negatives_text(negatives: list[Negative]) -> str:
    """tests/negatives.json."""
    return json.dumps([n.as_json() for n in negatives], indent=1, ensure_ascii=True) + "\n"


def pinned_negatives(path: Path = NEGATIVES_FILE) -> list[Negative]:
    """The pinned negative inputs (none when the file is missing)."""
    if not path.is_file():
        return []
    return [Negative.from_json(entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
