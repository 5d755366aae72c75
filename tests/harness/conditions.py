"""The schema's `if`/`then` pairs: how values.schema.json names what is allowed in the chart's own words.

A JSON-schema pattern failure prints the regular expression; instead, a node states its rule as `if: {not: {pattern:
...}}` (or another condition) and `then: {enum: [<what is allowed, with an example>], not: {const: <the same>}}`, so
helm prints "must be one of the following: ..." (Helm 3) or "value must be '...'" (Helm 3.19 and 4), and no input
meets the `then`. tests/harness/schema_walk.py lists each pair as one constraint; tests/harness/negatives.py makes
inputs that meet the `if` from the candidates below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping


def then_keyword(then: Mapping[str, Any], annotations: Iterable[str] = ()) -> str:
    """The keyword of a `then` whose failure helm reports: its `enum` (the chart's message), else its first keyword."""
    return "enum" if "enum" in then else next(iter(k for k in then if k not in set(annotations)))


def literals(schema: Any) -> Iterator[Any]:  # noqa: ANN401 - a JSON-schema fragment
    """Every `const` and `enum` value in a schema fragment (the literals an `if` singles out)."""
    if isinstance(schema, dict):
        if "const" in schema:
            yield schema["const"]
        yield from schema.get("enum", [])
        for value in schema.values():
            yield from literals(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from literals(value)


def candidates(
    condition: Mapping[str, Any],
    samples: list[Any],
    valid: Callable[[str | None], Any],
    strings: Iterable[str],
) -> Iterator[Any]:
    """Inputs that may meet `condition` (the `if`): an object with the properties it requires together (`valid(None)`
    is a valid object, `valid(name)` a valid value of a property), a flag sample with a value after a space (an `if`
    pattern of a flag and its value in one item), the literals it names, then `strings` (the usual mutations)."""
    if "required" in condition:  # properties together: only an object meets it
        sample = valid(None)
        built = dict(sample) if isinstance(sample, dict) else {}
        yield {**built, **{name: valid(name) for name in condition["required"] if name not in built}}
        return
    if "pattern" in condition:
        flags = [s for s in samples if isinstance(s, str) and s.startswith("-")]
        yield from (f"{flag} 1" for flag in [*flags, "--a"])
    yield from literals(condition)
    yield from strings
