"""Walk values.schema.json: every constraint it states, a Go-regexp validator, and helm's schema report parsed.

A constraint is one keyword at one values path (`image.tag pattern`, `gpu.tolerations.[].operator enum`,
`config.* type`). Paths use `[]` for "an item of this list" and `*` for "a key of this free-form map"; branches of
`anyOf`/`oneOf` are constraints of their own (`service.targetPort oneOf/1 maxLength`), reported by helm as the
combinator failing at that path; an `if`/`then` pair is one (`image.tag then:enum`, harness.conditions).
tests/harness/negatives.py generates a violating input for each.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jsonschema
from jsonschema import validators

from harness.conditions import then_keyword

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

Path_ = tuple[str, ...]
ITEM = "[]"
KEY = "*"

# Keywords that state no constraint (annotations, structure handled by the walk itself).
ANNOTATIONS = frozenset(
    {"$schema", "$id", "$ref", "$comment", "title", "description", "default", "examples", "definitions", "if"}
)
# Keywords the walk descends into rather than violating directly.
STRUCTURE = frozenset({"properties", "patternProperties", "items", "allOf"})
# Keywords a negative input can be generated for (tests/harness/negatives.py); any other keyword fails the walk.
_CHECKED = """type enum const pattern minLength maxLength minimum maximum exclusiveMinimum exclusiveMaximum minItems
maxItems uniqueItems minProperties maxProperties required additionalProperties propertyNames not anyOf oneOf then"""
CHECKED = frozenset(_CHECKED.split())


@functools.cache  # validation asks for the same few patterns hundreds of thousands of times
def go_regex(pattern: str) -> re.Pattern[str]:
    """Compile a JSON-schema pattern with Go `regexp` (RE2) semantics, which helm's validators use: `$` outside a
    character class matches only at the very end (Python's `$` also matches before a final newline), and `\\d`,
    `\\s`, `\\w` are ASCII classes."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index : index + 2]
            out.append(r"\Z" if escaped == r"\z" else escaped)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(r"\Z" if char == "$" and not in_class else char)
        index += 1
    return re.compile("".join(out), re.ASCII)


def _go_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[jsonschema.ValidationError]:  # noqa: ANN401 - jsonschema's validator signature
    if validator.is_type(instance, "string") and not go_regex(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


GoValidator: Any = validators.extend(jsonschema.Draft7Validator, {"pattern": _go_pattern})


# root keywords that relate no two top-level keys: under such a root each top-level key validates on its own
_LOCAL_ROOT = frozenset({"$schema", "$id", "$comment", "title", "description", "type", "properties", "definitions"})
_LOCAL_ROOT |= {"additionalProperties", "required"}


class OverlayValidator:
    """Validates documents made of valid `defaults` with an overlay merged over them. When the schema's root relates
    no two keys, only the overlay's top-level keys can fail, so only they are validated: the same errors (paths made
    absolute) at a fraction of the cost; otherwise, and for a key the overlay adds or removes, the whole document."""

    def __init__(self, schema: Mapping[str, Any], defaults: Mapping[str, Any]) -> None:
        self.schema = schema
        self.whole = GoValidator(schema)
        self.by_key = set(schema) <= _LOCAL_ROOT and not any(self.whole.iter_errors(defaults))
        self._keys: dict[str, Any] = {}

    def errors(self, merged: Mapping[str, Any], overlay: Mapping[str, Any]) -> list[jsonschema.ValidationError]:
        """Every error of `merged` (the defaults with `overlay`)."""
        props = self.schema.get("properties", {})
        if not self.by_key or any(key not in merged or key not in props for key in overlay):
            return list(self.whole.iter_errors(merged))
        out = []
        for key in overlay:
            if key not in self._keys:
                self._keys[key] = GoValidator({**props[key], "definitions": self.schema.get("definitions", {})})
            for error in self._keys[key].iter_errors(merged[key]):
                error.path.appendleft(key)
                out.append(error)
        return out


def schema_errors(schema: Mapping[str, Any], values: Any) -> list[jsonschema.ValidationError]:  # noqa: ANN401 - values are free-form
    """Every error of `values` against `schema`, with Go regexp semantics."""
    return list(GoValidator(schema).iter_errors(values))


def resolve(root: Mapping[str, Any], node: Mapping[str, Any], pointer: str) -> tuple[Mapping[str, Any], str]:
    """Follow local `$ref`s; returns the target node and its JSON pointer in the schema file."""
    while "$ref" in node:
        ref = str(node["$ref"])
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        node, pointer = target, ref[1:]
    return node, pointer


@dataclass(frozen=True)
class Constraint:
    """One keyword at one values path. `branch` is `anyOf/1`-style when the keyword sits in a combinator's branch
    (helm then reports the combinator at `path`); `detail` names the required property, for `required`."""

    path: Path_
    keyword: str
    pointer: str
    branch: str = ""
    detail: str = ""
    node: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    combinator: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)
    origin: Path_ = field(default=(), compare=False, hash=False)  # where the combinator stands, for a branch

    @property
    def id(self) -> str:
        """Stable identity: `<dotted path> <branch/>keyword[:detail]`."""
        where = ".".join(self.path) or "(root)"
        what = f"{self.branch}/{self.keyword}" if self.branch else self.keyword
        return f"{where} {what}{':' + self.detail if self.detail else ''}"


class UnsupportedKeywordError(ValueError):
    """The schema uses a keyword no negative input can be generated for."""


def constraints(schema: Mapping[str, Any]) -> list[Constraint]:
    """Every constraint of the schema, in walk order; raises UnsupportedKeywordError for an unknown keyword."""
    found: list[Constraint] = []
    _walk(schema, schema, (), "", branch="", combinator={}, found=found, origin=())
    return found


def _walk(
    root: Mapping[str, Any],
    node: Mapping[str, Any],
    path: Path_,
    pointer: str,
    *,
    branch: str,
    combinator: Mapping[str, Any],
    found: list[Constraint],
    origin: Path_,
) -> None:
    node, pointer = resolve(root, node, pointer)
    if pointer.startswith("/definitions/") and pointer in _VISITING.get(id(found), ()):
        return  # a recursive definition (passthrough): its constraints are listed once, at its first path
    _VISITING.setdefault(id(found), set()).add(pointer)
    try:
        _walk_node(root, node, path, pointer, branch=branch, combinator=combinator, found=found, origin=origin)
    finally:
        _VISITING[id(found)].discard(pointer)


_VISITING: dict[int, set[str]] = {}


def _walk_node(
    root: Mapping[str, Any],
    node: Mapping[str, Any],
    path: Path_,
    pointer: str,
    *,
    branch: str,
    combinator: Mapping[str, Any],
    found: list[Constraint],
    origin: Path_,
) -> None:
    for keyword, argument in node.items():
        _walk_keyword(
            root,
            node,
            path,
            pointer,
            keyword=keyword,
            argument=argument,
            branch=branch,
            combinator=combinator,
            found=found,
            origin=origin,
        )
    # the sub-schemas below this node, in the same branch
    children: list[tuple[Mapping[str, Any], Path_, str]] = [
        (sub, (*path, name), f"{pointer}/properties/{name}") for name, sub in node.get("properties", {}).items()
    ]
    children += [
        (sub, (*path, KEY), f"{pointer}/patternProperties/{pattern}")
        for pattern, sub in node.get("patternProperties", {}).items()
    ]
    if isinstance(node.get("items"), dict):
        children.append((node["items"], (*path, ITEM), f"{pointer}/items"))
    children += [(sub, path, f"{pointer}/allOf/{index}") for index, sub in enumerate(node.get("allOf", []))]
    for sub, sub_path, where in children:
        _walk(root, sub, sub_path, where, branch=branch, combinator=combinator, found=found, origin=origin)


def _walk_keyword(
    root: Mapping[str, Any],
    node: Mapping[str, Any],
    path: Path_,
    pointer: str,
    *,
    keyword: str,
    argument: Any,  # noqa: ANN401 - a JSON-schema keyword's argument
    branch: str,
    combinator: Mapping[str, Any],
    found: list[Constraint],
    origin: Path_,
) -> None:
    """The constraints one keyword of `node` adds (and, for additionalProperties / anyOf / oneOf, the walk below)."""
    at = f"{pointer}/{keyword}"
    if keyword in ANNOTATIONS or keyword in STRUCTURE or (keyword == "additionalProperties" and argument is True):
        return
    if keyword not in CHECKED:
        msg = f"{'.'.join(path) or '(root)'}: keyword {keyword!r} ({at}) has no negative-input generator"
        raise UnsupportedKeywordError(msg)
    if keyword == "required":
        found.extend(Constraint(path, keyword, at, branch, name, node, combinator, origin) for name in argument)
    elif keyword == "additionalProperties" and isinstance(argument, dict):
        _walk(root, argument, (*path, KEY), at, branch=branch, combinator=combinator, found=found, origin=origin)
    elif keyword in {"anyOf", "oneOf"}:
        if branch:
            msg = f"{'.'.join(path)}: nested {keyword} inside {branch} is not supported"
            raise UnsupportedKeywordError(msg)
        found.append(Constraint(path, keyword, at, "", "", node, node))
        for index, sub in enumerate(argument):
            where = f"{at}/{index}"
            _walk(root, sub, path, where, branch=f"{keyword}/{index}", combinator=node, found=found, origin=path)
    elif keyword == "then":  # detail: the keyword inside that refuses (its enum)
        detail = then_keyword(argument, ANNOTATIONS)
        found.append(Constraint(path, keyword, at, branch, detail, node, combinator, origin))
    elif keyword == "propertyNames":
        names = sorted(k for k in argument if k not in ANNOTATIONS)
        found.extend(Constraint(path, keyword, f"{at}/{sub}", branch, sub, node, combinator, origin) for sub in names)
    else:
        found.append(Constraint(path, keyword, at, branch, "", node, combinator, origin))


def merged_node(root: Mapping[str, Any], node: Mapping[str, Any]) -> dict[str, Any]:
    """A node with its `$ref` and `allOf` parts folded in (for reading the constraints that apply at one path)."""
    node, _ = resolve(root, node, "")
    out = {k: v for k, v in node.items() if k != "allOf"}
    for part in node.get("allOf", []):
        for key, value in merged_node(root, part).items():
            out.setdefault(key, value)
    return out


def node_at(root: Mapping[str, Any], path: Path_) -> dict[str, Any] | None:
    """The merged schema node governing a values path (`[]` and `*` placeholders or concrete keys/indices)."""
    node = merged_node(root, root)
    for part in path:
        props = node.get("properties", {})
        if part in props:
            node = merged_node(root, props[part])
        elif node.get("type") == "array" or "items" in node:
            if not isinstance(node.get("items"), dict):
                return None
            node = merged_node(root, node["items"])
        elif node.get("patternProperties"):
            pattern, sub = next(iter(node["patternProperties"].items()))
            if part != KEY and not go_regex(pattern).search(part):
                return None
            node = merged_node(root, sub)
        elif isinstance(node.get("additionalProperties"), dict):
            node = merged_node(root, node["additionalProperties"])
        else:
            return None
    return node


# --- helm's schema report ----------------------------------------------------------------------------------------

# Helm <= 3.18 (gojsonschema): "- image.tag: Must not validate the schema (not)", "(root)" for the top.
_GOJSONSCHEMA = re.compile(r"^\s*- (?P<path>\(root\)|[^:\s][^:]*): (?P<text>.*)$")
# Helm >= 3.19 and 4 (santhosh-tekuri/jsonschema): "- at '/image/tag': 'not' failed", nested by indentation.
_SANTHOSH = re.compile(r"^\s*- at '(?P<pointer>[^']*)': (?P<text>.*)$")


@dataclass(frozen=True)
class ReportLine:
    """One line of helm's schema report: the values path it names (dotted; "" is the root) and its text."""

    path: str
    text: str


@functools.lru_cache(maxsize=256)
def parse_report(stderr: str) -> tuple[ReportLine, ...]:
    """The lines of helm's schema-validation report, in either validator's format. gojsonschema prints a property
    name raw, so a name with a line break continues on the next lines; those are joined to their entry."""
    lines: list[ReportLine] = []
    started = False
    for raw in stderr.splitlines():
        if match := _SANTHOSH.match(raw):
            tokens = [t.replace("~1", "/").replace("~0", "~") for t in match["pointer"].split("/")[1:]]
            lines.append(ReportLine(".".join(tokens), match["text"]))
        elif match := _GOJSONSCHEMA.match(raw):
            path = "" if match["path"] == "(root)" else match["path"]
            lines.append(ReportLine(path, match["text"]))
        elif started and lines and raw and not raw.startswith(("Error", "ai-inference:", "Use --debug")):
            lines[-1] = ReportLine(lines[-1].path, f"{lines[-1].text}\n{raw}")
        started = started or raw.endswith("in the following chart(s):")
    return tuple(lines)


def go_quoted(text: str) -> str:
    """`text` the way Go's %q prints it, without the outer quotes (santhosh-tekuri quotes values and names so)."""
    out = []
    for char in text:
        code = ord(char)
        if char in "\\'\"":
            out.append("\\" + char if char == "\\" else char)
        elif char in "\a\b\f\n\r\t\v":
            out.append(
                {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v"}[char]
            )
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif not char.isprintable():
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(char)
    return "".join(out)


# What each keyword's failure reads like under gojsonschema | santhosh-tekuri (case-insensitive regexes).
WORDING: dict[str, str] = {
    "type": r"Invalid type\. Expected|got \w+, want",
    "enum": r"must be one of|value must be",
    "const": r"does not match:|value must be",
    "pattern": r"does not match pattern",
    "minLength": r"String length must be greater than or equal to|minLength: got",
    "maxLength": r"String length must be less than or equal to|maxLength: got",
    "minimum": r"Must be greater than or equal to|minimum: got",
    "maximum": r"Must be less than or equal to|maximum: got",
    "exclusiveMinimum": r"Must be greater than|exclusiveMinimum: got",
    "exclusiveMaximum": r"Must be less than|exclusiveMaximum: got",
    "minItems": r"Array must have at least|minItems: got",
    "maxItems": r"Array must have at most|maxItems: got",
    "uniqueItems": r"must be unique|are equal",
    "minProperties": r"Must have at least \d+ propert|minProperties: got",
    "maxProperties": r"Must have at most \d+ propert|maxProperties: got",
    "not": r"Must not validate the schema|'not' failed",
    "anyOf": r"Must validate at least one schema|'anyOf' failed",
    "oneOf": r"Must validate one and only one schema|'oneOf' failed|valid against schemas at indexes",
}


def wording(keyword: str, name: str = "") -> str:
    """The regex a keyword's failure matches; `name` is the offending or missing property for the key keywords."""
    quoted = f"(?:{re.escape(name)}|{re.escape(go_quoted(name))})"
    if keyword == "additionalProperties":
        return rf"Additional property {quoted} is not allowed|additional propert(?:y|ies) (?:'[^']*', )*'{quoted}'"
    if keyword == "required":
        return rf"{quoted} is required|missing propert(?:y|ies) (?:'[^']*', )*'{quoted}'"
    if keyword == "propertyNames":
        return rf"Property name of \"{quoted}\" does not match|'{quoted}' does not match pattern"
    if keyword.startswith("propertyNames:"):
        return rf"Property name of \"{quoted}\" does not match|invalid propertyName '{quoted}'"
    return WORDING[keyword]
