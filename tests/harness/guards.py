"""Batch bad inputs into few renders, and decide whether helm's message names the key.

helm validates the whole values against the schema before rendering and reports every violation at once, so
negatives at disjoint paths share one render (a *layer*). Items of the same list share a layer too: each negative's
list item is appended, and the path helm must name is shifted to the item's index.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.schema_walk import go_quoted, parse_report, wording

if TYPE_CHECKING:
    from collections.abc import Iterable

    from harness.negatives import Negative


@dataclass
class Layer:
    """One render's worth of negatives: the merged overlay, and each negative with the path helm must name."""

    overlay: dict[str, Any] = field(default_factory=dict)
    members: list[tuple[Negative, tuple[str, ...]]] = field(default_factory=list)


class _ConflictError(Exception):
    pass


def _merge(target: dict[str, Any], overlay: dict[str, Any], expect: list[str], depth: int) -> None:
    """Merge `overlay` into `target` in place; lists on the expected path get the overlay's items appended (and
    `expect` shifted); any other overlap raises _ConflictError."""
    for key, value in overlay.items():
        on_path = depth < len(expect) and expect[depth] == key
        if key not in target:
            target[key] = copy.deepcopy(value)
        elif isinstance(target[key], dict) and isinstance(value, dict):
            _merge(target[key], value, expect if on_path else [], depth + 1)
        elif isinstance(target[key], list) and isinstance(value, list) and on_path and depth + 1 < len(expect):
            offset = len(target[key])
            target[key].extend(copy.deepcopy(value))
            expect[depth + 1] = str(int(expect[depth + 1]) + offset)
        else:
            raise _ConflictError


def layers(negatives: Iterable[Negative]) -> list[Layer]:
    """Greedy first-fit: each negative joins the first layer it does not overlap."""
    out: list[Layer] = []
    for negative in negatives:
        for layer in [*out, Layer()]:
            trial = copy.deepcopy(layer.overlay)
            expect = list(negative.expect)
            try:
                _merge(trial, negative.overlay, expect, 0)
            except _ConflictError:
                continue
            if any(_nested(tuple(expect), other) for _, other in layer.members):
                continue  # one subject per path: a closed object's extra key and its child's bad value apart
            layer.overlay = trial
            layer.members.append((negative, tuple(expect)))
            if layer not in out:
                out.append(layer)
            break
    return out


def _nested(one: tuple[str, ...], two: tuple[str, ...]) -> bool:
    """One path equals or contains the other (the root contains everything but is nobody's subject alone)."""
    if not one or not two:
        return False
    shorter = min(len(one), len(two))
    return one[:shorter] == two[:shorter]


def dotted(path: Iterable[str]) -> str:
    """A values path as both validators print it once parsed (`gpu.tolerations.0.operator`)."""
    return ".".join(path)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def named(stderr: str, path: tuple[str, ...], keyword: str, name: str = "") -> str:
    """Empty when helm's schema report names `path` with `keyword`'s wording; else what is missing.

    A property-name failure is reported by helm 4.3 at an unrelated path, so for `propertyNames` the pattern line
    may stand anywhere, but the map's own path must be named with the offending key (additionalProperties)."""
    report = parse_report(stderr)
    words = _compiled(wording(keyword, name))
    at_path = [line for line in report if line.path == dotted(path)]
    if keyword.startswith("propertyNames:"):  # the key fits the map's pattern: only its own name can say it
        return "" if any(words.search(line.text) for line in report) else f"no line names the key {name!r}"
    if keyword == "propertyNames":
        if not any(words.search(line.text) for line in report):
            return f"no line says the key {name!r} does not match the allowed pattern"
        quoted = (name, go_quoted(name))
        if not any(any(q in line.text for q in quoted) for line in at_path):
            return f"no line at {dotted(path) or '(root)'} names the key {name!r}"
        return ""
    if not any(words.search(line.text) for line in at_path):
        return f"no line at {dotted(path) or '(root)'} matching /{words.pattern}/"
    return ""
