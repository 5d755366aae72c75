"""A real OCI registry on loopback for the tiers that push and pull the chart, and the few registry API calls the
signature tests make.

`local_registry` runs CNCF distribution (`registry`, built by scripts/install/go_tools.py) with filesystem storage
under a given directory, plain HTTP on a free 127.0.0.1 port, and stops it on exit. `manifest` and `put_manifest`
read and write a manifest by tag or digest (the Distribution API, `/v2/<name>/manifests/<reference>`), which is how a
test copies a signature onto another artifact to show that a verifier refuses it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import yaml

from harness.errors import HarnessError
from harness.tools import tool

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# What a manifest GET accepts: OCI and Docker manifests (cosign's signature artifacts are either)
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - the registry's http:// URL
            return bool(resp.status == 200)
    except (urllib.error.URLError, ConnectionError):
        return False


@contextlib.contextmanager
def local_registry(root: Path, timeout: float = 30) -> Iterator[str]:
    """host:port of a distribution registry serving from `root` until the block ends."""
    port = free_port()
    config = root / "config.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "version": 0.1,
                "log": {"level": "warn"},
                "storage": {"filesystem": {"rootdirectory": str(root / "data")}, "delete": {"enabled": True}},
                "http": {"addr": f"127.0.0.1:{port}", "secret": "loopback-test-only"},
            }
        )
    )
    env = {**os.environ, "OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "none"}
    log_path = root / "registry.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([tool("registry"), "serve", str(config)], stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + timeout
            while not _serving(f"http://127.0.0.1:{port}/v2/"):
                if proc.poll() is not None or time.monotonic() > deadline:
                    msg = f"registry did not start: {log_path.read_text()[-2000:]}"
                    raise HarnessError(msg)
                time.sleep(0.2)
            yield f"127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def client_env(home: Path) -> dict[str, str]:
    """The environment of a helm and a cosign with their own configuration, caches and registry credentials under
    `home`, so no run reads another's cache (helm 4 reuses a cached chart and provenance by the chart's digest)."""
    return {
        **os.environ,
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_DATA_HOME": str(home / "data"),
        "HELM_REGISTRY_CONFIG": str(home / "registry.json"),
        "DOCKER_CONFIG": str(home / "docker"),
    }


def manifest(host: str, name: str, reference: str) -> tuple[bytes, str]:
    """The manifest `name:reference` (a tag or a digest) as stored, and its media type."""
    request = urllib.request.Request(
        f"http://{host}/v2/{name}/manifests/{reference}", headers={"Accept": ", ".join(MANIFEST_TYPES)}
    )
    with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310 - as above
        return resp.read(), str(resp.headers["Content-Type"])


def put_manifest(host: str, name: str, reference: str, body: bytes, media_type: str) -> None:
    """Store `body` as the manifest `name:reference` (its blobs must be in the repository already)."""
    request = urllib.request.Request(
        f"http://{host}/v2/{name}/manifests/{reference}", data=body, method="PUT", headers={"Content-Type": media_type}
    )
    with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310 - as above
        if resp.status != 201:
            msg = f"PUT {name}:{reference}: HTTP {resp.status}"
            raise HarnessError(msg)
