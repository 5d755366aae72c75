"""OCI round trip: helm package, push to a real OCI registry on loopback, pull / show / template it back, compare.

The registry is CNCF distribution on loopback (harness.registry.local_registry), stopped at the end. Both helm 3 and
helm 4. The pulled package must be byte-identical to the pushed one and render exactly as the local chart does, for
every scenario.
The same commands with `oci://<registry>.azurecr.io/helm` (after `az acr login`) publish to Azure Container Registry.
"""

from __future__ import annotations

import hashlib
import tarfile
from typing import TYPE_CHECKING

import pytest
import yaml
from harness.cases import file_cases
from harness.paths import CHART_DIR, chart_meta
from harness.registry import client_env, local_registry
from harness.render import Renderer, RenderRequest
from harness.tools import HELMS, helm_binary, run

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """host:port of a distribution registry serving on loopback for this module."""
    with local_registry(tmp_path_factory.mktemp("registry")) as host:
        yield host


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def renders_that_differ(helm: Path, chart: Path) -> list[str]:
    """The scenarios (chart defaults and every values file) that `chart` renders differently from the local chart."""
    requests = [RenderRequest.make(), *(case.request() for case in file_cases())]
    local, pulled = Renderer(helm), Renderer(helm, chart_dir=chart)
    try:
        local.prerender(requests)
        pulled.prerender(requests)
        return [r.describe() for r in requests if pulled.render(r).text != local.render(r).text]
    finally:
        local.close()
        pulled.close()


@pytest.mark.parametrize("helm", HELMS)
def test_oci_round_trip(helm: str, registry: str, tmp_path: Path) -> None:
    binary, env = helm_binary(helm), client_env(tmp_path / "home")
    meta = chart_meta()
    name, version = meta["name"], meta["version"]
    out = tmp_path / "package"
    run([binary, "package", CHART_DIR, "-d", out], env=env)
    package = out / f"{name}-{version}.tgz"
    assert package.is_file(), list(out.iterdir())
    with tarfile.open(package) as tgz:
        members = tgz.getnames()
    assert f"{name}/Chart.yaml" in members
    assert f"{name}/README.md" in members
    assert not [m for m in members if m.startswith(f"{name}/ci/") or m.endswith(".gotmpl")], "ci/ or gotmpl packaged"

    repo = f"oci://{registry}/helm/{helm}"
    pushed = run([binary, "push", package, repo, "--plain-http"], env=env)
    assert "Digest:" in pushed.stdout + pushed.stderr
    ref = f"{repo}/{name}"

    shown = run([binary, "show", "chart", ref, "--version", version, "--plain-http"], env=env).stdout
    assert yaml.safe_load(shown) == yaml.safe_load(run([binary, "show", "chart", package], env=env).stdout)

    pulled_dir = tmp_path / "pulled"
    pulled_dir.mkdir()
    run([binary, "pull", ref, "--version", version, "--plain-http", "-d", pulled_dir], env=env)
    assert sha256(pulled_dir / package.name) == sha256(package), "the pulled package differs from the pushed one"
    with tarfile.open(pulled_dir / package.name) as tgz:
        tgz.extractall(pulled_dir, filter="data")
    differing = renders_that_differ(binary, pulled_dir / name)
    assert not differing, f"the chart pulled from {ref} renders differently from the local chart: {differing}"
