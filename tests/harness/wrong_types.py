"""The wrong-type pass of the hostile walk: every node of the values, and every property the schema names under a map
the values have, set to a value of another JSON type. helm must refuse it naming the key (the schema's report, or a
chart check `ai-inference: <key>: ...`) or render it; a raw Go template error (`cannot index slice/array with type
string`, `wrong type for value`, `nil pointer evaluating ...`) is a failure, since it names neither key nor remedy.

Per scenario, the nodes whose wrong value the schema refuses share renders (no path inside another), and each must be
named; the nodes the schema lets through (objects passed through to Kubernetes) are rendered one by one. A node
class (`initContainers.[].resources`) proven in one scenario is not walked again.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.schema_walk import ITEM, KEY, GoValidator, merged_node, node_at, parse_report

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

# Go's text/template and sprig errors: a value of the wrong type reached a template action unchecked.
RAW_GO_ERROR = re.compile(
    r"error calling \w+|wrong type for value|cannot index|nil pointer evaluating|can't evaluate field"
    r"|range can't iterate over|invalid value; expected|incompatible types for comparison|executing \"[^\"]*\" at <"
)
# Stand-ins by JSON type, tried in order: the first whose type the node does not take replaces it.
STAND_INS: tuple[tuple[str, Any], ...] = (("string", "x"), ("object", {"k": "x"}), ("array", ["x"]))


@dataclass(frozen=True)
class Node:
    """A values path (concrete keys and list indices) and the wrong-typed value to put there."""

    path: tuple[str, ...]
    value: Any

    @property
    def dotted(self) -> str:
        """The path as helm's report and the chart's messages print it."""
        return ".".join(self.path)


def node_class(schema: Mapping[str, Any], path: tuple[str, ...]) -> tuple[str, ...]:
    """List indices become `[]`, keys of free-form maps (`config`, label maps) `*`: nodes of one class take the same
    code path. Fields of an object passed through to Kubernetes keep their names (`resources` is not `command`)."""
    out: list[str] = []
    for part in path:
        node = node_at(schema, tuple(out)) or {}
        free_map = bool(node.get("patternProperties")) or isinstance(node.get("additionalProperties"), dict)
        if part.isdigit() and (node.get("type") == "array" or "items" in node):
            out.append(ITEM)
        elif part in node.get("properties", {}) or not out or not free_map:
            out.append(part)
        else:
            out.append(KEY)
    return tuple(out)


def stand_in(schema: Mapping[str, Any], path: tuple[str, ...], current: Any) -> Any:  # noqa: ANN401 - values are free-form
    """A value of another type than the schema wants at `path` (or, where the schema says nothing, than `current`)."""
    kind = merged_node(schema, node_at(schema, path) or {}).get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    if not kinds and current is not None:
        kinds = ["object" if isinstance(current, dict) else "array" if isinstance(current, list) else "string"]
    return next(value for name, value in STAND_INS if name not in kinds)


def nodes(schema: Mapping[str, Any], values: Any, path: tuple[str, ...] = ()) -> Iterator[Node]:  # noqa: ANN401
    """Every node below the root of `values`, and every property the schema names under a map that is present."""
    if isinstance(values, dict):
        declared = merged_node(schema, node_at(schema, path) or {}).get("properties", {}) if path else {}
        for key in [*values, *(name for name in declared if name not in values)]:
            sub = values.get(key)
            yield Node((*path, str(key)), stand_in(schema, (*path, str(key)), sub))
            if key in values:
                yield from nodes(schema, sub, (*path, str(key)))
    elif isinstance(values, list):
        for index, item in enumerate(values):
            yield Node((*path, str(index)), stand_in(schema, (*path, str(index)), item))
            yield from nodes(schema, item, (*path, str(index)))


def refused_by_schema(schema: Mapping[str, Any], merged: Mapping[str, Any], node: Node) -> bool:
    """Whether the schema (Go regexp semantics) refuses the node's wrong value where it stands."""
    return bool(list(GoValidator(schema).iter_errors(with_nodes(merged, [node]))))


def with_nodes(merged: Mapping[str, Any], chosen: list[Node]) -> dict[str, Any]:
    """A copy of the scenario's merged values with each node set to its wrong value."""
    out = copy.deepcopy(dict(merged))
    for node in chosen:
        parent: Any = out
        for part in node.path[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        last = node.path[-1]
        if isinstance(parent, list):
            parent[int(last)] = node.value
        else:
            parent[last] = node.value
    return out


def disjoint_groups(chosen: list[Node]) -> list[list[Node]]:
    """Groups in which no node's path contains another's (a map and its own child cannot both be replaced)."""
    groups: list[list[Node]] = []
    for node in chosen:
        for group in groups:
            if not any(_nested(node.path, other.path) for other in group):
                group.append(node)
                break
        else:
            groups.append([node])
    return groups


def _nested(one: tuple[str, ...], two: tuple[str, ...]) -> bool:
    shorter = min(len(one), len(two))
    return one[:shorter] == two[:shorter]


def named(stderr: str, node: Node) -> bool:
    """helm's schema report has a line at the node's path, or a chart check names it (or the map around it)."""
    if any(line.path == node.dotted for line in parse_report(stderr)):
        return True
    lines = [re.sub(r"\[(\d+)\]", r".\1", m.group(0)) for m in re.finditer(r"ai-inference: \S.*", stderr)]
    keys = [line.removeprefix("ai-inference: ").split(":", 1)[0].split(" ")[0] for line in lines]
    return any(node.dotted == key or node.dotted.startswith(key + ".") for key in keys)


def verdict(stderr: str, node: Node) -> str:
    """Empty when a failed render speaks in the chart's or the schema's words about the node; else the problem."""
    if raw := RAW_GO_ERROR.search(stderr):
        return f"{node.dotted} = {node.value!r}: a raw template error ({raw.group(0)!r}):\n{stderr[:1500]}"
    if not named(stderr, node):
        return f"{node.dotted} = {node.value!r}: refused without naming it:\n{stderr[:1500]}"
    return ""
