#!/usr/bin/env python3
"""Build the pinned Go tools of the ecosystem tier into .tools/bin (git-ignored), and the apt tools it needs.

Go tools are built from their pinned Go modules with `go install <module>@<version>` and GOBIN=.tools/bin.
A tool is skipped when .tools/bin already holds it at the pinned version (recorded in a stamp file
next to it, since not every tool prints its module version). Debian packages (graphviz for the
diagrams, shellcheck for actionlint's shell checks) are installed with apt-get only when the
command is missing and we are root; otherwise the script says what is missing.

    python3 scripts/install/go_tools.py              # all tools; prints the bin directory
    python3 scripts/install/go_tools.py helm-docs    # only the named ones
    python3 scripts/install/go_tools.py --no-apt     # Go tools only
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".tools" / "bin"


@dataclass(frozen=True)
class GoTool:
    binary: str
    package: str  # the package path given to `go install`
    version: str

    @property
    def stamp(self) -> Path:
        return BIN / f".{self.binary}.version"

    @property
    def wanted(self) -> str:
        return f"{self.package}@{self.version}"


GO_TOOLS: dict[str, GoTool] = {
    tool.binary: tool
    for tool in (
        GoTool("helm-docs", "github.com/norwoodj/helm-docs/cmd/helm-docs", "v1.14.2"),
        GoTool("kube-score", "github.com/zegl/kube-score/cmd/kube-score", "v1.20.0"),
        GoTool("registry", "github.com/distribution/distribution/v3/cmd/registry", "v3.1.2"),
        GoTool("actionlint", "github.com/rhysd/actionlint/cmd/actionlint", "v1.7.12"),
        # signs and verifies the chart's OCI artifact (scripts/release/publish.py, the ecosystem and smoke tiers); the
        # 2.x line signs in the format every verifier reads (the `.sig` tag), where 3.x defaults to Sigstore bundles
        GoTool("cosign", "github.com/sigstore/cosign/v2/cmd/cosign", "v2.6.5"),
    )
}

# command -> Debian package that provides it
APT_TOOLS: dict[str, str] = {"dot": "graphviz", "shellcheck": "shellcheck"}


def is_current(tool: GoTool) -> bool:
    binary = BIN / tool.binary
    return binary.exists() and tool.stamp.exists() and tool.stamp.read_text().strip() == tool.wanted


def go_install(tool: GoTool) -> None:
    if is_current(tool):
        return
    go = shutil.which("go")
    if go is None:
        sys.exit("go is not on PATH: install Go (>= 1.24) to build the ecosystem tools")
    print(f"go install {tool.wanted}", file=sys.stderr)
    env = {**os.environ, "GOBIN": str(BIN), "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}
    subprocess.run([go, "install", tool.wanted], check=True, env=env)
    tool.stamp.write_text(tool.wanted + "\n")


def apt_install(commands: list[str]) -> None:
    missing = sorted({APT_TOOLS[c] for c in commands if shutil.which(c) is None})
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print(f"missing (install them yourself): {' '.join(missing)}", file=sys.stderr)
        return
    print(f"apt-get install {' '.join(missing)}", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # wait for another apt or dpkg run (a second session installing at the same time) instead of failing at once
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=300"]
    install = [*apt, "install", "-y", "--no-install-recommends", *missing]
    if subprocess.run(install, env=env, check=False).returncode != 0:  # a fresh machine has no package lists yet
        subprocess.run([*apt, "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)


def main(argv: list[str]) -> None:
    use_apt = "--no-apt" not in argv
    names = [a for a in argv if not a.startswith("--")] or [*GO_TOOLS, *APT_TOOLS]
    unknown = [n for n in names if n not in GO_TOOLS and n not in APT_TOOLS]
    if unknown:
        sys.exit(f"unknown tools: {' '.join(unknown)} (known: {' '.join([*GO_TOOLS, *APT_TOOLS])})")
    BIN.mkdir(parents=True, exist_ok=True)
    for name in names:
        if name in GO_TOOLS:
            go_install(GO_TOOLS[name])
    if use_apt:
        apt_install([n for n in names if n in APT_TOOLS])
    print(BIN)


if __name__ == "__main__":
    main(sys.argv[1:])
