"""Values that render with a warning (templates/_warnings.tpl): each case of the catalog's WARNED list renders and
carries its `# WARNING: <key>: ...` line in the manifest (where `helm template`, GitOps tools and the values check see
it), NOTES prints the same lines after an install, and every warning the partial can print is produced by a case."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from harness.render import RenderRequest

from render.bad_inputs_hazards import WARNED, Warned
from render.test_validation_coverage import partial_messages

if TYPE_CHECKING:
    from harness.render import Renderer


@pytest.fixture(scope="module", autouse=True)
def _prerender_warned(renderer: Renderer) -> None:
    renderer.prerender(RenderRequest.make(case.overrides) for case in WARNED)


@pytest.mark.parametrize("case", WARNED, ids=lambda case: case.id)
def test_warning_is_rendered(renderer: Renderer, case: Warned) -> None:
    manifest = renderer.render(RenderRequest.make(case.overrides))
    assert re.search(case.line, manifest.text, re.MULTILINE), manifest.text[:3000]
    assert manifest.objects, "a warning comes with the objects, never instead of them"


def test_defaults_warn_about_nothing(renderer: Renderer) -> None:
    assert "# WARNING:" not in renderer.render(RenderRequest.make()).text


def test_every_warning_has_a_case(renderer: Renderer) -> None:
    """Each line `_warnings.tpl` can print is produced by a WARNED case."""
    messages = partial_messages("_warnings.tpl", "# WARNING: ")
    assert len(messages) >= 6, sorted(messages)
    texts = [renderer.render(RenderRequest.make(case.overrides)).text for case in WARNED]
    silent = [name for name, regex in messages.items() if not any(regex.search(text) for text in texts)]
    assert not silent, "warnings no WARNED case produces:\n" + "\n".join(silent)


def test_notes_print_the_warnings(renderer: Renderer) -> None:
    """`helm install` prints the warnings in NOTES (Helm 4: its client-side dry run needs no cluster)."""
    if renderer.helm_major < 4:
        pytest.skip("helm 3 install --dry-run=client needs a reachable cluster; the notes are checked with helm 4")
    case = next(case for case in WARNED if case.id == "port-in-args")
    notes = renderer.notes(RenderRequest.make(case.overrides))
    assert re.search(case.line.replace("^# WARNING", "^WARNING"), notes, re.MULTILINE), notes
