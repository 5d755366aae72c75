#!/usr/bin/env python3
"""Copy the CRDs of the cluster add-ons the chart renders against from their Go modules into tests/crds/.

    python3 scripts/vendor_crds.py            # (re)write tests/crds/<component>/<version>/*.yaml
    python3 scripts/vendor_crds.py --check    # exit 1 when a vendored file differs from its module's copy

Each version named in tests/crds/aks-versions.txt is fetched with `go mod download -json <module>@<version>`
(checksum-verified against sum.golang.org); the CRD files are copied unmodified below a header
that names the module, its version and go.sum hash, and the path inside the module. Then regenerate the render
tier's schemas: `python3 scripts/crd_to_schema.py --all`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CRDS = ROOT / "tests" / "crds"
VERSIONS_FILE = CRDS / "aks-versions.txt"


@dataclass(frozen=True)
class Component:
    """A Go module that ships CRDs, the directory holding them and the files the chart needs."""

    module: str
    directory: str
    files: tuple[str, ...]


COMPONENTS = {
    "gateway-api": Component(
        "sigs.k8s.io/gateway-api",
        "config/crd/standard",
        (
            "gateway.networking.k8s.io_gateways.yaml",
            "gateway.networking.k8s.io_httproutes.yaml",
            "gateway.networking.k8s.io_grpcroutes.yaml",
        ),
    ),
    "keda": Component(
        "github.com/kedacore/keda/v2",
        "config/crd/bases",
        ("keda.sh_scaledobjects.yaml", "keda.sh_triggerauthentications.yaml"),
    ),
}


def read_versions(path: Path = VERSIONS_FILE) -> dict[str, dict[str, str]]:
    """Kubernetes minor -> {component: version} from aks-versions.txt (the header row names the components)."""
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    header = next(row for row in rows if row[0] == "#" and row[1:2] == ["minor"])[2:]
    return {row[0]: dict(zip(header, row[1:], strict=True)) for row in rows if row[0][0].isdigit()}


def download(module: str, version: str) -> tuple[Path, str]:
    """The extracted module directory and its go.sum hash."""
    out = subprocess.run(
        ["go", "mod", "download", "-json", f"{module}@{version}"], capture_output=True, text=True, check=True
    ).stdout
    info = json.loads(out)
    return Path(info["Dir"]), str(info["Sum"])


def header(component: Component, version: str, checksum: str, name: str) -> str:
    return (
        f"# Source: Go module {component.module}@{version} ({checksum}),\n"
        f"#   path: {component.directory}/{name}, unmodified below this header.\n"
        "# Upstream data (Apache-2.0), copied by scripts/vendor_crds.py for the smoke cluster and the render tier's\n"
        "# schema validation (tests/crds/aks-versions.txt says which AKS minor serves this version).\n"
    )


def vendor(check: bool) -> list[Path]:
    """Write (or compare) every vendored CRD; returns the files that differ."""
    wanted = {(name, version) for row in read_versions().values() for name, version in row.items()}
    stale: list[Path] = []
    for name, version in sorted(wanted):
        component = COMPONENTS[name]
        source_dir, checksum = download(component.module, version)
        for file_name in component.files:
            text = header(component, version, checksum, file_name)
            text += (source_dir / component.directory / file_name).read_text(encoding="utf-8")
            target = CRDS / name / version / file_name
            if check:
                if not target.is_file() or target.read_text(encoding="utf-8") != text:
                    stale.append(target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(target.relative_to(ROOT))
    return stale


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when a vendored file differs")
    args = parser.parse_args(argv)
    stale = vendor(args.check)
    for path in stale:
        print(f"differs from its module: {path.relative_to(ROOT)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
