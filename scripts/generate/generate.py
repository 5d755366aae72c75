#!/usr/bin/env python3
"""Regenerate every generated file of the repository, or check that each is what its generator makes of its
sources today (`nox -s generate` runs the first; tests/ecosystem/test_generated.py runs one check per generator).

    python3 scripts/generate/generate.py                    # every generator below except the goldens
    python3 scripts/generate/generate.py --goldens          # ... and the goldens too
    python3 scripts/generate/generate.py readme diagrams    # the named generators only
    python3 scripts/generate/generate.py --check readme     # write nothing; exit 1 when a file of `readme` is stale
    python3 scripts/generate/generate.py --list             # the generators' names, in order

Generators, in order (later ones read what earlier ones write):

    ci-links       charts/ai-inference/ci/<env>-values.yaml  <- values/*.yaml (scripts/generate/ci_links.py)
    values-schema  values.schema.json descriptions, defaults <- values.yaml `# --` comments
                                                                (scripts/generate/values_schema.py)
    crd-schemas    tests/schemas/                            <- tests/crds/ (scripts/generate/crd_schemas.py)
    catalog        Chart.yaml's Artifact Hub annotations,    <- the chart rendered with its defaults and each values
                   the image list of README.md.gotmpl,         file, CHANGELOG.md, Chart.yaml
                   artifacthub-repo.yml                        (scripts/generate/catalog.py)
    readme         charts/ai-inference/README.md             <- Chart.yaml, values.yaml, README.md.gotmpl (helm-docs)
    negatives      tests/negatives.json                      <- values.schema.json, values files (harness.negatives)
    diagrams       docs/diagrams/<env>.{dot,svg,png,sha256}  <- the chart rendered with values/<env>.yaml
                                                                (scripts/generate/diagram.py; `dot` draws the pictures)
    figures        README.md's benchmark tables              <- docs/benchmarks/*.json, the last recorded output of
                                                                scripts/bench/ (harness.figures)
    goldens        tests/goldens/<env>.yaml                  <- the chart rendered with values/<env>.yaml (only when
                                                                named or with --goldens: a golden changes only on
                                                                purpose; the render tier's test_goldens compares them)

Needs the harness package, helm (HELM_BIN, else .tools/bin/helm4), helm-docs (.tools/bin) and, to draw, Graphviz
`dot`; `nox -s generate` installs all of them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import catalog
import ci_links
import crd_schemas
import diagram
import values_schema
from harness.figures import fill
from harness.generated import stale
from harness.paths import CHART_DIR, REPO_ROOT, chart_values_files
from harness.pinned import (
    GOLDENS,
    NEGATIVES_FILE,
    fresh_negatives,
    golden_path,
    golden_request,
    golden_text,
    negatives_text,
    pinned_negatives,
)
from harness.render import Renderer
from harness.tools import helm_binary, run, tool

if TYPE_CHECKING:
    from collections.abc import Callable

# helm-docs' arguments (the pre-commit hook runs this script too)
HELM_DOCS_ARGS = ("--template-files", "README.md.gotmpl", "--sort-values-order", "file", "--log-level", "warning")


def readme(*, check: bool) -> int:
    """helm-docs renders README.md.gotmpl with the values table; in check mode on a scratch copy of the chart."""
    with tempfile.TemporaryDirectory(prefix="generate-readme-") as tmp:
        charts = Path(tmp) / "charts"
        shutil.copytree(CHART_DIR, charts / CHART_DIR.name, symlinks=True)
        run([tool("helm-docs"), "--chart-search-root", charts, *HELM_DOCS_ARGS])
        text = (charts / CHART_DIR.name / "README.md").read_text(encoding="utf-8")
    return int(stale(CHART_DIR / "README.md", text, check=check) and check)


def figures(*, check: bool) -> int:
    """README.md's tables of benchmark figures, from their records in docs/benchmarks/."""
    path = REPO_ROOT / "README.md"
    return int(stale(path, fill(path.read_text(encoding="utf-8")), check=check) and check)


def negatives(*, check: bool) -> int:
    """tests/negatives.json: a negative input per constraint of the schema; check names the constraints that moved."""
    fresh = fresh_negatives()
    if check:
        pinned = {n.constraint for n in pinned_negatives()}
        wanted = {n.constraint for n in fresh}
        for constraint in sorted(wanted - pinned):
            print(f"no pinned negative for constraint {constraint}", file=sys.stderr)
        for constraint in sorted(pinned - wanted):
            print(f"pinned negative for a constraint the schema no longer states: {constraint}", file=sys.stderr)
    return int(stale(NEGATIVES_FILE, negatives_text(fresh), check=check) and check)


def goldens(*, check: bool) -> int:
    """tests/goldens/<env>.yaml for every values file (helm 4 unless HELM_BIN says otherwise); removes orphans."""
    renderer = Renderer(helm_binary())
    try:
        files = chart_values_files()
        renderer.prerender(golden_request(f) for f in files)
        texts = {golden_path(f): golden_text(f, renderer.render(golden_request(f))) for f in files}
    finally:
        renderer.close()
    changed = [stale(path, text, check=check) for path, text in texts.items()]
    orphans = sorted(set(GOLDENS.glob("*.yaml")) - set(texts))
    for orphan in orphans:
        print(f"{'orphan' if check else 'removed'}: {orphan.relative_to(REPO_ROOT)}", file=sys.stderr)
        if not check:
            orphan.unlink()
    return int(check and (any(changed) or bool(orphans)))


def _script(main: Callable[[list[str]], int], *args: str) -> Callable[..., int]:
    def generator(*, check: bool) -> int:
        return main([*args, *(["--check"] if check else [])])

    return generator


GENERATORS: dict[str, Callable[..., int]] = {
    "ci-links": _script(ci_links.main),
    "values-schema": _script(values_schema.main),
    "crd-schemas": _script(crd_schemas.main, "--all"),
    "catalog": _script(catalog.main),
    "readme": readme,
    "negatives": negatives,
    "diagrams": _script(diagram.main, "--all"),
    "figures": figures,
}
ON_REQUEST = {"goldens": goldens}


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help=f"generators (default: all): {', '.join([*GENERATORS, *ON_REQUEST])}")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a generated file is stale")
    parser.add_argument("--goldens", action="store_true", help="regenerate tests/goldens too")
    parser.add_argument("--list", action="store_true", help="print the names of the generators and exit")
    args = parser.parse_args(argv)
    every = GENERATORS | ON_REQUEST
    if args.list:
        print(*GENERATORS, sep="\n")
        return 0
    unknown = [n for n in args.names if n not in every]
    if unknown:
        parser.error(f"unknown generators {unknown}; known: {', '.join(every)}")
    names = args.names or [*GENERATORS, *(ON_REQUEST if args.goldens else ())]
    failed = [name for name in every if name in names and every[name](check=args.check)]
    for name in failed:
        print(f"{name}: {'stale (run nox -s generate)' if args.check else 'needs a fix by hand'}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
