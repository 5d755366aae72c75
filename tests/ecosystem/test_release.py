"""The release path against a real OCI registry on loopback: scripts/release/publish.py packages the chart, pushes it,
signs the pushed digest with cosign (a key pair made for this module, no transparency log) and verifies it; what it
leaves in the registry is what Flux, Artifact Hub and `cosign verify` read. A verifier refuses an unsigned chart, a
tampered chart that carries the genuine chart's signature, and a signature by another key. A release tag that does not
name Chart.yaml's version, or names an undated CHANGELOG section, stops the release before anything is pushed. The
chart README's Flux example agrees with what is pushed and with the identity its `cosign verify` checks.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import urllib.request
from typing import TYPE_CHECKING

import pytest
import yaml
from harness.paths import CHART_DIR, REPO_ROOT, chart_meta
from harness.registry import client_env, local_registry, manifest
from harness.release import (
    PUBLISH,
    KeyPair,
    Published,
    key_pair,
    package,
    publish,
    push,
    replay_signature,
    signature_tag,
    tampered_chart,
)
from harness.tools import HELMS, helm_binary, run, tool

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterator, Mapping
    from pathlib import Path

# cosign's signature payload format (the `.sig` tag's layer): what Flux, Artifact Hub and cosign 2 and 3 read
SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
METADATA_LAYER = "application/vnd.cncf.artifacthub.repository-metadata.layer.v1.yaml"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("release")


@pytest.fixture(scope="module")
def env(home: Path) -> dict[str, str]:
    return client_env(home / "clients")


@pytest.fixture(scope="module")
def registry(home: Path) -> Iterator[str]:
    folder = home / "registry"
    folder.mkdir()
    with local_registry(folder) as host:
        yield host


@pytest.fixture(scope="module")
def keys(home: Path, env: dict[str, str]) -> KeyPair:
    return key_pair(home / "keys", env)


@pytest.fixture(scope="module")
def released(registry: str, keys: KeyPair, env: dict[str, str]) -> Published:
    return publish(registry, "helm", keys, env)


def verify(reference: str, pub: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """`cosign verify` as a user runs it with a public key (signatures made without the transparency log)."""
    args: list[str | Path] = [tool("cosign"), "verify", "--key", pub, "--insecure-ignore-tlog=true", reference]
    return run(args, env=env, check=False)


def layers(host: str, name: str, reference: str) -> list[dict[str, str]]:
    body, _ = manifest(host, name, reference)
    found: list[dict[str, str]] = json.loads(body)["layers"]
    return found


def test_publish_signs_what_it_pushed(released: Published, keys: KeyPair, env: dict[str, str]) -> None:
    pushed, _ = manifest(released.host, released.name, released.version)
    assert f"sha256:{hashlib.sha256(pushed).hexdigest()}" == released.digest
    signature = layers(released.host, released.name, signature_tag(released.digest))
    assert [layer["mediaType"] for layer in signature] == [SIMPLE_SIGNING], signature
    proc = verify(released.reference, keys.pub, env)
    assert proc.returncode == 0, proc.stderr
    claims = json.loads(proc.stdout)
    assert {c["critical"]["image"]["docker-manifest-digest"] for c in claims} == {released.digest}


def test_publish_pushes_the_artifact_hub_metadata(released: Published) -> None:
    metadata = layers(released.host, released.name, "artifacthub.io")
    assert [layer["mediaType"] for layer in metadata] == [METADATA_LAYER]
    url = f"http://{released.host}/v2/{released.name}/blobs/{metadata[0]['digest']}"
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.read() == (CHART_DIR / "artifacthub-repo.yml").read_bytes()


@pytest.mark.parametrize("helm", HELMS)
def test_helm_pulls_the_signed_digest(helm: str, released: Published, tmp_path: Path) -> None:
    """Both helms resolve the release's tag to the digest that was signed (what the verified install relies on)."""
    ref = f"oci://{released.host}/{released.name}"
    env = client_env(tmp_path / "clients")
    proc = run([helm_binary(helm), "pull", ref, "--version", released.version, "--plain-http", "-d", tmp_path], env=env)
    assert f"Digest: {released.digest}" in proc.stdout + proc.stderr


def test_an_unsigned_chart_is_refused(registry: str, keys: KeyPair, env: dict[str, str], tmp_path: Path) -> None:
    digest = push(package(CHART_DIR, tmp_path), f"oci://{registry}/unsigned", plain_http=True, env=env)
    proc = verify(f"{registry}/unsigned/{chart_meta()['name']}@{digest}", keys.pub, env)
    assert proc.returncode != 0
    assert "no signatures found" in proc.stderr, proc.stderr


def test_a_tampered_chart_with_the_genuine_signature_is_refused(
    registry: str, keys: KeyPair, env: dict[str, str], tmp_path: Path
) -> None:
    """The genuine chart published, then a changed chart pushed over its tag with the genuine signature copied onto it:
    the signature's payload names the genuine digest, so it does not verify the tampered one."""
    genuine = publish(registry, "tampered", keys, env)
    archive = package(tampered_chart(tmp_path), tmp_path / "package")
    digest = push(archive, f"oci://{registry}/tampered", plain_http=True, env=env)
    assert digest != genuine.digest
    replay_signature(genuine, digest)
    proc = verify(genuine.reference, keys.pub, env)
    assert proc.returncode != 0, proc.stdout
    assert "no matching signatures" in proc.stderr, proc.stderr


def test_another_key_is_refused(released: Published, home: Path, env: dict[str, str]) -> None:
    other = key_pair(home / "other-keys", env)
    proc = verify(released.reference, other.pub, env)
    assert proc.returncode != 0
    assert "no matching signatures" in proc.stderr, proc.stderr


def release_tag_check(chart_dir: Path, tag: str, keys: KeyPair, env: Mapping[str, str]) -> str:
    """publish.py with a release tag, pushing to a port nothing listens on; its standard error."""
    args: list[str | Path] = ["oci://127.0.0.1:9/helm", "--tag", tag, "--key", keys.key, "--pub", keys.pub, "--offline"]
    proc = run([sys.executable, PUBLISH, *args, "--chart-dir", chart_dir], cwd=REPO_ROOT, env=env, check=False)
    assert proc.returncode != 0, "nothing can be pushed to port 9"
    return proc.stderr


@pytest.mark.parametrize("date", ["Unreleased", "2026-12-01"])
def test_a_release_tag_is_checked_first(date: str, keys: KeyPair, env: dict[str, str], tmp_path: Path) -> None:
    """The tag must name Chart.yaml's version and its CHANGELOG section must carry a date; only then does the release
    go on (and here fail at the push)."""
    chart = tmp_path / CHART_DIR.name
    shutil.copytree(CHART_DIR, chart, symlinks=True)
    meta = chart_meta(chart)
    changelog = chart / "CHANGELOG.md"
    text = changelog.read_text()
    heading = next(line for line in text.splitlines() if line.startswith(f"## [{meta['version']}]"))
    changelog.write_text(text.replace(heading, f"## [{meta['version']}] - {date}"))
    wrong = release_tag_check(chart, f"{meta['name']}-0.0.1", keys, env)
    assert f"so the release tag is {meta['name']}-{meta['version']}" in wrong, wrong
    right = release_tag_check(chart, f"{meta['name']}-{meta['version']}", keys, env)
    undated = f"CHANGELOG.md: give [{meta['version']}] its release date"
    assert (undated in right) == (date == "Unreleased"), right


def test_the_flux_example_verifies_the_release_identity_and_selects_the_pushed_chart(released: Published) -> None:
    """The chart README's Flux manifests: the OCIRepository selects the layer `helm push` wrote, its cosign identity
    matchers accept the release job's certificate identity that the README's `cosign verify` names, and the
    HelmRelease installs from that OCIRepository."""
    readme = (CHART_DIR / "README.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL) if "kind: OCIRepository" in b)
    source, release = list(yaml.safe_load_all(block))
    assert (source["kind"], release["kind"]) == ("OCIRepository", "HelmRelease")
    chart_layer = layers(released.host, released.name, released.version)[0]["mediaType"]
    assert source["spec"]["layerSelector"]["mediaType"] == chart_layer
    assert source["spec"]["verify"]["provider"] == "cosign"
    identity = re.search(r"--certificate-identity (\S+)", readme)
    issuer = re.search(r"--certificate-oidc-issuer (\S+)", readme)
    assert identity
    assert issuer
    [matcher] = source["spec"]["verify"]["matchOIDCIdentity"]
    assert re.fullmatch(matcher["subject"], identity[1]), (matcher["subject"], identity[1])
    assert re.fullmatch(matcher["issuer"], issuer[1]), (matcher["issuer"], issuer[1])
    assert release["spec"]["chartRef"] == {"kind": "OCIRepository", "name": source["metadata"]["name"]}
