"""Adoption of the kubectl-applied roo-vision app by the chart, on the cluster: the README's commands run as written.

`Readme` runs a command of the chart README's adoption section through bash in the repository root, with `helm`
and `kubectl` on PATH being the binaries under test and KUBECONFIG the cluster's (see harness/adoption.py for the
only substitutions: the variant's files and the test's namespace). `DeploymentTrace` watches the Deployment's
status while the adoption rolls its pods and keeps every distinct status it saw.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from harness.adoption import RELEASE, SECRET, Variant
from harness.paths import REPO_ROOT
from harness.tools import run, tool
from kubernetes import client, watch

from .kube import Kube, Model, items, wait_for

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable

DEPLOYMENT = "roo-vision"
SERVICE = "roo-vision-svc"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
OWNER_LABEL = ("app.kubernetes.io/managed-by", "Helm")
RELEASE_NAME = "meta.helm.sh/release-name"
RELEASE_NAMESPACE = "meta.helm.sh/release-namespace"
# Pod Security: the manifests' pods do not pass "restricted" (no securityContext), so the namespace the team runs
# them in enforces "baseline"; warnings and audit stay at "restricted".
BASELINE = {"pod-security.kubernetes.io/enforce": "baseline"}


@dataclass
class Readme:
    """Runs the README's commands with a given helm binary against one cluster."""

    kubeconfig: str
    helm: str
    bin_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="adopt-bin-")
        self.bin_dir = Path(self._tmp.name)
        (self.bin_dir / "helm").symlink_to(self.helm)
        (self.bin_dir / "kubectl").symlink_to(tool("kubectl"))

    def env(self) -> dict[str, str]:
        return {"PATH": f"{self.bin_dir}:/usr/bin:/bin", "KUBECONFIG": self.kubeconfig, "HOME": self._tmp.name}

    def run(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        """One README command through bash in the repository root (its exit status is the caller's to check)."""
        bash = ["bash", "-o", "pipefail", "-c", command]
        return run(bash, cwd=REPO_ROOT, env=self.env(), timeout=timeout, check=False)

    def helm_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`helm <args>` with the binary under test; a failure raises `CommandFailed`."""
        return run([self.helm, *args], env=self.env(), timeout=180)

    def helm_json(self, *args: str) -> Any:  # noqa: ANN401 - helm's JSON output is free-form
        return json.loads(self.helm_cli(*args, "-o", "json").stdout)

    def ok(self, command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        proc = self.run(command, timeout)
        assert proc.returncode == 0, f"README command failed ({proc.returncode}): {command}\n{proc.stderr}{proc.stdout}"
        return proc

    def close(self) -> None:
        self._tmp.cleanup()


def baseline_namespace(kube: Kube, name: str) -> str:
    """Let the namespace admit the manifests' pods (Pod Security "baseline"; warn and audit stay "restricted")."""
    kube.core.patch_namespace(name, {"metadata": {"labels": BASELINE}})
    return name


def kubectl_apply(kubeconfig: str, namespace: str, objects: list[dict[str, Any]]) -> str:
    """`kubectl apply` (client-side, as the team runs it) of the manifests' objects."""
    proc = run(
        [tool("kubectl"), "--kubeconfig", kubeconfig, "apply", "-n", namespace, "-f", "-"],
        stdin=yaml.safe_dump_all(objects),
        timeout=120,
    )
    return proc.stdout + proc.stderr


def rolled_out(kube: Kube, namespace: str, timeout: float = 120) -> Model:
    """The Deployment roo-vision once every desired pod is updated, Ready and available, and no old one is left."""

    def probe() -> Model | None:
        dep: Model = kube.apps.read_namespaced_deployment(DEPLOYMENT, namespace)
        st, want = dep.status, dep.spec.replicas
        done = (st.observed_generation or 0) >= dep.metadata.generation and (
            (st.updated_replicas, st.ready_replicas, st.available_replicas, st.replicas) == (want,) * 4
        )
        return dep if done else None

    return wait_for(f"rollout of {DEPLOYMENT} in {namespace}", probe, timeout=timeout)


def pods(kube: Kube, namespace: str) -> list[Model]:
    """The Deployment's pods (by its selector `app: roo-vision`), terminating ones included."""
    return items(kube.core.list_namespaced_pod(namespace, label_selector="app=roo-vision"))


def ready_endpoints(kube: Kube, namespace: str) -> set[str]:
    """Pod names behind the Service's EndpointSlices that are ready."""
    slices = items(
        kube.discovery.list_namespaced_endpoint_slice(namespace, label_selector=f"kubernetes.io/service-name={SERVICE}")
    )
    return {
        ep.target_ref.name
        for s in slices
        for ep in s.endpoints or []
        if ep.target_ref and ep.conditions and ep.conditions.ready
    }


def live(kube: Kube, namespace: str, obj: dict[str, Any]) -> Model:
    """The live object of one manifest object (kind + name), or None once it is gone."""
    resource = kube.dynamic.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
    try:
        return resource.get(name=obj["metadata"]["name"], namespace=namespace)
    except client.ApiException as exc:
        if exc.status == 404:
            return None
        raise
    except Exception as exc:  # the dynamic client raises its own NotFoundError
        if type(exc).__name__ == "NotFoundError":
            return None
        raise


def ownership_problems(kube: Kube, namespace: str, obj: dict[str, Any]) -> list[str]:
    """What keeps a live object from being the release's, cleanly: Helm's label and annotations, and no
    leftover last-applied annotation of kubectl."""
    found = live(kube, namespace, obj)
    what = f"{obj['kind']}/{obj['metadata']['name']}"
    if found is None:
        return [f"{what} is gone"]
    labels = dict(found.metadata.labels or {})
    annotations = dict(found.metadata.annotations or {})
    problems = []
    if labels.get(OWNER_LABEL[0]) != OWNER_LABEL[1]:
        problems.append(f"{what}: label {OWNER_LABEL[0]}={labels.get(OWNER_LABEL[0])}")
    if (annotations.get(RELEASE_NAME), annotations.get(RELEASE_NAMESPACE)) != (RELEASE, namespace):
        owner = f"{annotations.get(RELEASE_NAME)}/{annotations.get(RELEASE_NAMESPACE)}"
        problems.append(f"{what}: release annotations {owner}")
    if LAST_APPLIED in annotations:
        problems.append(f"{what}: still has {LAST_APPLIED}")
    return problems


def adopted_objects(variant: Variant) -> list[dict[str, Any]]:
    """The manifests' objects the release takes over: all but the kept Secret."""
    return [o for o in variant.manifest_objects() if not (o["kind"] == "Secret" and o["metadata"]["name"] == SECRET)]


@dataclass(frozen=True)
class Status:
    """One observed status of the Deployment (the fields `kubectl rollout status` reads)."""

    seconds: float
    generation: int
    observed: int
    desired: int
    replicas: int
    updated: int
    ready: int
    available: int
    unavailable: int

    def line(self) -> str:
        return (
            f"{self.seconds:6.2f}s gen {self.generation}/{self.observed} desired {self.desired} replicas "
            f"{self.replicas} updated {self.updated} ready {self.ready} available {self.available} "
            f"unavailable {self.unavailable}"
        )


class DeploymentTrace:
    """Watches the Deployment roo-vision from a thread and records each distinct status it reports. The watch resumes
    from the last resourceVersion every couple of seconds, so no update is missed and stopping is quick."""

    def __init__(self, kube: Kube, namespace: str) -> None:
        self.kube, self.namespace = kube, namespace
        self.statuses: list[Status] = []
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._error: BaseException | None = None

    def __enter__(self) -> DeploymentTrace:
        self._thread.start()
        wait_for("the first status of the watch", lambda: bool(self.statuses) or self._error, timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        selector = f"metadata.name={DEPLOYMENT}"
        try:
            listed: Model = self.kube.apps.list_namespaced_deployment(self.namespace, field_selector=selector)
            for dep in listed.items:
                self._record(dep)
            version = listed.metadata.resource_version
            while not self._stop.is_set():
                stream: Callable[..., Any] = watch.Watch().stream  # type: ignore[no-untyped-call]
                for event in stream(
                    self.kube.apps.list_namespaced_deployment,
                    self.namespace,
                    field_selector=selector,
                    resource_version=version,
                    timeout_seconds=2,
                ):
                    version = event["object"].metadata.resource_version
                    self._record(event["object"])
        except BaseException as exc:  # surfaced by check()
            self._error = exc

    def _record(self, dep: Model) -> None:
        st = dep.status
        status = Status(
            round(time.monotonic() - self._started, 2),
            dep.metadata.generation,
            st.observed_generation or 0,
            dep.spec.replicas,
            st.replicas or 0,
            st.updated_replicas or 0,
            st.ready_replicas or 0,
            st.available_replicas or 0,
            st.unavailable_replicas or 0,
        )
        last = self.statuses[-1] if self.statuses else None
        if last is None or (status.__dict__ | {"seconds": 0}) != (last.__dict__ | {"seconds": 0}):
            self.statuses.append(status)

    def check(self) -> None:
        assert self._error is None, f"the Deployment watch failed: {self._error!r}"

    def text(self) -> str:
        return "\n".join(s.line() for s in self.statuses)

    def lowest_ready(self) -> int:
        return min(s.ready for s in self.statuses)
