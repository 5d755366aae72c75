#!/usr/bin/env python3
"""Size limits of the project's Python code: no function or method longer than 60 lines in tests/, scripts/ and
noxfile.py, and no Python file longer than 400 lines. Prints each violation; exit 1 when there is one.

    python3 scripts/checks/code_size.py            # the repository (what `nox -s lint` runs)
    python3 scripts/checks/code_size.py FILE...    # given files only
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LINES = 60
MAX_FILE_LINES = 400


def python_files() -> list[Path]:
    """The project's Python sources (virtualenvs and tool directories excluded)."""
    return sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "scripts").rglob("*.py"), ROOT / "noxfile.py"])


def violations(path: Path) -> list[str]:
    """Too-long functions (decorators and docstring included) and a too-long file."""
    text = path.read_text(encoding="utf-8")
    problems = []
    lines = len(text.splitlines())
    if lines > MAX_FILE_LINES:
        problems.append(f"{path}: {lines} lines (at most {MAX_FILE_LINES})")
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno is not None:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - start + 1
            if length > MAX_FUNCTION_LINES:
                problems.append(f"{path}:{start}: {node.name} is {length} lines (at most {MAX_FUNCTION_LINES})")
    return problems


def main(argv: list[str]) -> int:
    files = [Path(arg) for arg in argv] or python_files()
    problems = [problem for path in files for problem in violations(path)]
    print("\n".join(problems) or f"{len(files)} Python files within the size limits")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
