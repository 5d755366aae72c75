"""chart-testing's version-increment check, done with git: a changed chart must carry a higher SemVer version.

The base is, in order:
1. the merge base of HEAD with the target ref (`CT_TARGET_REF`, default `origin/main`) when that ref exists and the
   merge base is not HEAD itself (a branch or pull request: ct's own rule, strict);
2. otherwise the previous state of the chart: HEAD when the work tree has uncommitted chart changes, else the parent
   of the newest commit that touched the chart. On this path a version that was never released (no
   `<chart>-<version>` tag, the chart-releaser convention) may still change in place: the check then says so and
   does not fail. A released version must be bumped.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from pathlib import Path

SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def semver_key(version: str) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
    """Sort key of a SemVer 2 version (a pre-release sorts before its release; build metadata is ignored)."""
    match = SEMVER.match(version)
    if not match:
        raise ValueError(f"not a SemVer version: {version!r}")
    major, minor, patch, pre = match.groups()
    idents: tuple[tuple[int, int | str], ...] = ()
    if pre:
        idents = tuple((0, int(p)) if p.isdigit() else (1, p) for p in pre.split("."))
    return int(major), int(minor), int(patch), 0 if pre else 1, idents


def git(repo: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout.strip() if proc.returncode == 0 else ""


@dataclass(frozen=True)
class Outcome:
    ok: bool | None  # None: not decidable (skipped), with the reason in `message`
    message: str


def resolve_base(repo: Path, chart: str, target_ref: str | None = None) -> tuple[str | None, bool, str]:
    """(base commit or None, strict, how the base was chosen)."""
    target = target_ref or os.environ.get("CT_TARGET_REF", "origin/main")
    head = git(repo, "rev-parse", "--verify", "-q", "HEAD", check=False)
    if not head:
        return None, False, "no commits yet"
    if git(repo, "rev-parse", "--verify", "-q", f"{target}^{{commit}}", check=False):
        merge_base = git(repo, "merge-base", "HEAD", target, check=False)
        if merge_base and merge_base != head:
            return merge_base, True, f"merge base with {target}"
    dirty = git(repo, "status", "--porcelain", "--", chart)
    if dirty:
        return head, False, "HEAD (the work tree has uncommitted chart changes)"
    last = git(repo, "log", "-1", "--format=%H", "--", chart)
    if not last:
        return None, False, f"no commit touches {chart}"
    parent = git(repo, "rev-parse", "--verify", "-q", f"{last}^", check=False)
    if not parent:
        return None, False, f"{chart} first appears in the root commit {last[:12]}"
    return parent, False, f"parent of {last[:12]}, the newest commit that touched {chart}"


def check_version_increment(repo: Path, chart: str, target_ref: str | None = None) -> Outcome:
    base, strict, how = resolve_base(repo, chart, target_ref)
    if base is None:
        return Outcome(None, f"no base to compare with ({how})")
    old_text = git(repo, "show", f"{base}:{chart}/Chart.yaml", check=False)
    if not old_text:
        return Outcome(None, f"{chart} is new since the base ({how}, {base[:12]})")
    new_meta = yaml.safe_load((repo / chart / "Chart.yaml").read_text())
    old_version, new_version = str(yaml.safe_load(old_text)["version"]), str(new_meta["version"])
    changed = git(repo, "diff", "--name-only", base, "--", chart)
    untracked = git(repo, "ls-files", "--others", "--exclude-standard", "--", chart)
    if not changed and not untracked:
        return Outcome(True, f"chart unchanged since {base[:12]} ({how}); no bump needed")
    files = ", ".join(sorted({*changed.splitlines(), *untracked.splitlines()})[:5])
    if semver_key(new_version) > semver_key(old_version):
        return Outcome(True, f"version {old_version} -> {new_version} vs {base[:12]} ({how})")
    message = f"chart changed since {base[:12]} ({how}: {files}) but version {new_version} is not above {old_version}"
    if not strict and new_version == old_version:
        tag = f"{new_meta['name']}-{new_version}"
        if not git(repo, "rev-parse", "--verify", "-q", f"refs/tags/{tag}", check=False):
            return Outcome(None, f"{message}; {new_version} was never released (no tag {tag}), so it may still change")
    return Outcome(False, message + ": bump `version` in Chart.yaml (and CHANGELOG.md)")
