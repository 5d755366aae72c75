"""charts/ai-inference/ci/ (ct's scenarios) and values/ (the pytest matrix) are one source of truth.

ci/<env>-values.yaml must be a relative symlink to ../../../values/<env>.yaml for every values file, and nothing else.
Fix with `python3 scripts/sync_ci_values.py`.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import TYPE_CHECKING

from .support import CHART, CI_DIR, ROOT, values_files

if TYPE_CHECKING:
    from types import ModuleType


def sync_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_ci_values", ROOT / "scripts" / "sync_ci_values.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_ci_mirrors_values() -> None:
    problems: list[str] = sync_module().differences()
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
