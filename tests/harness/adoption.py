"""The chart README's adoption of the kubectl-deployed roo-vision app, as data the tests run.

The section "Adopting an app deployed with kubectl" of charts/ai-inference/README.md marks each command block with an
HTML comment `<!-- adopt:<step> -->` (check, helm3, helm4, after, rollback). Its commands are written for the CPU
variant in namespace `roo`; the README's table names the manifests and values file of the other variants. `commands`
returns a block's commands for one variant and namespace: the README's text with exactly those substitutions, so the
README is what the tests run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from harness.errors import HarnessError
from harness.paths import REPO_ROOT
from harness.readme import marked_blocks

if TYPE_CHECKING:
    from pathlib import Path

MANIFESTS = REPO_ROOT / "docs" / "roo-vision" / "manifests"
STEPS = ("check", "helm3", "helm4", "after", "rollback")
README_NAMESPACE = "roo"
RELEASE = "roo-vision"
SECRET = "roo-secrets"  # noqa: S105 - the kept Secret's name
# `-n roo` and `namespace roo`, not the `roo` of `roo-vision`
_NAMESPACE = re.compile(rf"(?<=-n ){README_NAMESPACE}\b(?!-)|(?<=namespace ){README_NAMESPACE}\b(?!-)")


@dataclass(frozen=True)
class Variant:
    """One row of the README's table: the manifests the team applies and the values file that adopts them."""

    name: str
    manifests: str  # a folder, relative to the repository, with a trailing slash as in the README
    values: str  # relative to the repository
    kept_secret: bool  # the manifests' Secret roo-secrets stays outside the release

    def manifest_paths(self) -> list[Path]:
        """The files `kubectl apply` gets for this variant: the Secret's folder first when there is one."""
        folders = ([MANIFESTS / "secret"] if self.kept_secret else []) + [REPO_ROOT / self.manifests]
        return [path for folder in folders for path in sorted(folder.glob("*.yaml"))]

    def manifest_objects(self) -> list[dict[str, Any]]:
        return [doc for path in self.manifest_paths() for doc in yaml.safe_load_all(path.read_text()) if doc]


BASE = Variant("base", "docs/roo-vision/manifests/base/", "values/roo-vision-adopt.yaml", kept_secret=True)
VARIANTS = (
    BASE,
    Variant("csi", "docs/roo-vision/manifests/csi/", "values/roo-vision-csi.yaml", kept_secret=False),
    Variant("gpu", "docs/roo-vision/manifests/gpu/", "values/roo-vision-gpu-adopt.yaml", kept_secret=True),
)


def readme_blocks(text: str | None = None) -> dict[str, list[str]]:
    """Step -> its commands (comment and blank lines dropped), from the README's blocks marked `adopt:<step>`."""
    return marked_blocks("adopt", text)


def commands(step: str, variant: Variant, namespace: str, blocks: dict[str, list[str]] | None = None) -> list[str]:
    """The README's commands of `step` for `variant` in `namespace`. Commands about the kept Secret are left out for a
    variant without one (the README says which variants they are for)."""
    found = readme_blocks() if blocks is None else blocks
    if step not in found:
        msg = f"the README has no block marked adopt:{step}"
        raise HarnessError(msg)
    out = []
    for line in found[step]:
        if SECRET in line and not variant.kept_secret:
            continue
        for_variant = line.replace(BASE.values, variant.values).replace(BASE.manifests, variant.manifests)
        out.append(_NAMESPACE.sub(namespace, for_variant))
    return out


def long_flags(command: str) -> set[str]:
    """The `--flag` names of a command line (values after `=` dropped)."""
    return {token.split("=", 1)[0] for token in command.split() if token.startswith("--")}
