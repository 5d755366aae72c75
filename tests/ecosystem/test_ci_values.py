"""charts/ai-inference/ci/ (ct's scenarios) links to values/ (every tier's scenarios): one source of truth.

That ci/ holds exactly one relative link `<env>-values.yaml -> ../../../values/<env>.yaml` per values file is the
`ci-links` check of test_generated.py (scripts/generate/ci_links.py --check). Here: the links stay out of the package.
"""

from __future__ import annotations

from harness.paths import CHART_DIR


def test_ci_is_not_packaged() -> None:
    """The links point outside the chart: .helmignore keeps ci/ (and the docs template) out of the package."""
    ignored = (CHART_DIR / ".helmignore").read_text().split()
    assert "ci/" in ignored
    assert "README.md.gotmpl" in ignored
