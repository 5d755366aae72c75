"""Writing a generated file, or checking it: the one comparison every generator of scripts/generate/ makes."""

from __future__ import annotations

import difflib
import sys
from typing import TYPE_CHECKING

from harness.paths import REPO_ROOT

if TYPE_CHECKING:
    from pathlib import Path


def stale(path: Path, text: str, *, check: bool) -> bool:
    """Compare (check: print a diff) or write `text` to `path`; True when the file was not already `text`."""
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if current == text:
        return False
    name = path.relative_to(REPO_ROOT)
    if check:
        diff = difflib.unified_diff((current or "").splitlines(True), text.splitlines(True), str(path), "generated")
        print(f"stale: {name}", "".join(diff)[:6000], sep="\n", file=sys.stderr)
    else:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {name}")
    return True
