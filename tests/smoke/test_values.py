"""Every values/*.yaml installs into a Pod Security "restricted" namespace and behaves on an AKS-shaped cluster.

All releases are installed in parallel by one module fixture (each in its own new namespace, deleted at the end);
the tests then check one property each, per values file.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from harness.errors import RenderError, WaitTimeout
from harness.paths import chart_values_files
from harness.render import RenderRequest, load_values_file
from harness.rules import value_at
from kubernetes import client

from .kube import (
    ACCELERATOR,
    AGENTPOOL,
    CSI_DRIVER,
    GPU_POOL,
    GPU_RESOURCE,
    INGRESS_CLASSES,
    INSTANCE,
    REAL_KUBELET_IMAGE,
    STABLE,
    Helm,
    Install,
    Kube,
    assert_installed,
    helm_install,
    items,
    strict_server_dry_run,
    wait_for,
)
from .storage import delete_volumes, provide_claims

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

# the module fixture installs once for all its tests: one worker runs them all
pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("values")]

VALUES = chart_values_files()


@dataclass
class Release:
    values_file: Path
    name: str
    namespace: str
    dry_run: str = ""  # output of a failed strict server-side dry run, empty when it passed
    install: Install | None = None
    autoscaled: str = ""  # why the HPA did not bring the Deployment to minReplicas, empty when it did
    values: dict[str, Any] = field(default_factory=dict)  # computed values of the deployed revision
    volumes: list[str] = field(default_factory=list)  # PersistentVolumes made for its claims (cluster-scoped)

    def require_installed(self) -> None:
        if self.install is None or self.install.returncode != 0 or self.install.failed_create:
            pytest.fail(f"{self.values_file.name} did not install (see test_install[{self.values_file.stem}])")


def _prerequisites(kube: Kube, namespace: str, values: dict[str, Any]) -> None:
    """Objects a values file expects to exist already (secrets.native.existingSecret)."""
    existing = value_at(values, "secrets.native.existingSecret")
    if existing and value_at(values, "secrets.provider", "native") == "native":
        keys = set((value_at(values, "secrets.env") or {}).values()) or {"placeholder"}
        body = client.V1Secret(
            metadata=client.V1ObjectMeta(name=existing), string_data={k: "smoke-not-a-secret" for k in keys}
        )
        kube.core.create_namespaced_secret(namespace, body)


def _install(kube: Kube, helm: Helm, release: Release, real_kubelet: bool, timings: dict[str, float]) -> Release:
    _prerequisites(kube, release.namespace, load_values_file(release.values_file))
    request = RenderRequest.make(
        REAL_KUBELET_IMAGE if real_kubelet else None,
        values_files=[release.values_file],
        release=release.name,
        namespace=release.namespace,
    )
    try:
        manifest = helm.render(request)
    except RenderError as exc:  # the chart does not render: nothing to install
        release.dry_run = str(exc)
        return release
    release.volumes = provide_claims(kube, release.namespace, manifest.objects)
    dry = strict_server_dry_run(kube.kubeconfig, release.namespace, manifest.text)
    if dry.returncode != 0 or "would violate PodSecurity" in dry.stderr:
        release.dry_run = dry.stderr + dry.stdout
    release.install = helm_install(kube, helm, release.name, release.namespace, helm.value_args(request), timeout=90)
    if release.install.returncode == 0:
        timings[release.values_file.stem] = release.install.seconds
        release.values = helm.values(release.name, release.namespace)
        if value_at(release.values, "autoscaling.enabled"):
            _await_autoscaler(kube, release)
    return release


def _await_autoscaler(kube: Kube, release: Release) -> None:
    """The Deployment renders no replicas under an HPA; the HPA controller raises it to minReplicas within one sync
    period (15 s), even without a metrics API. Wait here so no later check races that scale-up."""
    want = int(value_at(release.values, "autoscaling.minReplicas"))
    try:
        wait_for(
            f"the HPA to scale {release.name} to {want}",
            lambda: kube.deployment(release.namespace, release.name).spec.replicas >= want,
            timeout=45,
        )
        kube.rolled_out(release.namespace, release.name)
    except WaitTimeout as exc:
        release.autoscaled = str(exc)


def _needs_csi_driver(path: Path, real_kubelet: bool) -> bool:
    """csi pods start on real kubelets only with the Secrets Store CSI driver and a reachable Key Vault."""
    return real_kubelet and value_at(load_values_file(path), "secrets.provider") == "csi"


@pytest.fixture(scope="module")
def releases(
    kube: Kube, helm: Helm, real_kubelet: bool, install_timings: dict[str, float]
) -> Iterator[dict[str, Release]]:
    out = {
        path.stem: Release(path, name=path.stem, namespace=kube.create_namespace(path.stem[:14].rstrip("-")))
        for path in VALUES
        if not _needs_csi_driver(path, real_kubelet)
    }
    try:
        with ThreadPoolExecutor(max_workers=len(out)) as pool:
            list(pool.map(lambda r: _install(kube, helm, r, real_kubelet, install_timings), out.values()))
        yield out
    finally:
        for rel in out.values():
            kube.delete_namespace(rel.namespace)
            delete_volumes(kube, rel.volumes)


@pytest.fixture(params=[p.stem for p in VALUES])
def release(request: pytest.FixtureRequest, releases: dict[str, Release]) -> Release:
    if request.param not in releases:
        pytest.skip("csi mode needs the Secrets Store CSI driver and a Key Vault on real kubelets")
    return releases[request.param]


def test_values_files_exist() -> None:
    assert VALUES, "no values/*.yaml to install"


def test_strict_server_side_validation(release: Release) -> None:
    """`helm template | kubectl apply --dry-run=server --validate=strict`: unknown fields and Pod Security fail."""
    assert not release.dry_run, release.dry_run


def test_install(kube: Kube, helm: Helm, release: Release) -> None:
    """`helm install --wait` succeeds without any pod being rejected, and the release is deployed at revision 1."""
    assert release.install is not None, f"not installed: {release.dry_run}"
    assert_installed(release.install)
    status = helm.status(release.name, release.namespace)
    assert status["info"]["status"] == "deployed"
    assert status["version"] == 1


def test_pods_created_and_ready(kube: Kube, release: Release) -> None:
    release.require_installed()
    dep = kube.rolled_out(release.namespace, release.name)
    pods = kube.pods_of(release.namespace, dep)
    assert len(pods) == dep.spec.replicas, [p.metadata.name for p in pods]
    assert all(kube.pod_ready(p) for p in pods), [(p.metadata.name, p.status.phase) for p in pods]
    assert not kube.failed_create(release.namespace)


def test_node_pools(kube: Kube, release: Release) -> None:
    """GPU pods run only on the GPU pool and request GPUs; CPU pods never land on a GPU node."""
    release.require_installed()
    nodes = kube.nodes()
    dep = kube.rolled_out(release.namespace, release.name)
    gpu = bool(value_at(release.values, "gpu.enabled"))
    for pod in kube.pods_of(release.namespace, dep):
        labels = nodes[pod.spec.node_name].metadata.labels
        where = f"{pod.metadata.name} on {pod.spec.node_name} (pool {labels.get(AGENTPOOL)})"
        if gpu:
            assert labels.get(AGENTPOOL) == GPU_POOL, where
            limits = pod.spec.containers[0].resources.limits or {}
            assert int(limits.get(GPU_RESOURCE, 0)) >= 1, f"{where}: no {GPU_RESOURCE} limit"
        else:
            assert labels.get(AGENTPOOL) != GPU_POOL, where
            assert ACCELERATOR not in labels, where


def test_autoscaler(kube: Kube, release: Release) -> None:
    """autoscaling.enabled: an autoscaling/v2 HPA targets the Deployment and holds it at minReplicas or more."""
    release.require_installed()
    if not value_at(release.values, "autoscaling.enabled"):
        pytest.skip("autoscaling disabled")
    assert not release.autoscaled, release.autoscaled
    hpas = items(
        client.AutoscalingV2Api(kube.api).list_namespaced_horizontal_pod_autoscaler(
            release.namespace, label_selector=f"{INSTANCE}={release.name}"
        )
    )
    assert len(hpas) == 1
    dep = kube.rolled_out(release.namespace, release.name)
    target = hpas[0].spec.scale_target_ref
    assert (target.kind, target.name) == ("Deployment", dep.metadata.name)
    assert dep.spec.replicas >= hpas[0].spec.min_replicas


def test_service_endpoints(kube: Kube, release: Release) -> None:
    """The Service has one ready EndpointSlice endpoint per replica, each pointing at one of the release's pods
    (a canary's Service and pods are checked in test_gateway.py)."""
    release.require_installed()
    selector = f"{INSTANCE}={release.name},{STABLE}"
    services = items(kube.core.list_namespaced_service(release.namespace, label_selector=selector))
    assert len(services) == 1, [s.metadata.name for s in services]
    svc = services[0].metadata.name

    def probe() -> tuple[set[str], set[str]] | None:
        dep = kube.rolled_out(release.namespace, release.name)
        pods = {p.metadata.name for p in kube.pods_of(release.namespace, dep) if kube.pod_ready(p)}
        slices = items(
            kube.discovery.list_namespaced_endpoint_slice(
                release.namespace, label_selector=f"kubernetes.io/service-name={svc}"
            )
        )
        ready = {
            ep.target_ref.name
            for s in slices
            for ep in s.endpoints or []
            if ep.conditions and ep.conditions.ready and ep.target_ref
        }
        return (ready, pods) if ready == pods and len(pods) == dep.spec.replicas else None

    wait_for(f"ready endpoints of Service {svc} for every replica", probe)


def test_ingress_class(kube: Kube, release: Release) -> None:
    release.require_installed()
    if not value_at(release.values, "ingress.enabled"):
        pytest.skip("ingress disabled")
    found = items(
        kube.networking.list_namespaced_ingress(release.namespace, label_selector=f"{INSTANCE}={release.name}")
    )
    # one Ingress, and a second one for gRPC with ingress.grpc.enabled
    assert len(found) == 1 + bool(value_at(release.values, "ingress.grpc.enabled")), [i.metadata.name for i in found]
    want = (
        value_at(release.values, "ingress.className") or INGRESS_CLASSES[value_at(release.values, "ingress.controller")]
    )
    assert {i.spec.ingress_class_name for i in found} == {want}
    # the class exists on the cluster (the AKS add-on / AGIC class)
    kube.networking.read_ingress_class(want)


def test_csi_secret_provider_class(kube: Kube, release: Release) -> None:
    """csi mode: the SecretProviderClass exists and the pods mount it through the Secrets Store CSI driver."""
    release.require_installed()
    if value_at(release.values, "secrets.provider") != "csi":
        pytest.skip("secrets.provider is not csi")
    spcs: list[dict[str, Any]] = kube.custom.list_namespaced_custom_object(
        "secrets-store.csi.x-k8s.io", "v1", release.namespace, "secretproviderclasses"
    )["items"]  # type: ignore[index]  # the client types custom objects as `object`
    names = {s["metadata"]["name"] for s in spcs}
    assert len(names) == 1, names
    spc = spcs[0]
    assert spc["spec"]["provider"] == "azure"
    assert spc["spec"]["parameters"]["keyvaultName"] == value_at(release.values, "secrets.csi.keyvaultName")
    dep = kube.rolled_out(release.namespace, release.name)
    for pod in kube.pods_of(release.namespace, dep):
        csi = [v.csi for v in pod.spec.volumes or [] if v.csi]
        assert any(
            c.driver == CSI_DRIVER and (c.volume_attributes or {}).get("secretProviderClass") in names for c in csi
        ), f"{pod.metadata.name} has no {CSI_DRIVER} volume for {names}"


def test_helm_test(helm: Helm, release: Release) -> None:
    """`helm test` passes. On kwok the hook pod is completed by the helm-test-complete Stage
    (scripts/cluster/aks/kwok-stages.yaml): that shows the hook renders, is admitted under "restricted" and is
    scheduled, not that the Service answers; the `kubelet` tests and kind cover real traffic."""
    release.require_installed()
    out = helm.run("test", release.name, "-n", release.namespace, "--timeout", "90s").stdout
    # `helm test` also "passes" when the chart ships no test hook at all
    assert re.search(r"TEST SUITE:\s+\S+-test-connection\n(.*\n)*?Phase:\s+Succeeded", out), out
