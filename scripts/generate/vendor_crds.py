#!/usr/bin/env python3
"""Copy the CRDs of the cluster add-ons the chart renders against from their Go modules into tests/crds/.

    python3 scripts/generate/vendor_crds.py            # (re)write tests/crds/<component>/<version>/*.yaml
    python3 scripts/generate/vendor_crds.py --check    # exit 1 when a vendored file differs from its module's copy

Each version named in tests/crds/aks-versions.txt (per AKS minor) and tests/crds/extension-versions.txt (add-ons
AKS does not install, at every version the chart renders against) is fetched with
`go mod download -json <module>@<version>` (checksum-verified against sum.golang.org); the CRD files are copied
unmodified below a header that names the module, its version and go.sum hash, and the path inside the module (for a
file that holds many CRDs, only the named ones, each document unmodified). Then regenerate the render tier's schemas:
`python3 scripts/generate/crd_schemas.py --all`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CRDS = ROOT / "tests" / "crds"
VERSIONS_FILE = CRDS / "aks-versions.txt"
EXTENSION_VERSIONS_FILE = CRDS / "extension-versions.txt"


@dataclass(frozen=True)
class Component:
    """A Go module that ships CRDs, the directory holding them and the files the chart needs, and the files only
    newer versions have (`optional`, copied where present); with `documents`, the one file in `files` holds many CRDs
    and only those named (metadata.name) are copied, each to <group>_<plural>.yaml."""

    module: str
    directory: str
    files: tuple[str, ...]
    documents: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()


COMPONENTS = {
    # The chart's kinds and what a Gateway API implementation watches besides them (the local cluster's Traefik waits
    # for every kind it watches: GatewayClass, ReferenceGrant, BackendTLSPolicy, standard since v1.4.0).
    "gateway-api": Component(
        "sigs.k8s.io/gateway-api",
        "config/crd/standard",
        (
            "gateway.networking.k8s.io_gateways.yaml",
            "gateway.networking.k8s.io_httproutes.yaml",
            "gateway.networking.k8s.io_grpcroutes.yaml",
            "gateway.networking.k8s.io_gatewayclasses.yaml",
            "gateway.networking.k8s.io_referencegrants.yaml",
        ),
        optional=("gateway.networking.k8s.io_backendtlspolicies.yaml",),
    ),
    # Every CRD of the release: the operator runs a controller for each (ClusterCloudEventSource since v2.15).
    "keda": Component(
        "github.com/kedacore/keda/v2",
        "config/crd/bases",
        (
            "keda.sh_scaledobjects.yaml",
            "keda.sh_triggerauthentications.yaml",
            "keda.sh_scaledjobs.yaml",
            "keda.sh_clustertriggerauthentications.yaml",
            "eventing.keda.sh_cloudeventsources.yaml",
        ),
        optional=("eventing.keda.sh_clustercloudeventsources.yaml",),
    ),
    "inference-extension": Component(
        "sigs.k8s.io/gateway-api-inference-extension",
        "config/crd/bases",
        ("inference.networking.k8s.io_inferencepools.yaml",),
    ),
    "istio": Component(
        "istio.io/api",
        "kubernetes",
        ("customresourcedefinitions.gen.yaml",),
        ("destinationrules.networking.istio.io",),
    ),
}


def read_versions(path: Path = VERSIONS_FILE) -> dict[str, dict[str, str]]:
    """Kubernetes minor -> {component: version} from aks-versions.txt (the header row names the components)."""
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    header = next(row for row in rows if row[0] == "#" and row[1:2] == ["minor"])[2:]
    return {row[0]: dict(zip(header, row[1:], strict=True)) for row in rows if row[0][0].isdigit()}


def read_extension_versions(path: Path = EXTENSION_VERSIONS_FILE) -> list[tuple[str, str]]:
    """(component, version) rows of extension-versions.txt, in file order."""
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    return [(row[0], row[1]) for row in rows if row and not row[0].startswith("#")]


def documents(text: str, names: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """<group>_<plural>.yaml -> (CRD name, unmodified text) of each named CRD document of a multi-document file."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in re.split(r"^---[ \t]*\n", text, flags=re.MULTILINE):
        doc = yaml.safe_load(chunk)
        if isinstance(doc, dict) and doc.get("metadata", {}).get("name") in names:
            spec = doc["spec"]
            body = chunk if chunk.endswith("\n") else chunk + "\n"
            out[f"{spec['group']}_{spec['names']['plural']}.yaml"] = (doc["metadata"]["name"], body)
    if len(out) != len(names):
        msg = f"CRDs {sorted(names)} not all found in the file (found {sorted(out)})"
        raise LookupError(msg)
    return out


def download(module: str, version: str) -> tuple[Path, str]:
    """The extracted module directory and its go.sum hash."""
    out = subprocess.run(
        ["go", "mod", "download", "-json", f"{module}@{version}"], capture_output=True, text=True, check=True
    ).stdout
    info = json.loads(out)
    return Path(info["Dir"]), str(info["Sum"])


def header(component: Component, version: str, checksum: str, name: str, *, per_minor: bool = True) -> str:
    where = f"{component.directory}/{name}"
    if component.documents:
        where = f"{component.directory}/{component.files[0]} (CRD {name})"
    table = (
        "(tests/crds/aks-versions.txt: the AKS minors serving this version)"
        if per_minor
        else "(tests/crds/extension-versions.txt: an add-on AKS does not install)"
    )
    return (
        f"# Source: Go module {component.module}@{version} ({checksum}),\n"
        f"#   path: {where}, unmodified below this header.\n"
        "# Upstream data (Apache-2.0), copied by scripts/generate/vendor_crds.py for the smoke cluster and\n"
        f"# the render tier's schema validation {table}.\n"
    )


def vendored_files(component: Component, source_dir: Path) -> dict[str, tuple[str, str]]:
    """Target file name -> (name for the header, text) of one component's CRDs in its module directory."""
    if component.documents:
        text = (source_dir / component.directory / component.files[0]).read_text(encoding="utf-8")
        return documents(text, component.documents)
    present = [name for name in component.optional if (source_dir / component.directory / name).is_file()]
    return {
        name: (name, (source_dir / component.directory / name).read_text(encoding="utf-8"))
        for name in (*component.files, *present)
    }


def wanted_versions() -> set[tuple[str, str]]:
    """(component, version) of every CRD set to vendor: the AKS minors' and the extension table's."""
    return per_minor_versions() | set(read_extension_versions())


def per_minor_versions() -> set[tuple[str, str]]:
    """(component, version) of the CRD sets AKS serves per minor (aks-versions.txt)."""
    return {(name, version) for row in read_versions().values() for name, version in row.items()}


def vendor(check: bool) -> list[Path]:
    """Write (or compare) every vendored CRD; returns the files that differ."""
    stale: list[Path] = []
    for name, version in sorted(wanted_versions()):
        component = COMPONENTS[name]
        source_dir, checksum = download(component.module, version)
        for file_name, (source_name, body) in vendored_files(component, source_dir).items():
            per_minor = (name, version) in per_minor_versions()
            text = header(component, version, checksum, source_name, per_minor=per_minor) + body
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
