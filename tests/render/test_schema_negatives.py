"""Schema-driven negative tests: every constraint of values.schema.json has pinned inputs that violate it, and helm
rejects each of them with a message that names the key.

tests/negatives.json is generated from the schema (tests/harness/negatives.py) by `nox -s generate`. Pinning is what
makes loosening a keyword visible: a pinned input that the schema starts to accept fails its test here, and a
constraint that disappears or appears without a pinned input fails the file's drift check
(tests/ecosystem/test_generated.py, which names the constraints).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from harness.guards import Layer, layers, named
from harness.pinned import pinned_negatives
from harness.render import RenderRequest

if TYPE_CHECKING:
    from harness.negatives import Negative
    from harness.render import Renderer


def request_for(overlay: dict[str, Any]) -> RenderRequest:
    """A render of values.yaml with `overlay` merged over it (keys taken literally: no dotted-path splitting)."""
    return RenderRequest(overrides_json=json.dumps(overlay, sort_keys=True))


NEGATIVES = pinned_negatives()
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
