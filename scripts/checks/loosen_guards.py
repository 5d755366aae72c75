#!/usr/bin/env python3
"""Loosen one input guard at a time in a scratch copy of the chart and count how often the render tier notices.

    python3 scripts/checks/loosen_guards.py --sample 24 --template-sample 8 --seed 7 [--helm .tools/bin/helm4]

Each mutation either drops one keyword of values.schema.json (a pattern, enum, bound, length, `required` entry,
`additionalProperties: false`, `not`, a `propertyNames`) or disables one check of a `_validate-*.tpl` partial
(its `if` condition made false). The render tier's tests that stand for that kind of guard (the pinned schema
negatives for a keyword, the bad-input catalog for a check; `--guards` for all guard tests, `--all` for the whole of
tests/render) run against the scratch copy through RENDER_CHART_DIR, stopping at the first failure. Prints each
mutation with caught/missed and the total. Nothing here asserts. Run it with a Python that has the harness installed
(e.g. .nox/render-helm-helm4/bin/python).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from harness.paths import REPO_ROOT
from harness.tools import helm_binary

ROOT = REPO_ROOT
CHART = ROOT / "charts" / "ai-inference"
GUARD_TESTS = (
    "tests/render/test_bad_inputs.py",
    "tests/render/test_schema_negatives.py",
    "tests/render/test_hostile.py",
    "tests/render/test_validation_coverage.py",
)
LOOSENABLE = (
    "pattern",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "not",
    "propertyNames",
    "uniqueItems",
    "then",
)


def schema_mutations(schema: Any, pointer: str = "") -> list[tuple[str, str]]:  # noqa: ANN401 - JSON
    """(JSON pointer, keyword) pairs that can be loosened; `required` entries as `required/<name>`."""
    out: list[tuple[str, str]] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in LOOSENABLE or (key == "additionalProperties" and value is False):
                out.append((pointer, key))
            elif key == "required":
                out += [(pointer, f"required/{name}") for name in value]
            if isinstance(value, (dict, list)) and key not in {"enum", "required", "default", "examples"}:
                out += schema_mutations(value, f"{pointer}/{key}")
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            out += schema_mutations(item, f"{pointer}/{index}")
    return out


def apply_schema(chart: Path, pointer: str, keyword: str) -> None:
    path = chart / "values.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    node = schema
    for part in pointer.split("/")[1:]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if keyword.startswith("required/"):
        node["required"].remove(keyword.split("/", 1)[1])
    elif keyword == "additionalProperties":
        node[keyword] = True
    else:
        del node[keyword]
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


_CHECK = re.compile(r"^\{\{- if (.+) \}\}$")


def template_mutations(chart: Path) -> list[tuple[str, int]]:
    """(partial, line number) of each `if` that guards a printed problem line."""
    out = []
    for partial in sorted((chart / "templates").glob("_validate*.tpl")):
        lines = partial.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if _CHECK.match(line) and number + 1 < len(lines) and '"\\n' in lines[number + 1]:
                out.append((partial.name, number))
    return out


def apply_template(chart: Path, name: str, number: int) -> None:
    path = chart / "templates" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[number] = _CHECK.sub(r"{{- if and false (\1) }}", lines[number])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def caught(chart: Path, helm: Path, tests: tuple[str, ...]) -> bool:
    env = {**os.environ, "RENDER_CHART_DIR": str(chart), "HELM_BIN": str(helm)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *tests, "-p", "no:helm-charts", "-p", "no:cacheprovider", "-x", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode != 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=24, help="schema keywords to loosen")
    parser.add_argument("--template-sample", type=int, default=8, help="validation checks to disable")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--helm", type=Path, default=None, help="helm binary (default: $HELM_BIN, else helm 4)")
    parser.add_argument("--guards", action="store_true", help="run every guard test for each mutation")
    parser.add_argument("--all", action="store_true", help="run the whole render tier for each mutation")
    args = parser.parse_args()
    args.helm = args.helm or helm_binary()
    schema = json.loads((CHART / "values.schema.json").read_text(encoding="utf-8"))
    schema_pool: list[tuple[str, Any, Any]] = [("schema", p, k) for p, k in schema_mutations(schema)]
    template_pool: list[tuple[str, Any, Any]] = [("template", n, i) for n, i in template_mutations(CHART)]
    rng = random.Random(args.seed)  # noqa: S311 - sampling mutations, not secrets
    picks = rng.sample(schema_pool, min(args.sample, len(schema_pool)))
    picks += rng.sample(template_pool, min(args.template_sample, len(template_pool)))
    pool = schema_pool + template_pool
    wide = ("tests/render",) if args.all else GUARD_TESTS if args.guards else None
    focused = {"schema": ("tests/render/test_schema_negatives.py",), "template": ("tests/render/test_bad_inputs.py",)}
    with tempfile.TemporaryDirectory(prefix="loosen-") as tmp:
        chart = Path(tmp) / "ai-inference"
        shutil.copytree(CHART, chart)
        if caught(chart, args.helm, wide or focused["schema"] + focused["template"]):
            sys.exit("the guard tests fail on the unmodified chart: fix them first")
    print("unmodified chart: the guard tests pass", flush=True)
    hits = 0
    for kind, where, what in picks:
        with tempfile.TemporaryDirectory(prefix="loosen-") as tmp:
            chart = Path(tmp) / "ai-inference"
            shutil.copytree(CHART, chart)
            (apply_schema if kind == "schema" else apply_template)(chart, where, what)
            found = caught(chart, args.helm, wide or focused[kind])
        hits += found
        print(f"{'caught' if found else 'MISSED'}  {kind:8} {where} {what}", flush=True)
    print(f"{hits}/{len(picks)} loosened guards caught ({len(pool)} guards in the pool)")


if __name__ == "__main__":
    main()
