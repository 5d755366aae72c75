#!/usr/bin/env python3
"""Publish the chart: package it, push it to an OCI registry, sign what was pushed with cosign, verify that
signature, and push the repository's Artifact Hub metadata. The workflow's release job runs it (`nox -s release`,
keyless against Azure Container Registry); the ecosystem and smoke tiers run it with a key pair against a local
registry.

    publish.py oci://<acr>.azurecr.io/helm --tag ai-inference-<version> --keyless   # CI with an OIDC identity
    publish.py oci://127.0.0.1:5000/helm --key cosign.key --pub cosign.pub --offline --plain-http

What is signed: the manifest digest `helm push` reports (it covers the chart's config and its .tgz layer), in
cosign's signature format that every verifier reads (the tag `sha256-<digest>.sig` of the chart's repository: Flux's
OCIRepository and HelmChart verification, Artifact Hub's "Signed", cosign 2 and 3). Flags (sigstore/cosign v2.6.5,
cmd/cosign/cli/options/sign.go, verify.go, registry.go): `--tlog-upload=false` signs without the transparency log and
`--insecure-ignore-tlog=true` verifies without it (`--offline`: no Rekor reachable, keys only); `--allow-http-registry`
with `--plain-http`; `--yes` skips the keyless upload prompt. A key's password is read from COSIGN_PASSWORD.

Prints the pushed reference and digest as JSON. With `--tag` (a release) it first checks that the tag is
`<chart>-<version>` of Chart.yaml and that CHANGELOG.md dates that version.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from harness.changelog import section
from harness.paths import CHART_DIR, chart_meta
from harness.release import package, push
from harness.tools import run, tool

REPO_METADATA = "artifacthub-repo.yml"  # in the chart's folder (not packaged: .helmignore)
# Artifact Hub reads the metadata of an OCI repository from its tag `artifacthub.io`, in a layer of this media type
# (artifacthub/hub docs/helm_charts_repositories.md, "OCI support")
METADATA_TAG = "artifacthub.io"
METADATA_MEDIA_TYPE = "application/vnd.cncf.artifacthub.repository-metadata.layer.v1.yaml"
# The identity of a keyless signature made by this repository's release job (GitHub's OIDC token)
RELEASE_ISSUER = "https://token.actions.githubusercontent.com"
RELEASE_IDENTITY = r"^https://github\.com/ai-inference/ai-inference/\.github/workflows/chart-ci\.yaml@refs/tags/"


def release_check(tag: str, chart_dir: Path = CHART_DIR) -> None:
    """A release tag names the chart's version, and the CHANGELOG has dated that version's section."""
    meta = chart_meta(chart_dir)
    wanted = f"{meta['name']}-{meta['version']}"
    if tag != wanted:
        sys.exit(f"tag {tag}: Chart.yaml says version {meta['version']}, so the release tag is {wanted}")
    notes = section(str(meta["version"]), (chart_dir / "CHANGELOG.md").read_text(encoding="utf-8"))
    if not notes.released:
        sys.exit(f"CHANGELOG.md: give [{meta['version']}] its release date (`## [{meta['version']}] - YYYY-MM-DD`)")


def cosign(*args: str | Path) -> str:
    """Run cosign (its key password from COSIGN_PASSWORD); its standard output."""
    env = {**os.environ, "COSIGN_PASSWORD": os.environ.get("COSIGN_PASSWORD", "")}
    return run([tool("cosign"), *args], env=env).stdout


def cosign_flags(args: argparse.Namespace) -> list[str]:
    return ["--allow-http-registry"] if args.plain_http else []


def sign(reference: str, args: argparse.Namespace) -> None:
    """Sign `reference` (name@digest): with the key, or keyless with the CI's OIDC identity."""
    key = ["--key", str(args.key)] if args.key else []
    tlog = ["--tlog-upload=false"] if args.offline else []
    cosign("sign", "--yes", *key, *tlog, *cosign_flags(args), reference)


def verify(reference: str, args: argparse.Namespace) -> str:
    """Verify the signature of `reference` with the public key, or the release identity; the digest it covers."""
    if args.pub:
        trust = ["--key", str(args.pub)]
    elif workflow := os.environ.get("GITHUB_WORKFLOW_REF"):  # in GitHub Actions: exactly this workflow at this ref
        identity = f"https://github.com/{workflow}"
        trust = ["--certificate-identity", identity, "--certificate-oidc-issuer", RELEASE_ISSUER]
    else:
        trust = ["--certificate-identity-regexp", args.identity, "--certificate-oidc-issuer", RELEASE_ISSUER]
    tlog = ["--insecure-ignore-tlog=true"] if args.offline else []
    out = cosign("verify", *trust, *tlog, *cosign_flags(args), "--output", "json", reference)
    return str(json.loads(out)[0]["critical"]["image"]["docker-manifest-digest"])


def push_metadata(repository: str, args: argparse.Namespace) -> None:
    """artifacthub-repo.yml as the repository's `artifacthub.io` tag (cosign uploads a one-layer artifact)."""
    target = f"{repository}:{METADATA_TAG}"
    metadata = args.chart_dir / REPO_METADATA
    cosign("upload", "blob", "--ct", METADATA_MEDIA_TYPE, "-f", str(metadata), *cosign_flags(args), target)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("repository", help="where to push: oci://<registry>/<path> (the chart lands in <path>/<name>)")
    parser.add_argument("--tag", help="the git tag being released (ai-inference-<version>): checked first")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--key", type=Path, help="cosign private key (its password in COSIGN_PASSWORD)")
    how.add_argument("--keyless", action="store_true", help="sign with the OIDC identity of the CI job")
    parser.add_argument("--pub", type=Path, help="the public key of --key, to verify with")
    parser.add_argument("--identity", default=RELEASE_IDENTITY, help="keyless: certificate identity regexp to verify")
    parser.add_argument("--offline", action="store_true", help="no transparency log (key pairs only)")
    parser.add_argument("--plain-http", action="store_true", help="the registry speaks plain HTTP")
    parser.add_argument("--chart-dir", type=Path, default=CHART_DIR, help="the chart to publish")
    args = parser.parse_args(argv)
    if args.key and not args.pub:
        parser.error("--key needs --pub, the public key to verify the signature with")
    if args.keyless and args.offline:
        parser.error("--keyless needs the transparency log: leave out --offline")
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse(argv)
    if args.tag:
        release_check(args.tag, args.chart_dir)
    meta = chart_meta(args.chart_dir)
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        digest = push(package(args.chart_dir, Path(tmp)), args.repository, plain_http=args.plain_http)
    name = f"{args.repository.removeprefix('oci://').rstrip('/')}/{meta['name']}"
    sign(f"{name}@{digest}", args)
    verified = verify(f"{name}:{meta['version']}", args)
    if verified != digest:
        sys.exit(f"{name}:{meta['version']} is {verified}, not the {digest} just pushed and signed")
    push_metadata(name, args)
    print(json.dumps({"reference": f"{name}:{meta['version']}", "digest": digest}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
