#!/usr/bin/env python3
"""Convert CustomResourceDefinition manifests into strict JSON schemas for the render tests.

    python scripts/generate/crd_schemas.py tests/crds/*.yaml --out tests/schemas
    python scripts/generate/crd_schemas.py --all   # the whole tree: tests/crds -> tests/schemas (what CI checks)

`--all` mirrors tests/crds/: the CRDs at its top level become tests/schemas/*.json, and each versioned set
tests/crds/<component>/<version>/ (the Gateway API bundles, the KEDA releases AKS ships, named per Kubernetes minor
in tests/crds/aks-versions.txt) becomes tests/schemas/<component>/<version>/*.json.

For each served version of each CRD it writes `<kind>-<group>-<version>.json` (lower-case kind), a JSON
Schema (draft 2020-12) derived from the version's `openAPIV3Schema` with strictness added:

- `additionalProperties: false` on every object that lists `properties`, unless it is marked
  `x-kubernetes-preserve-unknown-fields: true` or already says what extra properties may hold;
- `x-kubernetes-int-or-string` becomes "integer or string", `nullable: true` adds `null`;
- the root pins `apiVersion` and `kind`, and `metadata` gets a strict ObjectMeta subset (what a chart may set).

The header comment of the CRD file (source repository, path, version) is copied into `$comment`, so every
schema says where it came from. `--alias-group OLD=NEW` also accepts `NEW/<version>` as apiVersion, for a group that
serves another group's schema when its own CRD is not at hand.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CRDS = ROOT / "tests" / "crds"
SCHEMAS = ROOT / "tests" / "schemas"
# --all adds no apiVersion aliases (each group's CRD is vendored on its own)
TREE_ALIASES: dict[str, str] = {}
OBJECT_META: dict[str, Any] = {
    "type": "object",
    "description": "Strict subset of ObjectMeta a chart may render (added by scripts/generate/crd_schemas.py).",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 253, "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
        "generateName": {"type": "string"},
        "namespace": {"type": "string", "maxLength": 63, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        "finalizers": {"type": "array", "items": {"type": "string"}},
        "ownerReferences": {"type": "array", "items": {"type": "object"}},
    },
}


def header_comment(text: str) -> str:
    """The leading `#` comment block of a manifest, without the `#` markers."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(part for part in lines if part)


def strict(node: Any) -> Any:  # noqa: ANN401 - walks free-form OpenAPI YAML
    """A copy of an OpenAPI v3 (structural) schema node with JSON Schema strictness added."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {key: strict(value) for key, value in node.items() if key != "nullable"}
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["type"] = ["integer", "string"]
    if node.get("nullable") is True and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    return out


def convert(crd: dict[str, Any], header: str, source_file: str, aliases: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One JSON schema per served version of `crd`, keyed by output file name."""
    spec = crd["spec"]
    group, kind = spec["group"], spec["names"]["kind"]
    out: dict[str, dict[str, Any]] = {}
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        name = version["name"]
        schema = strict(version["schema"]["openAPIV3Schema"])
        api_versions = [f"{group}/{name}"]
        if group in aliases:
            api_versions.append(f"{aliases[group]}/{name}")
        props = schema.setdefault("properties", {})
        props["apiVersion"] = {"type": "string", "enum": api_versions}
        props["kind"] = {"type": "string", "enum": [kind]}
        props["metadata"] = OBJECT_META
        schema["required"] = sorted({*schema.get("required", []), "apiVersion", "kind", "metadata"})
        schema["additionalProperties"] = False
        document = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": (
                f"Generated by scripts/generate/crd_schemas.py from {source_file} ({header}); "
                f"CRD {crd['metadata']['name']} version {name}. Do not edit by hand: regenerate."
            ),
            "x-kubernetes-group-version-kind": [
                {"group": g.split("/")[0], "kind": kind, "version": name} for g in api_versions
            ],
            **schema,
        }
        out[f"{kind.lower()}-{group}-{name}.json"] = document
    return out


def tree_jobs(crds: Path = CRDS, schemas: Path = SCHEMAS) -> list[tuple[list[Path], Path]]:
    """(CRD files, output directory) for the top level of `crds` and each `<component>/<version>/` below it."""
    jobs = [(sorted(crds.glob("*.yaml")), schemas)]
    for directory in sorted(p for p in crds.glob("*/*") if p.is_dir()):
        jobs.append((sorted(directory.glob("*.yaml")), schemas / directory.relative_to(crds)))
    return jobs


def write_schemas(crds: list[Path], out: Path, aliases: dict[str, str], *, check: bool) -> list[str]:
    """Write (or, with check, compare) the schemas of `crds` into `out`; returns the stale files."""
    stale = []
    for path in crds:
        text = path.read_text(encoding="utf-8")
        header = header_comment(text)
        for doc in yaml.safe_load_all(text):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            resolved = path.resolve()
            source = resolved.relative_to(ROOT).as_posix() if resolved.is_relative_to(ROOT) else path.as_posix()
            for filename, schema in convert(doc, header, source, aliases).items():
                target = out / filename
                rendered = json.dumps(schema, indent=1, sort_keys=True) + "\n"
                if check:
                    if not target.exists() or target.read_text(encoding="utf-8") != rendered:
                        stale.append(str(target))
                    continue
                out.mkdir(parents=True, exist_ok=True)
                target.write_text(rendered, encoding="utf-8")
                print(target)
    return stale


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("crds", nargs="*", type=Path, help="CRD manifest files")
    parser.add_argument("--out", type=Path, help="output directory")
    parser.add_argument("--all", action="store_true", help="convert the whole tests/crds tree into tests/schemas")
    parser.add_argument("--alias-group", action="append", default=[], metavar="GROUP=ALIAS")
    parser.add_argument("--check", action="store_true", help="fail if an output file would change (CI drift check)")
    args = parser.parse_args(argv)
    if args.all:
        aliases = TREE_ALIASES | dict(item.split("=", 1) for item in args.alias_group)
        jobs = tree_jobs()
    elif args.crds and args.out:
        aliases = dict(item.split("=", 1) for item in args.alias_group)
        jobs = [(list(args.crds), args.out)]
    else:
        parser.error("name CRD files and --out, or pass --all")
    stale = [path for crds, out in jobs for path in write_schemas(crds, out, aliases, check=args.check)]
    if stale:
        print("out of date (run scripts/generate/crd_schemas.py --all):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
