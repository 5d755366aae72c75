"""Every rule of the `_validate-*.tpl` partials is proven by the bad-input catalog: each problem line a partial can
print must be produced by at least one CATALOG case (or, for the switches, by a render without the schema). A new
check without a catalogued input, or a check that no longer speaks, fails here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from harness.render import CHART_DIR, RenderError, RenderRequest

from render.test_bad_inputs import CATALOG, SWITCHES, UNCHECKED_ENUMS, render_without_schema

if TYPE_CHECKING:
    from harness.render import Renderer


_VALIDATE_MESSAGE = re.compile(r'printf? "\\n((?:[^"\\]|\\.)*)"')


def partial_messages(pattern: str = "_validate*.tpl", prefix: str = "ai-inference: ") -> dict[str, re.Pattern[str]]:
    """Every line the partials matching `pattern` can print, as a regex after `prefix` (format verbs match anything)."""
    out = {}
    for partial in sorted((CHART_DIR / "templates").glob(pattern)):
        for literal in _VALIDATE_MESSAGE.findall(partial.read_text(encoding="utf-8")):
            parts = re.split(r"(%%|%[-+# 0]*\d*[sdvqt])", literal.replace('\\"', '"'))
            regex = "".join("%" if p == "%%" else ".+?" if p.startswith("%") else re.escape(p) for p in parts)
            out[f"{partial.name}: {literal}"] = re.compile(re.escape(prefix) + regex)
    return out


def validate_messages() -> dict[str, re.Pattern[str]]:
    """Every problem line the `_validate-*.tpl` partials can print, as a regex (format verbs match anything)."""
    return partial_messages()


def test_every_validation_message_has_a_catalog_case(renderer: Renderer) -> None:
    """Each rule of the partials is proven by at least one catalogued input that makes it speak."""
    messages = validate_messages()
    assert len(messages) >= 30, sorted(messages)
    stderrs = [render_without_schema(renderer, switch, value).stderr for switch, value, _ in SWITCHES]
    stderrs += [render_without_schema(renderer, key, value, others).stderr for key, value, others in UNCHECKED_ENUMS]
    for bad in CATALOG:
        try:
            renderer.render(RenderRequest.make(bad.overrides))
        except RenderError as error:
            stderrs.append(error.stderr)
    silent = [name for name, regex in messages.items() if not any(regex.search(err) for err in stderrs)]
    assert not silent, "validation messages no CATALOG case produces:\n" + "\n".join(silent)
