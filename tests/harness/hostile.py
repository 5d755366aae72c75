"""The hostile-string walk: every string leaf of the values (and a new key in every free-form map) set to strings an
attacker or a tired operator would write. Each must be rejected with a message naming its key, or reach the manifest
as data: the same objects, every other field unchanged, the string intact where its benign stand-in stood.

Per scenario: one render with a benign marked value per leaf (`<value>zq<n>q`), which shows which leaves reach the
manifest and where; then, per hostile kind, one render with every schema-accepted leaf set to `<benign><payload>`,
compared with the benign render by substitution; and one render with every schema-rejected leaf, whose report must
name each. A leaf class (`gpu.tolerations.[].key`, `config.*`) proven in one scenario is not walked again.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.schema_walk import ITEM, KEY, GoValidator, go_quoted, merged_node, node_at, parse_report

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from harness.render import Manifest, Obj

NEW_KEY = "<new key>"
KINDS: dict[str, str] = {
    "document": "\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: injected\n",
    "field": "\n" + "\n".join(f"{' ' * n}injected{n}: evil" for n in range(0, 14, 2)),
    "template": '{{ .Release.Name }}{{ fail "a value was evaluated as a template" }}',
    "long": "a" * 4096,
    "separators": "\u2028injected: evil\u0085---\u2029",
    "control": "\x00\x01\x1b",  # NUL, SOH, ESC (DEL and C1 controls: helm 3.17 cannot report them, see below)
}
# A new key gets a shorter long string: YAML refuses implicit keys over 1024 characters, and helm 3.17 re-reads the
# values as YAML before validating them, so a longer key breaks the whole report instead of naming itself.
LONG_KEY = "a" * 400


def payload(leaf: Leaf, kind: str) -> str:
    """The hostile suffix of `kind` for `leaf`."""
    return LONG_KEY if leaf.new_key and kind == "long" else KINDS[kind]


# helm <= 3.18 re-reads the values as YAML before its schema check; a map key holding DEL, a C1 control or U+0085
# (NEL) breaks that read, so its report is one YAML error instead of the key's path (the render fails all the same).
HELM3_KEY_YAML = re.compile(r"^ai-inference:\nyaml: ", re.MULTILINE)
_UNREPORTABLE = re.compile("[\x7f-\x9f]")
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


@dataclass(frozen=True)
class Leaf:
    """A string value at `path` (concrete keys and indices), or a new key of the free-form map at `path`."""

    path: tuple[str, ...]
    value: str
    new_key: bool = False

    @property
    def dotted(self) -> str:
        """The values path as messages print it."""
        return ".".join(self.path)


def leaf_class(schema: Mapping[str, Any], leaf: Leaf) -> tuple[str, ...]:
    """List indices become `[]`, keys of free-form maps `*`: leaves of one class take the same code path."""
    out: list[str] = []
    for part in leaf.path:
        node = node_at(schema, tuple(out)) or {}
        if part.isdigit() and (node.get("type") == "array" or "items" in node):
            out.append(ITEM)
        elif part in node.get("properties", {}) or not out:
            out.append(part)
        else:
            out.append(KEY)
    return (*out, NEW_KEY) if leaf.new_key else tuple(out)


def leaves(schema: Mapping[str, Any], values: Any, path: tuple[str, ...] = ()) -> Iterator[Leaf]:  # noqa: ANN401
    """Every string leaf of `values`, and a new key for every free-form map (one without named properties)."""
    if isinstance(values, str):
        yield Leaf(path, values)
    elif isinstance(values, list):
        if passed_through(node_at(schema, (*path, "0")) or {}):
            return
        for index, item in enumerate(values):
            yield from leaves(schema, item, (*path, str(index)))
    elif isinstance(values, dict):
        node = node_at(schema, path) or {}
        if path and passed_through(node):
            return
        if path and "properties" not in node and (node.get("additionalProperties") or node.get("patternProperties")):
            yield Leaf(path, "", new_key=True)
        for key, sub in values.items():
            yield from leaves(schema, sub, (*path, str(key)))


def passed_through(node: Mapping[str, Any]) -> bool:
    """A Kubernetes object the chart passes through as it is (affinity, extraVolumes, containers, HPA behavior): its
    strings are the API server's to check, so the walk does not descend into it (documented in the chart README)."""
    if "passed through" in str(node.get("$comment", "")):
        return True
    free = node.get("type") == "object" and "properties" not in node and "patternProperties" not in node
    return free and not isinstance(node.get("additionalProperties"), dict)


def accepted(schema: Mapping[str, Any], leaf: Leaf, text: str, values: Mapping[str, Any]) -> bool:
    """Whether the schema (Go regexp semantics) accepts `text` at the leaf (as its value, or as the new key)."""
    node = merged_node(schema, node_at(schema, leaf.path) or {})
    instance: Any = {**_get(values, leaf.path), text: _new_key_value(schema, leaf)} if leaf.new_key else text
    return not list(GoValidator({**node, "definitions": schema.get("definitions", {})}).iter_errors(instance))


def _new_key_value(schema: Mapping[str, Any], leaf: Leaf) -> Any:  # noqa: ANN401 - values are free-form
    node = node_at(schema, (*leaf.path, KEY)) or {}
    return "1" if "quantity" in json.dumps(node) or node.get("pattern", "").startswith("^(\\+|-)?") else "v"


def _get(values: Any, path: tuple[str, ...]) -> Any:  # noqa: ANN401 - values are free-form
    for part in path:
        values = values[int(part)] if isinstance(values, list) else values[part]
    return values


def with_leaves(merged: Mapping[str, Any], settings: Mapping[Leaf, str], schema: Mapping[str, Any]) -> dict[str, Any]:
    """Overrides (merged over the scenario's values) that set each leaf to its text. Each touched top-level key is
    re-supplied whole from the scenario's merged values (a no-op for helm's merge), then changed in place."""
    overrides: dict[str, Any] = {}
    for leaf, text in settings.items():
        top = leaf.path[0]
        if top not in overrides:
            overrides[top] = copy.deepcopy(merged[top])
        if leaf.new_key:
            _get(overrides, leaf.path)[text] = _new_key_value(schema, leaf)
        else:
            parent = _get(overrides, leaf.path[:-1])
            parent[int(leaf.path[-1]) if isinstance(parent, list) else leaf.path[-1]] = text
    return overrides


def named_in(stderr: str, leaf: Leaf, text: str, *, within: bool = False) -> bool:
    """helm's message names the leaf: a schema report line at its path (for a new key: the map's path and the key),
    or a chart validation line `ai-inference: <path>...`; with `within`, a chart line naming a block that contains
    the leaf (`secrets.native: set either data or existingSecret`) counts too."""
    quoted = (text, go_quoted(text))
    if leaf.new_key and _UNREPORTABLE.search(text) and HELM3_KEY_YAML.search(stderr):
        return True  # helm <= 3.18 cannot print the report for such a key (see HELM3_KEY_YAML); it refuses it
    for line in parse_report(stderr):
        if leaf.new_key and line.path in {leaf.dotted, f"{leaf.dotted}.{text}"} and any(q in line.text for q in quoted):
            return True
        if not leaf.new_key and line.path == leaf.dotted:
            return True
    key = leaf.dotted if not leaf.new_key else f"{leaf.dotted}."
    lines = _chart_lines(stderr)
    if within:
        named = [line.removeprefix("ai-inference: ").split(":", 1)[0] for line in lines]
        return any(leaf.dotted == n or leaf.dotted.startswith(n + ".") for n in named)
    if any(line.startswith(f"ai-inference: {key}") for line in lines):
        return True
    # a map's check may name the map and the key apart: "<map>: <key> ... is not ..."
    parent = ".".join(leaf.path[:-1])
    return bool(parent) and any(line.startswith(f"ai-inference: {parent}:") and leaf.path[-1] in line for line in lines)


def _chart_lines(stderr: str) -> list[str]:
    lines = [m.group(0) for m in re.finditer(r"ai-inference: \S.*", stderr)]
    return [re.sub(r"\[(\d+)\]", r".\1", line) for line in lines]


@dataclass
class Comparison:
    """Differences between the benign render and a hostile one, after substituting each benign value."""

    substitutions: dict[str, str]
    problems: list[str] = field(default_factory=list)
    values: bool = True  # False: compare the structure only (objects and fields), not the strings

    def substitute(self, text: str) -> str:
        """The benign text with every benign marker value replaced by its hostile value."""
        for benign in sorted(self.substitutions, key=len, reverse=True):
            text = text.replace(benign, self.substitutions[benign])
        return text

    def compare(self, benign: Any, hostile: Any, where: str) -> None:  # noqa: ANN401 - rendered YAML
        """Record how `hostile` differs from `benign` with the substitutions applied."""
        if len(self.problems) > 20:
            return
        if isinstance(benign, dict) and isinstance(hostile, dict):
            expected = {self.substitute(str(k)): v for k, v in benign.items()}
            if set(expected) != {str(k) for k in hostile}:
                extra = sorted(set(map(str, hostile)) - set(expected))[:3]
                missing = sorted(set(expected) - set(map(str, hostile)))[:3]
                self.problems.append(f"{where}: fields differ: added {extra!r}, missing {missing!r}")
                return
            for key, value in expected.items():
                self.compare(value, hostile[key], f"{where}.{key[:40]!r}")
        elif isinstance(benign, list) and isinstance(hostile, list) and len(benign) == len(hostile):
            for index, (one, two) in enumerate(zip(benign, hostile, strict=True)):
                self.compare(one, two, f"{where}[{index}]")
        elif isinstance(benign, str) and isinstance(hostile, str):
            if (
                self.values
                and hostile != self.substitute(benign)
                and not (_HEX64.match(benign) and _HEX64.match(hostile))
            ):
                self.problems.append(f"{where}: {hostile[:120]!r} is not the value given ({benign[:60]!r})")
        elif benign != hostile:
            self.problems.append(f"{where}: {str(hostile)[:120]!r} != {str(benign)[:60]!r}")


def compare_manifests(
    benign: Manifest, hostile: Manifest, substitutions: dict[str, str], *, values: bool = True
) -> list[str]:
    """Problems: objects added or removed, fields added, removed or (with `values`) altered beyond the substituted
    values."""
    comparison = Comparison(substitutions, values=values)
    if len(benign.objects) != len(hostile.objects):
        kinds = sorted(hostile.kinds_names)[:12]
        return [f"object count {len(hostile.objects)} != {len(benign.objects)}: {kinds}"]
    for one, two in zip(benign.objects, hostile.objects, strict=True):
        comparison.compare(one, two, f"{one.get('kind')}")
    return comparison.problems


def reached(manifest: Manifest, marker: str) -> bool:
    """Whether `marker` occurs in any key or string of the rendered objects."""
    return marker in json.dumps(manifest.objects, ensure_ascii=False)


def objects_text(objects: list[Obj]) -> str:
    """All rendered objects as one JSON text (for searching markers)."""
    return json.dumps(objects, ensure_ascii=False)
