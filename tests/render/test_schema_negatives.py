"""Schema-driven negative tests: every constraint of values.schema.json has pinned inputs that violate it, and helm
rejects each of them with a message that names the key.

tests/negatives.json is generated from the schema (tests/harness/negatives.py) and rewritten by `nox -s goldens`
(`--update-goldens`). Pinning is what makes loosening a keyword visible: a pinned input that the schema starts to
accept fails its test, and a constraint that disappears or appears without a pinned input fails the coverage test.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from harness.guards import Layer, layers, named
from harness.negatives import UNREACHABLE, Negative, generate
from harness.render import CHART_DIR, REPO_ROOT, RenderRequest, chart_values_files, load_values_file
from harness.schema_walk import constraints

if TYPE_CHECKING:
    from harness.render import Renderer

PINNED = REPO_ROOT / "tests" / "negatives.json"
SCHEMA_PATH = CHART_DIR / "values.schema.json"


def _pinned() -> list[Negative]:
    if not PINNED.is_file():
        return []
    return [Negative.from_json(entry) for entry in json.loads(PINNED.read_text(encoding="utf-8"))]


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def request_for(overlay: dict[str, Any]) -> RenderRequest:
    """A render of values.yaml with `overlay` merged over it (keys taken literally: no dotted-path splitting)."""
    return RenderRequest(overrides_json=json.dumps(overlay, sort_keys=True))


NEGATIVES = _pinned()
LAYERS: list[Layer] = layers(NEGATIVES)
MEMBERS = [(layer, negative, expect) for layer in LAYERS for negative, expect in layer.members]


def _ids() -> list[str]:
    seen: dict[str, int] = {}
    ids = []
    for _, negative, _ in MEMBERS:
        seen[negative.constraint] = seen.get(negative.constraint, 0) + 1
        ids.append(f"{negative.constraint}#{seen[negative.constraint]}")
    return ids


@pytest.fixture(scope="module", autouse=True)
def _prerender_layers(renderer: Renderer) -> None:
    """All layers render in parallel up front."""
    renderer.prerender(request_for(layer.overlay) for layer in LAYERS)


def test_every_constraint_has_a_pinned_negative(update_goldens: bool) -> None:
    schema = _schema()
    if update_goldens:
        documents = [load_values_file(path) for path in chart_values_files()]
        fresh = generate(schema, load_values_file(CHART_DIR / "values.yaml"), documents)
        PINNED.write_text(json.dumps([n.as_json() for n in fresh], indent=1, ensure_ascii=True) + "\n")
        pytest.skip(f"rewrote {PINNED.name}: {len(fresh)} negative inputs (rerun to test them)")
    current = {c.id for c in constraints(schema)} - set(UNREACHABLE)
    pinned = {n.constraint for n in NEGATIVES}
    missing = sorted(current - pinned)
    stale = sorted(pinned - current)
    hint = "\n(generate them with `nox -s goldens`, then review the diff of tests/negatives.json)"
    assert not missing, "constraints without a negative input:\n" + "\n".join(missing) + hint
    assert not stale, "negative inputs for constraints the schema no longer states (loosened?):\n" + "\n".join(stale)


def test_layers_are_few() -> None:
    """Batching keeps the cost to a handful of renders, whatever the number of constraints."""
    assert len(LAYERS) <= max(12, len(NEGATIVES) // 20), [len(layer.members) for layer in LAYERS]


@pytest.mark.parametrize(("layer", "negative", "expect"), MEMBERS, ids=_ids())
def test_negative_is_rejected_naming_the_key(
    renderer: Renderer, layer: Layer, negative: Negative, expect: tuple[str, ...]
) -> None:
    error = renderer.render_error(request_for(layer.overlay))
    problem = named(error.stderr, expect, negative.keyword, negative.name)
    assert not problem, f"{negative.constraint}: {problem}\ninput: {negative.overlay}\nstderr:\n{error.stderr}"
