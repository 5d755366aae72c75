"""Generated files are what their generator makes of their sources today: one check per generator of
scripts/generate/generate.py, each running the generator itself with `--check` (it writes nothing and exits 1 on
drift), so the check and the generator cannot disagree. `nox -s generate` rewrites them all.

    ci-links       charts/ai-inference/ci/ links           values-schema  values.schema.json descriptions, defaults
    crd-schemas    tests/schemas/                          catalog        Chart.yaml's Artifact Hub annotations, the
                                                                          README's image list, artifacthub-repo.yml
    readme         charts/ai-inference/README.md (helm-docs)
    negatives      tests/negatives.json                    diagrams       docs/diagrams/<env>.{dot,svg,png,sha256}
    figures        README.md's benchmark tables

The goldens (tests/goldens) are rewritten only on request (`nox -s generate -- --goldens`); the render tier compares
them under every helm (tests/render/test_goldens.py).
"""

from __future__ import annotations

import pytest
from harness.tools import run_script

GENERATORS = ("ci-links", "values-schema", "crd-schemas", "catalog", "readme", "negatives", "diagrams", "figures")


@pytest.mark.parametrize("generator", GENERATORS)
def test_generated_files_are_current(generator: str) -> None:
    proc = run_script("generate/generate.py", "--check", generator)
    assert proc.returncode == 0, f"{proc.stdout}{proc.stderr}(regenerate: nox -s generate -- {generator})"


def test_every_generator_is_checked() -> None:
    """A generator added to scripts/generate/generate.py gets its check here."""
    proc = run_script("generate/generate.py", "--list")
    assert proc.returncode == 0, proc.stderr
    assert tuple(proc.stdout.split()) == GENERATORS
