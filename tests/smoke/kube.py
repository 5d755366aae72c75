"""Helpers of the smoke tier: helm and kubectl runners, Kubernetes API access, polling.

Kubernetes calls go through the official `kubernetes` client (typed access) and its dynamic client (any kind by
apiVersion/kind, used for "nothing of the release is left"). Helm is the harness's helm (`$HELM_BIN`, else helm 4);
what a release is given (values files and overrides) is a `RenderRequest`, rendered and turned into helm's
`--values` arguments by the session renderer, so `helm template`, `helm install` and `helm upgrade` read the same
values. A failed command or wait raises the harness's exceptions (`CommandFailed`, `WaitTimeout`).
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import yaml
from harness.errors import WaitTimeout
from harness.paths import TOOLS_BIN
from harness.tools import run, tool
from kubernetes import client
from kubernetes.dynamic import DynamicClient

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from harness.manifest import Manifest
    from harness.render import Renderer, RenderRequest

AGENTPOOL = "kubernetes.azure.com/agentpool"
ACCELERATOR = "kubernetes.azure.com/accelerator"
GPU_POOL = "gpupool"
GPU_RESOURCE = "nvidia.com/gpu"
INSTANCE = "app.kubernetes.io/instance"
# The stable objects of a release: a canary's carry app.kubernetes.io/component=canary.
STABLE = "app.kubernetes.io/component notin (canary,endpoint-picker)"
INGRESS_CLASSES = {"nginx": "webapprouting.kubernetes.azure.com", "agic": "azure-application-gateway"}
CSI_DRIVER = "secrets-store.csi.k8s.io"
PSS = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "warn", "audit")}
PSS_VERSION = {f"pod-security.kubernetes.io/{mode}-version": "latest" for mode in ("enforce", "warn", "audit")}
KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node"

# A real HTTP server for clusters with real kubelets (kind): busybox httpd answering /health from the writable
# /tmp emptyDir the chart mounts (the root filesystem is read-only). The chart's own image is private.
REAL_KUBELET_IMAGE: dict[str, Any] = {
    "image.registry": "docker.io",
    "image.repository": "library/busybox",
    "image.tag": "1.37.0",
    "image.digest": "",
    "image.pullPolicy": "IfNotPresent",
    "gpu.imageTag": "1.37.0",
    "command": ["sh", "-c"],
    "args": ["echo ok >/tmp/health && exec httpd -f -p 8000 -h /tmp"],
}

T = TypeVar("T")
# A kubernetes client model (V1Pod, V1Deployment, ...). Its fields are all Optional, which strict mypy would make
# us re-check on every access although the API server always fills them for stored objects.
Model: TypeAlias = Any


def items(result: Model) -> list[Model]:
    """The objects of a list call of the kubernetes client."""
    return list(result.items)


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 30.0, interval: float = 0.25) -> T:
    """Poll `probe` until it returns something other than None (or False); raise `WaitTimeout` naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        last = probe()
        if last is not None and last is not False:
            return last
        if time.monotonic() > deadline:
            msg = f"timed out after {timeout:.0f}s waiting for {what}"
            raise WaitTimeout(msg)
        time.sleep(interval)


def short_id() -> str:
    return uuid.uuid4().hex[:6]


@dataclass
class Helm:
    """The harness's helm bound to one kubeconfig, with the session renderer that turns requests into values."""

    kubeconfig: str
    renderer: Renderer

    def env(self) -> dict[str, str]:
        env = dict(os.environ, KUBECONFIG=self.kubeconfig)
        env["PATH"] = f"{TOOLS_BIN}{os.pathsep}{env.get('PATH', '')}"
        return env

    def cmd(self, *args: str) -> list[str]:
        return [str(self.renderer.helm), *args]

    def run(self, *args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        """Run helm against the cluster; with `check`, a failure raises `CommandFailed` with helm's output."""
        return run(self.cmd(*args), env=self.env(), timeout=timeout, check=check)

    def value_args(self, request: RenderRequest) -> list[str]:
        """The `--values` arguments of a request (its values files, and its overrides as a values file)."""
        return self.renderer.value_args(request)

    def render(self, request: RenderRequest) -> Manifest:
        """What the release renders (cached by the session renderer)."""
        return self.renderer.render(request)

    def status(self, release: str, namespace: str) -> dict[str, Any]:
        data = yaml.safe_load(self.run("status", release, "-n", namespace, "-o", "json").stdout)
        assert isinstance(data, dict)
        return data

    def values(self, release: str, namespace: str) -> dict[str, Any]:
        """The computed values of the deployed revision (chart defaults merged with the user's)."""
        data = yaml.safe_load(self.run("get", "values", release, "-n", namespace, "--all", "-o", "json").stdout)
        assert isinstance(data, dict)
        return data


def strict_server_dry_run(kubeconfig: str, namespace: str, manifest: str) -> subprocess.CompletedProcess[str]:
    """`kubectl apply --dry-run=server --validate=strict`: admission (Pod Security included) and strict field
    validation (unknown or duplicate fields fail) on every rendered object, hooks included."""
    cmd = [str(tool("kubectl")), "--kubeconfig", kubeconfig, "apply", "--dry-run=server", "--validate=strict"]
    return run([*cmd, "-n", namespace, "-f", "-"], stdin=manifest, timeout=120, check=False)


class Kube:
    """API access to the cluster under test."""

    def __init__(self, api: client.ApiClient, kubeconfig: str) -> None:
        self.api = api
        self.kubeconfig = kubeconfig
        self.core = client.CoreV1Api(api)
        self.apps = client.AppsV1Api(api)
        self.networking = client.NetworkingV1Api(api)
        self.discovery = client.DiscoveryV1Api(api)
        self.custom = client.CustomObjectsApi(api)

    @cached_property
    def dynamic(self) -> DynamicClient:
        return DynamicClient(self.api)  # type: ignore[no-untyped-call]  # untyped in kubernetes 37

    # --- namespaces -------------------------------------------------------------------------------------------

    def create_namespace(self, prefix: str) -> str:
        """A fresh namespace that enforces (and warns and audits) Pod Security "restricted"."""
        name = f"smoke-{prefix}-{short_id()}"[:63].rstrip("-")
        labels = {**PSS, **PSS_VERSION, "app.kubernetes.io/part-of": "ai-inference-smoke"}
        body = client.V1Namespace(metadata=client.V1ObjectMeta(name=name, labels=labels))
        self.core.create_namespace(body)
        return name

    def delete_namespace(self, name: str) -> None:
        try:
            self.core.delete_namespace(name)
        except client.ApiException as exc:
            if exc.status != 404:
                raise

    # --- nodes ------------------------------------------------------------------------------------------------

    def nodes(self) -> dict[str, Any]:
        return {n.metadata.name: n for n in items(self.core.list_node())}

    def is_kwok(self) -> bool:
        return any(
            (n.metadata.annotations or {}).get(KWOK_NODE_ANNOTATION) == "fake" for n in items(self.core.list_node())
        )

    def gpu_nodes(self, pool: str = GPU_POOL) -> list[str]:
        return [n.metadata.name for n in items(self.core.list_node(label_selector=f"{AGENTPOOL}={pool}"))]

    def set_unschedulable(self, node: str, unschedulable: bool) -> None:
        self.core.patch_node(node, {"spec": {"unschedulable": unschedulable or None}})

    # --- workloads --------------------------------------------------------------------------------------------

    def deployment(self, namespace: str, release: str) -> Model:
        """The stable Deployment of a release (the canary's, with canary.enabled, is left out)."""
        found = items(self.apps.list_namespaced_deployment(namespace, label_selector=f"{INSTANCE}={release},{STABLE}"))
        assert len(found) == 1, f"expected one Deployment of release {release}: {[d.metadata.name for d in found]}"
        return found[0]

    def replicasets(self, namespace: str, deployment: Model) -> list[Model]:
        uid = deployment.metadata.uid
        return [
            rs
            for rs in items(self.apps.list_namespaced_replica_set(namespace))
            if any(ref.uid == uid for ref in rs.metadata.owner_references or [])
        ]

    def current_replicaset(self, namespace: str, deployment: Model) -> Model:
        revision = (deployment.metadata.annotations or {}).get("deployment.kubernetes.io/revision")
        matches = [
            rs
            for rs in self.replicasets(namespace, deployment)
            if (rs.metadata.annotations or {}).get("deployment.kubernetes.io/revision") == revision
        ]
        assert len(matches) == 1, f"no single ReplicaSet at revision {revision} for {deployment.metadata.name}"
        return matches[0]

    def pods_of(self, namespace: str, deployment: Model) -> list[Model]:
        """Pods owned by the Deployment's ReplicaSets, selected with the Deployment's own selector."""
        selector = ",".join(f"{k}={v}" for k, v in deployment.spec.selector.match_labels.items())
        rs_uids = {rs.metadata.uid for rs in self.replicasets(namespace, deployment)}
        return [
            pod
            for pod in items(self.core.list_namespaced_pod(namespace, label_selector=selector))
            if any(ref.uid in rs_uids for ref in pod.metadata.owner_references or [])
        ]

    def rolled_out(self, namespace: str, release: str) -> Model:
        """The Deployment once its rollout is complete: every desired pod updated, Ready and available."""

        def probe() -> Model:
            dep = self.deployment(namespace, release)
            st, want = dep.status, dep.spec.replicas
            done = (
                (st.observed_generation or 0) >= dep.metadata.generation
                and (st.updated_replicas or 0) == want
                and (st.ready_replicas or 0) == want
                and (st.available_replicas or 0) == want
                and (st.replicas or 0) == want
            )
            return dep if done else None

        return wait_for(f"rollout of {release} in {namespace}", probe)

    @staticmethod
    def node_ready(node: Model) -> bool:
        return any(c.type == "Ready" and c.status == "True" for c in node.status.conditions or [])

    @staticmethod
    def pod_ready(pod: Model) -> bool:
        return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or [])

    def events(self, namespace: str, reason: str) -> list[Model]:
        return items(self.core.list_namespaced_event(namespace, field_selector=f"reason={reason}"))

    def failed_create(self, namespace: str) -> list[str]:
        """ReplicaSet FailedCreate events: how a Pod Security (or quota, or other admission) rejection shows up."""
        return [
            f"{e.involved_object.kind}/{e.involved_object.name}: {e.message}"
            for e in self.events(namespace, "FailedCreate")
            if e.involved_object.kind == "ReplicaSet"
        ]

    def unschedulable_reason(self, pod: Model) -> str | None:
        """The scheduler's message from the PodScheduled=False condition, or None while it is not there yet."""
        for cond in pod.status.conditions or []:
            if cond.type == "PodScheduled" and cond.status == "False" and cond.reason == "Unschedulable":
                return str(cond.message)
        return None

    # --- anything by apiVersion/kind --------------------------------------------------------------------------

    def list_by_label(self, api_version: str, kind: str, namespace: str, selector: str) -> list[Model]:
        resource = self.dynamic.resources.get(api_version=api_version, kind=kind)
        return items(resource.get(namespace=namespace, label_selector=selector))


@dataclass
class Install:
    """Outcome of one `helm install --wait`, watched for FailedCreate events while it runs."""

    returncode: int
    output: str
    seconds: float
    failed_create: list[str]


def helm_install(
    kube: Kube,
    helm: Helm,
    release: str,
    namespace: str,
    value_args: Sequence[str],
    *,
    wait: bool = True,
    timeout: int = 60,
    extra: Iterable[str] = (),
) -> Install:
    """Run `helm install`; while it waits, stop early when a ReplicaSet reports FailedCreate (pods rejected)."""
    args = ["install", release, str(helm.renderer.chart_dir), "-n", namespace, *value_args, *extra]
    if wait:
        args += ["--wait", "--timeout", f"{timeout}s"]
    start = time.monotonic()
    proc = subprocess.Popen(
        helm.cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=helm.env()
    )
    failed: list[str] = []
    while proc.poll() is None:
        failed = kube.failed_create(namespace)
        if failed:
            proc.terminate()
            break
        time.sleep(0.25)
    out, _ = proc.communicate(timeout=30)
    seconds = time.monotonic() - start
    if not failed:
        failed = kube.failed_create(namespace)
    return Install(proc.returncode, out, seconds, failed)


def assert_installed(result: Install) -> None:
    assert not result.failed_create, "pods were rejected (ReplicaSet FailedCreate):\n" + "\n".join(result.failed_create)
    assert result.returncode == 0, f"helm install failed:\n{result.output}"
    assert "would violate PodSecurity" not in result.output, f"Pod Security warnings:\n{result.output}"
