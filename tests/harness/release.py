"""Releases in a test: a cosign key pair made for the test, the chart published by scripts/release/publish.py to a
local registry, and the two artifacts a verifier must refuse (an unsigned chart, and a tampered chart carrying the
signature of the genuine one), plus the chart README's verified install as the script the tests run.

The README block `<!-- verify:install -->` is written for the maintainers' registry and their keyless identity; a
test runs it with exactly these substitutions: the registry `<registry>.azurecr.io/helm` becomes the local registry's
repository, `helm pull` gets `--plain-http`, the keyless identity flags become the test's public key (signatures
made without the transparency log, which a test cannot reach), `my-values.yaml` a values file and `-n inference`
the test's namespace.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from harness.errors import HarnessError
from harness.paths import CHART_DIR, REPO_ROOT, chart_meta
from harness.readme import marked_blocks
from harness.registry import manifest, put_manifest
from harness.tools import helm_binary, run, tool

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping
    from pathlib import Path

PUBLISH = REPO_ROOT / "scripts" / "release" / "publish.py"
KEY_PASSWORD = "test-only-password"  # noqa: S105 - protects a key pair that lives as long as one test module
README_REPOSITORY = "<registry>.azurecr.io/helm"
README_VALUES = "my-values.yaml"
README_NAMESPACE = "-n inference "
_KEYLESS = re.compile(r"--certificate-identity\s+\S+\s+--certificate-oidc-issuer\s+\S+")


@dataclass(frozen=True)
class KeyPair:
    key: Path
    pub: Path


@dataclass(frozen=True)
class Published:
    host: str  # host:port of the registry
    name: str  # the chart's repository in it, e.g. helm/ai-inference
    version: str
    digest: str

    @property
    def reference(self) -> str:
        return f"{self.host}/{self.name}:{self.version}"


def key_pair(folder: Path, env: Mapping[str, str]) -> KeyPair:
    """`cosign generate-key-pair` in `folder` (the private key encrypted with KEY_PASSWORD)."""
    folder.mkdir(parents=True, exist_ok=True)
    run([tool("cosign"), "generate-key-pair"], cwd=folder, env={**env, "COSIGN_PASSWORD": KEY_PASSWORD})
    return KeyPair(folder / "cosign.key", folder / "cosign.pub")


def publish(host: str, path: str, keys: KeyPair, env: Mapping[str, str], chart_dir: Path = CHART_DIR) -> Published:
    """scripts/release/publish.py: package, push to oci://<host>/<path>, sign with `keys`, verify (no tlog)."""
    args: list[str | Path] = [f"oci://{host}/{path}", "--key", keys.key, "--pub", keys.pub, "--offline", "--plain-http"]
    proc = run(
        [sys.executable, PUBLISH, *args, "--chart-dir", chart_dir],
        cwd=REPO_ROOT,
        env={**env, "COSIGN_PASSWORD": KEY_PASSWORD},
    )
    meta = chart_meta(chart_dir)
    digest = str(json.loads(proc.stdout)["digest"])  # publish.py prints one JSON object, nothing else
    return Published(host, f"{path}/{meta['name']}", str(meta["version"]), digest)


def package(chart_dir: Path, out: Path) -> Path:
    """`helm package`; the archive's path."""
    meta = chart_meta(chart_dir)
    run([helm_binary(), "package", chart_dir, "-d", out])
    return out / f"{meta['name']}-{meta['version']}.tgz"


def push(archive: Path, repository: str, *, plain_http: bool, env: Mapping[str, str] | None = None) -> str:
    """`helm push` to oci://<registry>/<path>; the manifest digest helm reports."""
    flags = ["--plain-http"] if plain_http else []
    proc = run([helm_binary(), "push", archive, repository, *flags], env=env)
    found = re.findall(r"^Digest: (sha256:[0-9a-f]{64})$", proc.stdout + proc.stderr, re.MULTILINE)
    if len(found) != 1:
        msg = f"helm push printed no digest:\n{proc.stdout}{proc.stderr}"
        raise HarnessError(msg)
    return str(found[0])


def tampered_chart(folder: Path) -> Path:
    """A copy of the chart with one more template (a ConfigMap named `tampered`): what an attacker would push."""
    copy = folder / CHART_DIR.name
    shutil.copytree(CHART_DIR, copy, symlinks=True)
    (copy / "templates" / "zz-tampered.yaml").write_text(
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tampered\ndata:\n  injected: "true"\n'
    )
    return copy


def replay_signature(published: Published, digest: str) -> None:
    """Copy the signature of the published artifact onto artifact `digest` of the same repository (the tag cosign
    looks up, `sha256-<hex>.sig`), as an attacker who can push but holds no key would."""
    body, media_type = manifest(published.host, published.name, signature_tag(published.digest))
    put_manifest(published.host, published.name, signature_tag(digest), body, media_type)


def signature_tag(digest: str) -> str:
    """The tag of cosign's signature of `digest` (cosign's tag scheme: `sha256-<hex>.sig`)."""
    return digest.replace(":", "-") + ".sig"


def verified_install_script(host: str, path: str, pub: Path, values: Path, namespace: str) -> str:
    """The README's verified install, for the chart at oci://<host>/<path> and the test's key, values and namespace."""
    blocks = marked_blocks("verify")
    if "install" not in blocks:
        msg = "the README has no block marked verify:install"
        raise HarnessError(msg)
    script = "\n".join(blocks["install"])
    for found, wanted in (
        (README_REPOSITORY, f"{host}/{path}"),
        ("helm pull ", "helm pull --plain-http "),
        (README_VALUES, str(values)),
        (README_NAMESPACE, f"-n {namespace} "),
    ):
        if found not in script:
            msg = f"the README's verify:install block has no {found!r} to substitute"
            raise HarnessError(msg)
        script = script.replace(found, wanted)
    script, count = _KEYLESS.subn(f"--key {pub} --insecure-ignore-tlog=true", script)
    if count != 1:
        msg = "the README's verify:install block verifies with the keyless identity flags exactly once"
        raise HarnessError(msg)
    return script


def run_block(script: str, cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """A README block as one bash script (`-e -o pipefail`), with `helm` and `cosign` on PATH being the tools under
    test; the caller checks its exit status."""
    bin_dir = cwd / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, binary in (("helm", helm_binary()), ("cosign", tool("cosign"))):
        if not (bin_dir / name).exists():
            (bin_dir / name).symlink_to(binary)
    path = f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"
    return run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env={**env, "PATH": path}, check=False)
