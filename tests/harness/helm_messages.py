"""Regexes for helm's error messages, for tests that expect a render to fail.

Schema errors come from helm's JSON-schema validator, whose wording differs between Helm 3 (gojsonschema:
`- image.tag: Must not validate the schema (not)`) and Helm 4 (santhosh-tekuri/jsonschema:
`- at '/image/tag': 'not' failed`). `schema_error()` builds one regex that matches the key path and the constraint on
the same line in either wording. Template errors come from the chart's templates/_validate*.tpl and read
`ai-inference: <key path>: <what is wrong>; <what is allowed>` (`chart_error()`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bad:
    """One invalid input of the bad-input catalog: id, overrides, regexes helm's stderr must match; `missing` marks
    a validation the chart lacks (strict xfail with the message the chart should give)."""

    id: str
    overrides: dict[str, Any]
    match: tuple[str, ...]
    missing: str = field(default="")


def key(path: str) -> str:
    """A values key path as Helm 3 prints it (`a.b.0.c`, `(root)`) or Helm 4 does (`'/a/b/0/c'`, `''`)."""
    if not path:
        return r"(?:\(root\)|'')"
    dotted = re.escape(path)
    slashed = re.escape("/" + path.replace(".", "/"))
    return rf"(?:(?<![\w.]){dotted}|'{slashed}')"


def schema_error(path: str, constraint: str) -> str:
    """Key path and constraint on one line of helm's schema report."""
    return rf"{key(path)}'?:\s.*{constraint}"


def typ(name: str) -> str:
    """Wrong JSON type."""
    return rf"(?:Expected: {name}|want {name})"


def number(n: int) -> str:
    """A number as Helm 3 (`65535`) or Helm 4 (`65,535`) prints it."""
    return f"(?:{n}|{n:,})"


def minimum(n: int) -> str:
    """Below the minimum."""
    return rf"(?:greater than or equal to {n}|minimum: got -?[\d.,]+, want {number(n)})"


def maximum(n: int) -> str:
    """Above the maximum."""
    return rf"(?:less than or equal to {n}|maximum: got -?[\d.,]+, want {number(n)})"


def one_of(*allowed: str) -> str:
    """Not in the enum; the allowed values are listed."""
    return "must be one of.*" + ".*".join(re.escape(a) for a in allowed)


def extra(name: str) -> str:
    """An unknown key."""
    quoted = re.escape(name)
    return rf"(?:Additional property {quoted} is not allowed|additional propert(?:y|ies) (?:'[^']*', )*'{quoted}')"


def required(name: str) -> str:
    """A missing required key."""
    return rf"(?:{re.escape(name)} is required|missing propert(?:y|ies) (?:'[^']*', )*'{re.escape(name)}')"


PATTERN = r"does not match pattern"


def bad_name(path: str, name: str) -> str:
    """The allowed pattern for a key name: Helm 4 prints it beside the name, Helm 3 under the map's path."""
    return rf"(?:'{re.escape(name)}' does not match pattern '\^|{key(path)}:\s+Does not match pattern '\^)"


NOT = r"(?:Must not validate the schema|'not' failed)"


def allowed(text: str) -> str:
    """The chart's own words for a value of the wrong form: values.schema.json names what is allowed in the one
    `enum` value of an `if`/`then`, which Helm 3 prints as `must be one of the following: "<text>..."` and Helm 3.19
    and 4 as `value must be '<text>...'`. `text` is the start of that description."""
    return rf"(?:must be one of the following: \"|value must be '){re.escape(text)}"


def chart_error(path: str, allowed: str) -> str:
    """A `_validate.tpl` message: the key path first, then (on the same line) what is allowed."""
    return rf"ai-inference: {re.escape(path)}\b.*{allowed}"
