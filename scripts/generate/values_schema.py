#!/usr/bin/env python3
"""Keep charts/ai-inference/values.schema.json in step with values.yaml.

    python scripts/generate/values_schema.py           # rewrite descriptions and defaults from values.yaml
    python scripts/generate/values_schema.py --check   # exit 1 when anything is out of step (no writes)

The types, patterns, enums and bounds in the schema are written by hand. This script only copies each key's
helm-docs `# --` comment into `description` and its value into `default`, and lists keys that are in values.yaml
but not in the schema (add them by hand) or in the schema but no longer in values.yaml (remove them).
Needs the harness package (`pip install -e .`; the nox sessions install it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from harness.paths import CHART_DIR, REPO_ROOT
from harness.values_doc import parse_doc_comments

# `$comment` prefix marking a schema object that mirrors a Kubernetes type (all its fields listed, few defaulted)
OPEN_TYPE = "Kubernetes type"


def _node_for_annotations(node: dict[str, Any]) -> dict[str, Any]:
    # draft-07 ignores keywords beside "$ref": move a bare reference into allOf so description/default count
    if "$ref" in node:
        node["allOf"] = [{"$ref": node.pop("$ref")}]
    return node


def sync(schema: dict[str, Any], values: dict[str, Any], docs: dict[tuple[str, ...], str]) -> list[str]:
    """Update `schema` in place; return problems that need a human."""
    problems: list[str] = []

    def walk(node: dict[str, Any], value: dict[str, Any], path: tuple[str, ...]) -> None:
        props: dict[str, Any] = node.get("properties", {})
        for key, sub_value in value.items():
            sub_path = (*path, key)
            dotted = ".".join(sub_path)
            if key not in props:
                problems.append(f"{dotted}: in values.yaml but not in values.schema.json (add it with a type)")
                continue
            sub = _node_for_annotations(props[key])
            if sub_path in docs:
                sub["description"] = docs[sub_path]
            elif not sub.get("description") and not (isinstance(sub_value, dict) and "properties" in sub):
                problems.append(f"{dotted}: no `# --` comment in values.yaml and no description in the schema")
            sub["default"] = sub_value
            if isinstance(sub_value, dict) and "properties" in sub:
                walk(sub, sub_value, sub_path)
        if str(node.get("$comment", "")).startswith(OPEN_TYPE):
            return  # a Kubernetes type: its other optional fields may be set without a values.yaml default
        for key in props:
            if key not in value:
                problems.append(f"{'.'.join((*path, key))}: in values.schema.json but not in values.yaml (remove it)")

    walk(schema, values, ())
    return problems


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description="Sync values.schema.json descriptions and defaults from values.yaml")
    parser.add_argument("--check", action="store_true", help="report differences, write nothing")
    parser.add_argument("--chart", type=Path, default=CHART_DIR)
    args = parser.parse_args(argv)
    schema_path = args.chart / "values.schema.json"
    before = schema_path.read_text(encoding="utf-8")
    schema = json.loads(before)
    values = yaml.safe_load((args.chart / "values.yaml").read_text(encoding="utf-8"))
    docs = {path: doc.text for path, doc in parse_doc_comments(args.chart / "values.yaml").items()}
    problems = sync(schema, values, docs)
    after = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.check:
        if after != before:
            print(
                "values.schema.json: descriptions/defaults out of step with values.yaml (run the script)",
                file=sys.stderr,
            )
            return 1
        return 1 if problems else 0
    if after != before:
        schema_path.write_text(after, encoding="utf-8")
        print(f"updated {schema_path.relative_to(REPO_ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
