"""The wrong-type pass of the hostile walk (tests/harness/wrong_types.py): every values node of every scenario, and
every property the schema declares under a map the scenario has, set to a value of another JSON type (a string where
a map or list belongs, a map where a string belongs). helm refuses it naming the key, in the schema's or the chart's
words, or renders it; no raw Go template error."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import all_cases
from harness.render import CHART_DIR, RenderError, RenderRequest
from harness.wrong_types import (
    RAW_GO_ERROR,
    Node,
    disjoint_groups,
    node_class,
    nodes,
    refused_by_schema,
    verdict,
    with_nodes,
)

if TYPE_CHECKING:
    from harness.cases import Case
    from harness.render import Renderer

SCHEMA: dict[str, Any] = json.loads((CHART_DIR / "values.schema.json").read_text(encoding="utf-8"))


@dataclass
class Pass:
    """Node classes walked so far, how each ended, and what went wrong."""

    seen: set[tuple[str, ...]] = field(default_factory=set)
    refused: int = 0
    rendered: int = 0
    problems: list[str] = field(default_factory=list)


def _render(renderer: Renderer, values: dict[str, Any]) -> str | None:
    """helm's stderr when it refuses the values, None when it renders them."""
    try:
        renderer.render(RenderRequest(overrides_json=json.dumps(values, sort_keys=True)))
    except RenderError as error:
        return error.stderr
    return None


def _walk_case(renderer: Renderer, case: Case, state: Pass) -> None:
    merged = case.request().merged_values()
    todo: list[Node] = []
    for node in nodes(SCHEMA, merged):
        cls = node_class(SCHEMA, node.path)
        if cls not in state.seen:
            state.seen.add(cls)
            todo.append(node)
    by_schema = [node for node in todo if refused_by_schema(SCHEMA, merged, node)]
    for group in disjoint_groups(by_schema):
        stderr = _render(renderer, with_nodes(merged, group))
        if stderr is None:
            state.problems.append(f"{case.id}: rendered although the schema refuses {[n.dotted for n in group][:5]}")
            continue
        for node in group:
            problem = verdict(stderr, node)
            state.problems += [f"{case.id}: {problem}"] if problem else []
            state.refused += not problem
    for node in (n for n in todo if n not in by_schema):
        stderr = _render(renderer, with_nodes(merged, [node]))
        if stderr is None:
            state.rendered += 1
        elif problem := verdict(stderr, node):
            state.problems.append(f"{case.id}: {problem}")
        else:
            state.refused += 1


@pytest.fixture(scope="module")
def wrong_type_pass(renderer: Renderer) -> Pass:
    """The pass over every scenario, in matrix order. Fixture's scope is 'module'."""
    state = Pass()
    for case in all_cases():
        _walk_case(renderer, case, state)
    return state


def test_no_wrong_type_reaches_a_template_unchecked(wrong_type_pass: Pass) -> None:
    assert not wrong_type_pass.problems, "\n\n".join(wrong_type_pass.problems)


def test_the_pass_covers_the_chart(wrong_type_pass: Pass) -> None:
    """Every node class of the values meets a wrong type once; most of them are refused by the schema."""
    assert len(wrong_type_pass.seen) >= 300, len(wrong_type_pass.seen)
    assert wrong_type_pass.refused + wrong_type_pass.rendered == len(wrong_type_pass.seen) - 0, wrong_type_pass
    assert wrong_type_pass.refused > wrong_type_pass.rendered, wrong_type_pass


@pytest.mark.parametrize(
    "stderr",
    [
        'Error: template: ai-inference/templates/_validate-pod.tpl:47:27: executing "ai-inference.validate.pod" at '
        "<index $res $part>: error calling index: cannot index slice/array with type string",
        'Error: template: x.tpl:3:9: executing "y" at <$node.requiredDuringSchedulingIgnoredDuringExecution>: '
        "can't evaluate field requiredDuringSchedulingIgnoredDuringExecution in type interface {}",
    ],
)
def test_raw_go_errors_are_recognised(stderr: str) -> None:
    """The messages the pass must never see are the ones it looks for (the issue's two examples)."""
    assert RAW_GO_ERROR.search(stderr)
    assert verdict(stderr, Node(("affinity", "nodeAffinity"), "x"))
