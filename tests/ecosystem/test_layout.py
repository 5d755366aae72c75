"""The layout the docs describe is the tree: every repository path named in a doc, a config file or a script exists,
and the architecture page (docs/architecture.md) and scripts/README.md place every folder of scripts/ and tests/."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from harness.paths import REPO_ROOT

if TYPE_CHECKING:
    from pathlib import Path

# Where paths are named: docs, configs, scripts and tests (vendored CRDs, schemas and goldens are data).
NAMING_FILES = (
    "*.md",
    "*.toml",
    "*.yaml",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".yamllint.yaml",
    ".ci/run",
    ".github/workflows/*.yaml",
    "noxfile.py",
    "docs/**/*.md",
    "charts/*/README.md.gotmpl",
    "charts/*/values.yaml",
    "values/*.yaml",
    "scripts/**/*",
    "tests/*.py",
    "tests/*/*.py",
    "tests/*/*.md",
    "tests/*/*.yaml",
    "tests/crds/aks-versions.txt",
)
# Paths of these folders are checked; docs/, values/ and charts/ paths would clash with the citations of other
# projects' files (`docs/annotations.md` of a controller's repository).
TOP_FOLDERS = ("scripts", "tests")
# A path starts at a top folder (not inside a URL or another path) and ends on a name character or a slash.
PATH = re.compile(rf"(?<![\w./-])((?:{'|'.join(TOP_FOLDERS)})/(?:[\w./-]*[\w/])?)")
# A path followed by one of these is a pattern (`values/*.yaml`, `ci/<env>-values.yaml`, `f"{name}"`), not a file.
PATTERN_NEXT = set("*<{$[")
ARCHITECTURE = REPO_ROOT / "docs" / "architecture.md"
SCRIPTS_README = REPO_ROOT / "scripts" / "README.md"


def naming_files() -> list[Path]:
    found = {p for pattern in NAMING_FILES for p in REPO_ROOT.glob(pattern) if p.is_file() and not p.is_symlink()}
    return sorted(p for p in found if p.suffix not in {".sum", ".png", ".svg"})


def named_paths(text: str) -> set[str]:
    """The repository paths a text names, without patterns (an HTML line break in a picture's label is not one)."""
    text = text.replace("<br/>", "\n")
    return {m.group(1) for m in PATH.finditer(text) if m.end() == len(text) or text[m.end()] not in PATTERN_NEXT}


def folders(top: str) -> list[str]:
    """The folders directly under `top` (not caches or the harness's install metadata)."""
    skip = (".", "__")
    return sorted(
        p.name
        for p in (REPO_ROOT / top).iterdir()
        if p.is_dir() and not p.name.startswith(skip) and not p.name.endswith(".egg-info")
    )


def test_named_paths_pattern() -> None:
    """The path pattern finds paths in prose and code, and leaves URLs, patterns and placeholders alone."""
    text = (
        "see `scripts/cluster/cluster.sh up`, (tests/harness/paths.py). values/*.yaml ci/<env> "
        "https://example.com/tests/x scripts/{name}.py tests/ [scripts/install/<br/>helm]"
    )
    assert named_paths(text) == {"scripts/cluster/cluster.sh", "tests/harness/paths.py", "tests/", "scripts/install/"}


@pytest.mark.parametrize("path", naming_files(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_named_paths_exist(path: Path) -> None:
    missing = sorted(p for p in named_paths(path.read_text(encoding="utf-8")) if not (REPO_ROOT / p).exists())
    assert not missing, f"{path.relative_to(REPO_ROOT)} names paths that do not exist: {missing}"


@pytest.mark.parametrize("top", ["scripts", "tests"])
def test_architecture_page_places_every_folder(top: str) -> None:
    page = named_paths(ARCHITECTURE.read_text(encoding="utf-8"))
    unplaced = [f for f in folders(top) if f"{top}/{f}/" not in page and f"{top}/{f}" not in page]
    assert not unplaced, f"docs/architecture.md does not show {top}/ folders {unplaced}: add them to the picture"


def test_scripts_readme_describes_every_folder() -> None:
    text = SCRIPTS_README.read_text(encoding="utf-8")
    undescribed = [f for f in folders("scripts") if f"[`{f}/`]({f})" not in text]
    assert not undescribed, f"scripts/README.md has no row for {undescribed}"
