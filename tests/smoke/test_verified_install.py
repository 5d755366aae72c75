"""The chart installed from an OCI registry only after its signature verifies, by the chart README's own verified
install (its `verify:install` block, run as harness.release.verified_install_script writes it for a local registry
and this module's key pair): the signed chart installs; an unsigned chart, and a tampered chart that carries the
genuine chart's signature, stop at `cosign verify` and leave no release and no object in the namespace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from harness.paths import CHART_DIR, VALUES_DIR, chart_meta
from harness.registry import client_env, local_registry
from harness.release import (
    KeyPair,
    key_pair,
    package,
    publish,
    push,
    replay_signature,
    run_block,
    tampered_chart,
    verified_install_script,
)

from .kube import INSTANCE, Helm, Kube, items

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("verified-install")]  # one registry for the module

RELEASE = "inference"  # the README's release name
REFUSED = {"unsigned": "no signatures found", "tampered": "no matching signatures"}


@dataclass(frozen=True)
class Registry:
    """The local registry with the signed chart under helm/, an unsigned one under unsigned/ and a tampered one,
    carrying the genuine signature, under tampered/."""

    host: str
    keys: KeyPair
    env: dict[str, str]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    home = tmp_path_factory.mktemp("verified-install")
    env = client_env(home / "clients")
    (home / "registry").mkdir()
    with local_registry(home / "registry") as host:
        keys = key_pair(home / "keys", env)
        publish(host, "helm", keys, env)
        push(package(CHART_DIR, home / "unsigned"), f"oci://{host}/unsigned", plain_http=True, env=env)
        genuine = publish(host, "tampered", keys, env)
        tampered = package(tampered_chart(home), home / "tampered")
        replay_signature(genuine, push(tampered, f"oci://{host}/tampered", plain_http=True, env=env))
        yield Registry(host, keys, env)


def install(registry: Registry, path: str, kube: Kube, namespace: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    """The README's verified install of oci://<registry>/<path>, with values/dev.yaml, into `namespace`."""
    script = verified_install_script(registry.host, path, registry.keys.pub, VALUES_DIR / "dev.yaml", namespace)
    env = {**client_env(tmp / "clients"), "KUBECONFIG": kube.kubeconfig}
    return run_block(script, tmp, env)


def test_a_signed_chart_installs(registry: Registry, kube: Kube, helm: Helm, namespace: str, tmp_path: Path) -> None:
    proc = install(registry, "helm", kube, namespace, tmp_path)
    assert proc.returncode == 0, f"the verified install failed:\n{proc.stderr}{proc.stdout}"
    assert "Verified OK" in proc.stderr or "The following checks were performed" in proc.stderr, proc.stderr
    status = helm.status(RELEASE, namespace)
    assert status["info"]["status"] == "deployed", status["info"]
    meta = chart_meta()
    deployment = kube.deployment(namespace, RELEASE)
    assert deployment.metadata.labels["helm.sh/chart"] == f"{meta['name']}-{meta['version']}"


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_chart_that_does_not_verify_is_not_installed(
    case: str, *, registry: Registry, kube: Kube, helm: Helm, namespace: str, tmp_path: Path
) -> None:
    proc = install(registry, case, kube, namespace, tmp_path)
    assert proc.returncode != 0, f"the {case} chart was installed:\n{proc.stdout}"
    assert REFUSED[case] in proc.stderr, proc.stderr
    assert helm.run("list", "-n", namespace, "-q").stdout.strip() == "", "a release exists"
    objects = items(kube.apps.list_namespaced_deployment(namespace, label_selector=f"{INSTANCE}={RELEASE}"))
    objects += items(kube.core.list_namespaced_config_map(namespace, field_selector="metadata.name=tampered"))
    assert not objects, [o.metadata.name for o in objects]
