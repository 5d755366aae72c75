"""Golden manifests: one per values/*.yaml, compared object by object; plus determinism checks.

A missing golden fails (it is never written silently). `nox -s generate -- --goldens` rewrites them from the current
chart through the same paths and requests (harness.pinned); review `git diff tests/goldens` before committing.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness.pinned import GOLDENS, golden_path, golden_request
from harness.render import CHART_DIR, Manifest, RenderRequest, chart_values_files, parse_manifest

if TYPE_CHECKING:
    from pathlib import Path

    from harness.render import Renderer

NONDETERMINISTIC = re.compile(
    r"\b(randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|randInt|now|uuidv4|genCA|genPrivateKey|"
    r"genSelfSignedCert|genSignedCert|htpasswd|shuffle|date|dateInZone|unixEpoch|lookup)\b"
)


def dump(obj: dict[str, Any]) -> list[str]:
    return yaml.safe_dump(obj, sort_keys=True, default_flow_style=False).splitlines(keepends=True)


def object_diffs(expected: Manifest, actual: Manifest) -> list[str]:
    """Readable differences: objects missing/unexpected, then a unified diff per changed object."""
    want = {(o["kind"], o["metadata"]["name"]): o for o in expected.objects}
    got = {(o["kind"], o["metadata"]["name"]): o for o in actual.objects}
    out = [f"missing object {kind}/{name}" for kind, name in sorted(want.keys() - got.keys())]
    out += [f"unexpected object {kind}/{name}" for kind, name in sorted(got.keys() - want.keys())]
    for kind, name in sorted(want.keys() & got.keys()):
        if want[(kind, name)] != got[(kind, name)]:
            diff = difflib.unified_diff(
                dump(want[(kind, name)]), dump(got[(kind, name)]), f"golden {kind}/{name}", f"rendered {kind}/{name}"
            )
            out.append("".join(diff))
    return out


@pytest.mark.parametrize("values_file", chart_values_files(), ids=lambda p: p.stem)
def test_golden(renderer: Renderer, values_file: Path) -> None:
    request = golden_request(values_file)
    manifest = renderer.render(request)
    path = golden_path(values_file)
    if not path.is_file():
        pytest.fail(
            f"no golden for values/{values_file.name}: run `nox -s generate -- --goldens` and review "
            f"tests/goldens/{path.name}"
        )
    expected = parse_manifest(request, path.read_text(encoding="utf-8"), {})
    diffs = object_diffs(expected, manifest)
    assert not diffs, f"render of values/{values_file.name} differs from {path.name}:\n" + "\n".join(diffs)


def test_no_stale_goldens() -> None:
    stems = {p.stem for p in chart_values_files()}
    stale = sorted(p.name for p in GOLDENS.glob("*.yaml") if p.stem not in stems)
    assert not stale, f"goldens without a values file: {stale}"


@pytest.mark.parametrize("which", ["defaults", "values-file"])
def test_render_is_deterministic(renderer: Renderer, which: str) -> None:
    """Two fresh helm runs of the same input give byte-identical output."""
    files = chart_values_files()
    request = golden_request(files[-1]) if which == "values-file" and files else RenderRequest.make()
    first = renderer.render_uncached(request)
    second = renderer.render_uncached(request)
    assert first.text == second.text


def test_templates_use_no_nondeterministic_functions() -> None:
    hits = []
    for path in sorted(p for p in (CHART_DIR / "templates").rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        for action in re.finditer(r"\{\{-?(.*?)-?\}\}", text, re.DOTALL):
            body = action[1]
            if body.strip().startswith("/*"):
                continue
            body = re.sub(r'"(?:[^"\\]|\\.)*"', '""', body)  # words inside string literals are not calls
            for match in NONDETERMINISTIC.finditer(body):
                line = text.count("\n", 0, action.start()) + 1
                hits.append(f"{path.relative_to(CHART_DIR)}:{line}: {match[1]}")
    assert not hits, "non-deterministic template functions:\n" + "\n".join(hits)
