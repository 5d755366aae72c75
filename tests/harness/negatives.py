"""Generate, for every constraint of values.schema.json, values that violate exactly that constraint.

Each negative is a values overlay (merged over values.yaml as helm merges a values file) that the schema rejects
with errors at one path only, among them the target keyword (or, inside an `anyOf`/`oneOf` branch, the combinator).
The generator tries candidates in a fixed order (mutations of the values files' own samples first, then a fixed
pool), checking each with a Go-regexp JSON-schema validator, so its output is deterministic. The result is pinned in
tests/negatives.json (rewritten by `nox -s generate`, which also checks that the pinned inputs are what it makes of
today's schema): the render tier checks that helm rejects each of them naming the key.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from harness.conditions import candidates
from harness.render import deep_merge
from harness.schema_walk import (
    ITEM,
    KEY,
    Constraint,
    OverlayValidator,
    constraints,
    go_regex,
    merged_node,
    node_at,
    schema_errors,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from harness.schema_walk import Path_

# Constraints no values file can violate, with the reason.
UNREACHABLE = {"(root) type": "a values file is always a map"}
PATTERN_NEGATIVES = 3  # distinct violating strings kept per pattern
DELETE = object()  # "leave this property out" (a null in a values file: helm deletes the key)

_FIXED_STRINGS = (
    "",
    " ",
    "a b",
    "A",
    "a_b",
    "-a",
    "a-",
    "..",
    "a..b",
    "a/b",
    "/",
    "/a",
    "a:b",
    "1",
    "1a",
    "a@b",
    "x\ny",
    "latest",
    "-1",
    "101%",
    "1.2.3.4",
    "10.0.0.0/33",
    "300.0.0.0/8",
    "*.a",
    "a" * 254,
)
_BAD_KEYS = ("1bad", "bad-name", "bad name", "bad..name", "..", "bad\nname", "-bad", "bad/", "Bad_Name", "a" * 254)
_GOOD_KEYS = ("EXAMPLE", "example", "example.com/key", "a")
_NOT_TYPE: dict[str, tuple[Any, ...]] = {
    "string": (12345, True),
    "integer": ("1", 1.5, True),
    "number": ("1", True),
    "boolean": ("true", 1),
    "array": ("x", {"a": "b"}),
    "object": ("x", ["x"]),
}


@dataclass(frozen=True)
class Negative:
    """One violating input: the constraint it targets, the overlay, the values path helm must name, the keyword
    whose wording the message carries, and the property name for key keywords."""

    constraint: str
    overlay: dict[str, Any]
    expect: tuple[str, ...]
    keyword: str
    name: str = ""

    def as_json(self) -> dict[str, Any]:
        """For tests/negatives.json."""
        return {
            "constraint": self.constraint,
            "keyword": self.keyword,
            "name": self.name,
            "expect": list(self.expect),
            "overlay": self.overlay,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Negative:
        """From tests/negatives.json."""
        return cls(data["constraint"], data["overlay"], tuple(data["expect"]), data["keyword"], data["name"])


class NoNegativeError(ValueError):
    """No candidate violates the constraint alone."""


def collect_samples(schema: Mapping[str, Any], documents: Iterable[Any]) -> dict[Path_, list[Any]]:
    """Values found at each placeholder path (`[]` for list items, `*` for free-form keys) in the documents."""
    samples: dict[Path_, list[Any]] = {}

    def walk(value: Any, path: Path_) -> None:  # noqa: ANN401 - values are free-form
        if value not in samples.setdefault(path, []):
            samples[path].append(value)
        if isinstance(value, list):
            for item in value:
                walk(item, (*path, ITEM))
        elif isinstance(value, dict):
            node = node_at(schema, path) or {}
            for key, sub in value.items():
                walk(sub, (*path, key if key in node.get("properties", {}) else KEY))
                samples.setdefault((*path, "<keys>"), []).append(key)

    for document in documents:
        walk(document, ())
    return samples


class Generator:
    """Builds negatives for one schema, with samples from values.yaml and the values files."""

    def __init__(self, schema: Mapping[str, Any], defaults: dict[str, Any], documents: Iterable[Any]) -> None:
        self.schema = schema
        self.defaults = defaults
        self.samples = collect_samples(schema, [defaults, *documents])
        self.validator = OverlayValidator(schema, defaults)

    # --- valid instances --------------------------------------------------------------------------------------

    def valid(self, path: Path_) -> Any:  # noqa: ANN401 - values are free-form
        """A value the schema accepts at `path`: a sample from the values, else a synthesized one."""
        node = node_at(self.schema, path) or {}
        for sample in self.samples.get(path, []):
            if not _errors_against(self.schema, node, sample):
                return copy.deepcopy(sample)
        return self.synthesize(node, path)

    def synthesize(self, node: Mapping[str, Any], path: Path_) -> Any:  # noqa: ANN401, PLR0911
        """A minimal instance of `node`."""
        node = merged_node(self.schema, node)
        if "const" in node:
            return node["const"]
        if node.get("enum"):
            return next((v for v in node["enum"] if v != ""), node["enum"][0])
        for branch in node.get("anyOf", node.get("oneOf", [])):
            return self.synthesize(branch, path)
        kind = node.get("type", "string")
        kind = kind[0] if isinstance(kind, list) else kind
        if kind == "object":
            props = node.get("properties", {})
            required = node.get("required", [])
            return {name: self.valid((*path, name)) if name in props else "EXAMPLE" for name in required}
        if kind == "array":
            return [self.valid((*path, ITEM)) for _ in range(node.get("minItems", 0))]
        if kind in {"integer", "number"}:
            return max(int(node.get("minimum", 1)), 1)
        if kind == "boolean":
            return False
        for candidate in (*_GOOD_KEYS, "/a", "1", "a" * node.get("minLength", 1)):
            if not _errors_against(self.schema, node, candidate):
                return candidate
        msg = f"{'.'.join(path)}: cannot synthesize a valid string"
        raise NoNegativeError(msg)

    def key_for(self, path: Path_) -> str:
        """A key the free-form map at `path` accepts."""
        node = node_at(self.schema, path) or {}
        keys = [str(k) for k in self.samples.get((*path, "<keys>"), [])] + list(_GOOD_KEYS)
        return next(k for k in keys if _key_ok(node, k))

    # --- overlays ---------------------------------------------------------------------------------------------

    def concrete(self, path: Path_) -> Path_:
        """Placeholders replaced: `[]` by index 0, `*` by an accepted key."""
        out: list[str] = []
        for part in path:
            out.append("0" if part == ITEM else self.key_for(tuple(out)) if part == KEY else part)
        return tuple(out)

    def overlay(self, path: Path_, value: Any) -> dict[str, Any]:  # noqa: ANN401 - values are free-form
        """A values overlay that sets `value` (or DELETE) at the concrete `path`; list items are valid samples."""
        root: dict[str, Any] = {}
        concrete = self.concrete(path)
        self._set(root, path, concrete, 0, value, in_item=False)
        parent = _lookup(root, concrete[:-1])
        if value is DELETE and parent == {}:
            # helm drops an empty map for a key that has no default: keep one other property so it stays
            other = [p for p in (node_at(self.schema, path[:-1]) or {}).get("properties", {}) if p != path[-1]]
            parent.update({name: self.valid((*path[:-1], name)) for name in other[:1]})
        # a sample object next to the target must not meet its own `if` (an EnvVar's value beside a valueFrom)
        node = node_at(self.schema, path[:-1]) or {}
        together = set(node.get("if", {}).get("required", []))
        if isinstance(parent, dict) and value is not DELETE and path[-1] in together:
            for name in together - {path[-1], *node.get("required", [])}:
                parent.pop(name, None)
        return root

    def _set(self, obj: Any, path: Path_, concrete: Path_, depth: int, value: Any, *, in_item: bool) -> None:  # noqa: ANN401, PLR0912 - one branch per container kind
        part = concrete[depth]
        last = depth == len(concrete) - 1
        if isinstance(obj, list):
            if last:
                obj[int(part)] = value
            else:
                if not isinstance(obj[int(part)], (dict, list)):  # a scalar sample of an item that may be an object
                    obj[int(part)] = {}
                self._set(obj[int(part)], path, concrete, depth + 1, value, in_item=True)
            return
        if last:
            if value is not DELETE:
                obj[part] = value
            elif in_item:
                obj.pop(part, None)
            else:
                obj[part] = None  # helm deletes a key set to null
            return
        if path[depth + 1] == ITEM:
            if not (isinstance(obj.get(part), list) and obj[part]):
                obj[part] = [self.valid(path[: depth + 2])]
        elif not isinstance(obj.get(part), dict):
            if in_item or _lookup(self.defaults, concrete[: depth + 1]) is None:
                in_item = True  # a new object, not merged over a default: build it whole
                built = self.valid(path[: depth + 1])
                obj[part] = built if isinstance(built, dict) else {}
            else:
                obj[part] = {}
        self._set(obj[part], path, concrete, depth + 1, value, in_item=in_item or path[depth + 1] == ITEM)

    # --- negatives --------------------------------------------------------------------------------------------

    def negatives(self, constraint: Constraint) -> list[Negative]:
        """Violating inputs for one constraint (several distinct strings for a pattern). Inputs that break only
        this constraint come first; one that also breaks a sibling at the same path (a wrong type that is also
        outside the enum) is the fallback, since the wording of each keyword is checked separately."""
        keep = PATTERN_NEGATIVES if constraint.keyword in {"pattern", "then"} else 1
        exact: list[Negative] = []
        coupled: list[Negative] = []
        for path, value, name in self._candidates(constraint):
            checked = self._check(constraint, path, value, name)
            if checked is None:
                continue
            negative, alone = checked
            bucket = exact if alone else coupled
            if negative.overlay not in [n.overlay for n in (*exact, *coupled)]:
                bucket.append(negative)
            if len(exact) >= keep:
                break
        found = (exact + coupled)[:keep]
        if not found:
            msg = f"{constraint.id}: no generated input violates it alone; add a candidate"
            raise NoNegativeError(msg)
        return found

    def _check(self, constraint: Constraint, path: Path_, value: Any, name: str) -> tuple[Negative, bool] | None:  # noqa: ANN401
        try:
            overlay = self.overlay(path, value)
        except (StopIteration, NoNegativeError):
            return None
        merged = deep_merge(self.defaults, overlay)
        errors = self.validator.errors(merged, overlay)
        subject = self.concrete(constraint.origin if constraint.branch else constraint.path)
        if not errors or {tuple(str(p) for p in e.absolute_path) for e in errors} != {subject}:
            return None
        kinds = {e.validator for e in errors}
        if constraint.branch:
            combinator = constraint.branch.split("/")[0]
            if kinds != {combinator} or not _branch_fails(self.schema, constraint, _lookup(merged, subject)):
                return None
            return Negative(constraint.id, overlay, subject, combinator), len(errors) == 1
        # propertyNames reports the failing keyword of its sub-schema (pattern), `then` the keyword inside it (enum)
        named = constraint.detail if constraint.keyword in {"propertyNames", "then"} else constraint.keyword
        if named not in kinds:
            return None
        keyword = "propertyNames:maxLength" if constraint.detail == "maxLength" else constraint.keyword
        keyword = constraint.detail if constraint.keyword == "then" else keyword
        return Negative(constraint.id, overlay, subject, keyword, name), len(errors) == 1

    def _candidates(self, c: Constraint) -> Iterator[tuple[Path_, Any, str]]:  # noqa: PLR0912 - one per keyword
        node = c.node
        arg: Any = node.get(c.keyword)
        kw = c.keyword
        if kw == "required":
            yield (*c.path, c.detail), DELETE, c.detail
        elif kw == "additionalProperties":
            for key in ("zzUnknownKey", *_BAD_KEYS):
                yield (*c.path, key), self._some_value(c.path), key
        elif kw == "propertyNames":
            limit = int(node["propertyNames"].get("maxLength", 0))
            long_keys = ("a" * (limit + 1), ".".join(["a" * 63] * (limit // 64 + 1)) + "/a")
            for key in long_keys if c.detail == "maxLength" else _BAD_KEYS:
                yield (*c.path, key), self._some_value(c.path), key
        elif kw == "type":
            wanted = arg if isinstance(arg, list) else [arg]
            for value in itertools.chain.from_iterable(_NOT_TYPE[t] for t in wanted):
                yield c.path, value, ""
        elif kw in {"minimum", "exclusiveMinimum"}:
            yield c.path, arg - 1 if kw == "minimum" else arg, ""
        elif kw in {"maximum", "exclusiveMaximum"}:
            yield c.path, arg + 1 if kw == "maximum" else arg, ""
        elif kw in {"minItems", "maxItems", "uniqueItems"}:
            item = self.valid((*c.path, ITEM))
            count = {"minItems": (arg or 1) - 1, "maxItems": arg + 1, "uniqueItems": 2}[kw]
            yield c.path, [copy.deepcopy(item) for _ in range(count)], ""
        elif kw in {"minProperties", "maxProperties"}:
            sample = self.valid(c.path)
            sample = sample if isinstance(sample, dict) else {}
            names = [*sample, *(n for n in node.get("properties", {}) if n not in sample)]
            count = arg - 1 if kw == "minProperties" else arg + 1
            props = {n: sample[n] if n in sample else self.valid((*c.path, n)) for n in names[:count]}
            yield c.path, props, ""
        elif kw == "then":
            samples, strings = self.samples.get(c.path, []), self._strings(c.path, node)
            valid = lambda name: self.valid(c.path if name is None else (*c.path, name))  # noqa: E731
            yield from ((c.path, value, "") for value in candidates(node.get("if", {}), samples, valid, strings))
        elif kw == "not":
            literal = str(arg.get("pattern", "")).strip("^$")
            samples = [s for s in self.samples.get(c.path, []) if isinstance(s, str) and s] or ["a"]
            inserted = [s[:1] + literal + s[1:] for s in samples] if literal.isascii() and literal else []
            for value in (arg.get("const"), *arg.get("enum", []), *inserted, *self._strings(c.path, node)):
                if value is not None:
                    yield c.path, value, ""
        else:
            for value in self._strings(c.path, node):
                yield c.path, value, ""
            for value in (-1, 0, 70000, True, 1.5):
                yield c.path, value, ""

    def _some_value(self, map_path: Path_) -> Any:  # noqa: ANN401 - values are free-form
        node = node_at(self.schema, map_path) or {}
        patterns = node.get("patternProperties", {})
        sub = next(iter(patterns.values()), None) or node.get("additionalProperties")
        return self.synthesize(sub, (*map_path, KEY)) if isinstance(sub, dict) else "x"

    def _strings(self, path: Path_, node: Mapping[str, Any]) -> Iterator[str]:
        samples = [s for s in self.samples.get(path, []) if isinstance(s, str) and s] or ["a"]
        limit = node.get("maxLength")
        for sample in samples:
            if limit is not None:
                yield (sample * (limit // len(sample) + 2))[: limit + 1]
            yield from (sample + "\n", sample.upper(), "-" + sample, sample + "_x", sample + "..", sample + "/")
            yield from (sample + "%", sample + "@", sample + " ", " " + sample, sample + "\x01", sample + "-")
            yield from (sample.rsplit(":", 1)[0] + ":latest", sample[:-1])
        if limit is not None:
            yield from (c * (limit + 1) for c in "a1A")
        yield from _FIXED_STRINGS


def _lookup(values: Any, path: Path_) -> Any:  # noqa: ANN401 - values are free-form
    for part in path:
        if isinstance(values, list) and part.isdigit() and int(part) < len(values):
            values = values[int(part)]
        elif isinstance(values, dict) and part in values:
            values = values[part]
        else:
            return None
    return values


def _errors_against(root: Mapping[str, Any], node: Mapping[str, Any], value: Any) -> list[Any]:  # noqa: ANN401
    return schema_errors({**node, "definitions": root.get("definitions", {})}, value)


def _key_ok(node: Mapping[str, Any], key: str) -> bool:
    names = node.get("propertyNames", {}).get("pattern")
    patterns = list(node.get("patternProperties", {}))
    if names and not go_regex(names).search(key):
        return False
    return not patterns or any(go_regex(p).search(key) for p in patterns)


def _branch_fails(root: Mapping[str, Any], c: Constraint, value: Any) -> bool:  # noqa: ANN401
    index = int(c.branch.split("/")[1])
    branch = c.combinator[c.branch.split("/")[0]][index]
    errors = list(_errors_against(root, merged_node(root, branch), value))
    nested = [leaf for error in errors for leaf in (error, *(error.context or []))]
    return any(e.validator == c.keyword for e in nested)


def generate(schema: Mapping[str, Any], defaults: dict[str, Any], documents: Iterable[Any]) -> list[Negative]:
    """Negatives for every constraint of the schema (UNREACHABLE ones excepted); raises NoNegativeError."""
    generator = Generator(schema, defaults, documents)
    out: list[Negative] = []
    for constraint in constraints(schema):
        if constraint.id not in UNREACHABLE:
            out.extend(generator.negatives(constraint))
    return out
