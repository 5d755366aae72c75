"""charts/ai-inference/ci/ (ct's scenarios) and values/ (the pytest matrix) are one source of truth.

ci/<env>-values.yaml must be a relative symlink to ../../../values/<env>.yaml for every values file, and nothing else.
Fix with `python3 scripts/sync_ci_values.py`.
"""

from __future__ import annotations

import os

from .support import CHART, CI_DIR, load_script, values_files


def test_ci_mirrors_values() -> None:
    problems: list[str] = load_script("sync_ci_values").differences()
    assert not problems, "ci/ and values/ disagree (run python3 scripts/sync_ci_values.py):\n" + "\n".join(problems)


def test_every_link_resolves_to_its_values_file() -> None:
    assert values_files(), "values/ is empty"
    for values in values_files():
        link = CI_DIR / f"{values.stem}-values.yaml"
        assert link.is_symlink(), link
        assert not os.path.isabs(os.readlink(link)), f"{link} must be relative (the repository moves)"
        assert link.resolve() == values.resolve()


def test_ci_is_not_packaged() -> None:
    """The links point outside the chart: .helmignore keeps ci/ (and the docs template) out of the package."""
    ignored = (CHART / ".helmignore").read_text().split()
    assert "ci/" in ignored
    assert "README.md.gotmpl" in ignored
