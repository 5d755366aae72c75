"""Read the helm-docs style `# --` comments of values.yaml and walk its keys.

The parser is deliberately small: values.yaml is written by hand in block style, two spaces per level,
with a `# -- text` comment (continued by further `# text` lines) directly above the key it documents, and a
`# @section -- <name>` line that files the key under a section of the README's parameter tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

_DOC_START = re.compile(r"^\s*# -- ?(?P<text>.*)$")
_DOC_MORE = re.compile(r"^\s*#(?: (?P<text>.*))?$")
_SECTION = re.compile(r"^\s*# @section -- (?P<name>.+)$")
_KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z0-9_./-]+):(?:\s|$)")


@dataclass(frozen=True)
class DocComment:
    """One `# --` comment and the dotted key path it documents."""

    path: tuple[str, ...]
    text: str
    line: int
    section: str = ""


def parse_doc_comments(values_file: Path) -> dict[tuple[str, ...], DocComment]:
    """Map each documented key path of a values file to its `# --` comment (continuation lines joined by a space)."""
    docs: dict[tuple[str, ...], DocComment] = {}
    stack: list[tuple[int, str]] = []
    pending: list[str] | None = None
    section = ""
    for number, line in enumerate(values_file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            pending = None
            continue
        start = _DOC_START.match(line)
        if start:
            pending = [start["text"].strip()]
            continue
        if (named := _SECTION.match(line)) and pending is not None:
            section = named["name"].strip()
            continue
        more = _DOC_MORE.match(line)
        if more:
            if pending is not None:
                pending.append((more["text"] or "").strip())
            continue
        key = _KEY.match(line)
        if key is None:  # list items and flow values belong to the key above
            continue
        indent = len(key["indent"])
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key["key"]))
        if pending is not None:
            path = tuple(name for _, name in stack)
            text = " ".join(part for part in pending if part)
            docs[path] = DocComment(path=path, text=text, line=number, section=section)
            pending, section = None, ""
    return docs


def schema_node(schema: Mapping[str, Any], path: tuple[str, ...]) -> Mapping[str, Any] | None:
    """The sub-schema governing `path`, following `properties`, `additionalProperties` and local `$ref`s."""
    node: Mapping[str, Any] | None = resolve_ref(schema, schema)
    for key in path:
        if node is None:
            return None
        props = node.get("properties", {})
        if key in props:
            node = resolve_ref(schema, props[key])
        elif isinstance(node.get("additionalProperties"), dict):
            node = resolve_ref(schema, node["additionalProperties"])
        else:
            return None
    return node


def resolve_ref(root: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    """Follow a local `#/definitions/...` reference (repeatedly) to the schema it names."""
    seen = 0
    while "$ref" in node:
        ref = str(node["$ref"])
        if not ref.startswith("#/"):
            msg = f"only local references are supported, got {ref}"
            raise ValueError(msg)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node = target
        seen += 1
        if seen > 32:
            msg = f"reference loop at {ref}"
            raise ValueError(msg)
    return node


def is_free_form(node: Mapping[str, Any]) -> bool:
    """True for a map schema without named properties (labels, annotations, passed-through objects)."""
    return "properties" not in node and (
        "patternProperties" in node or node.get("additionalProperties", True) is not False
    )


def leaf_paths(values: Mapping[str, Any], schema: Mapping[str, Any]) -> Iterator[tuple[str, ...]]:
    """Every leaf key path of `values`: scalars, lists, empty maps, and maps the schema treats as free-form."""

    def walk(node: Mapping[str, Any], prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        for key, value in node.items():
            path = (*prefix, str(key))
            sub = schema_node(schema, path)
            if isinstance(value, dict) and value and (sub is None or not is_free_form(sub)):
                yield from walk(value, path)
            else:
                yield path

    yield from walk(values, ())
