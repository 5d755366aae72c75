"""The chart adopts the kubectl-applied roo-vision app in place, by the chart README's own commands, on Helm 3 and 4.

For each variant of the README's table (CPU with the Secret kept, Key Vault, GPU) and each helm: the reference
manifests (docs/roo-vision/manifests) are applied with `kubectl apply` as the team does, the README's checks change
nothing, its adoption command deploys the release at the first attempt while a watch records the Deployment's
status, every object is then the release's, the pods were replaced by one rolling update that never had fewer
Ready pods than desired, the Service kept its UID, cluster IP and ready endpoints, and `helm uninstall` removes
everything the manifests had created except the kept Secret. The way back to the manifests is its own test.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest
from harness.adoption import BASE, RELEASE, SECRET, VARIANTS, Variant, commands
from harness.paths import TOOLS_BIN

from .adopt import (
    DEPLOYMENT,
    LAST_APPLIED,
    SERVICE,
    DeploymentTrace,
    Readme,
    adopted_objects,
    baseline_namespace,
    kubectl_apply,
    live,
    ownership_problems,
    pods,
    ready_endpoints,
    rolled_out,
)
from .kube import Helm, Kube, Model, wait_for

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.smoke

HELMS = ("helm3", "helm4")


@pytest.fixture
def adopt_ns(kube: Kube, namespace: str) -> str:
    return baseline_namespace(kube, namespace)


@pytest.fixture(params=HELMS)
def readme(kube: Kube, request: pytest.FixtureRequest) -> Iterator[Readme]:
    runner = Readme(kube.kubeconfig, str(TOOLS_BIN / str(request.param)))
    yield runner
    runner.close()


def secret_data(kube: Kube, ns: str) -> dict[str, str]:
    secret: Model = kube.core.read_namespaced_secret(SECRET, ns)
    return dict(secret.data)


def deploy_manifests(kube: Kube, ns: str, variant: Variant) -> None:
    kubectl_apply(kube.kubeconfig, ns, variant.manifest_objects())
    rolled_out(kube, ns)


def assert_checks_change_nothing(kube: Kube, readme: Readme, ns: str, variant: Variant) -> None:
    """The README's checks: `kubectl get` lists the objects to adopt, `kubectl diff` exits 1 (differences), and
    neither changes a resourceVersion."""
    versions = {o["metadata"]["name"]: live(kube, ns, o).metadata.resourceVersion for o in adopted_objects(variant)}
    listing, diff = commands("check", variant, ns)
    listed = readme.ok(listing).stdout
    for obj in adopted_objects(variant):
        assert obj["metadata"]["name"] in listed, listed
    proc = readme.run(diff)
    assert proc.returncode == 1, f"kubectl diff: expected differences (exit 1):\n{proc.stderr}{proc.stdout}"
    assert "securityContext" in proc.stdout, proc.stdout
    after = {o["metadata"]["name"]: live(kube, ns, o).metadata.resourceVersion for o in adopted_objects(variant)}
    assert after == versions, "a check changed an object"


def adopt(kube: Kube, readme: Readme, ns: str, variant: Variant) -> DeploymentTrace:
    """Run the README's adoption command for this helm while watching the Deployment; return the trace."""
    major = "helm4" if "helm4" in readme.helm else "helm3"
    (command,) = commands(major, variant, ns)
    with DeploymentTrace(kube, ns) as trace:
        proc = readme.run(command)
        rolled_out(kube, ns)
    trace.check()
    assert proc.returncode == 0, f"adoption failed ({proc.returncode}): {command}\n{proc.stderr}{proc.stdout}"
    history = readme.helm_json("history", RELEASE, "-n", ns)
    assert [(r["revision"], r["status"]) for r in history] == [(1, "deployed")], history
    return trace


def assert_rolled_once(kube: Kube, ns: str, trace: DeploymentTrace, old_pods: set[str]) -> None:
    desired = trace.statuses[0].desired
    print(f"Deployment status during the adoption ({ns}):\n{trace.text()}")
    assert trace.lowest_ready() >= desired, f"ready pods dropped below {desired}:\n{trace.text()}"
    assert any(s.generation > trace.statuses[0].generation for s in trace.statuses), "the pod template did not change"
    wait_for("the old pods to be gone", lambda: not {p.metadata.name for p in pods(kube, ns)} & old_pods)
    dep = kube.apps.read_namespaced_deployment(DEPLOYMENT, ns)
    current = {p.metadata.name for p in kube.pods_of(ns, dep)}
    assert len(current) == desired, current
    assert not current & old_pods, "some pods were not replaced"
    new_sets = [rs for rs in kube.replicasets(ns, dep) if rs.spec.replicas]
    assert len(new_sets) == 1, [rs.metadata.name for rs in new_sets]


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_readme_adoption(kube: Kube, readme: Readme, adopt_ns: str, variant: Variant) -> None:
    ns = adopt_ns
    deploy_manifests(kube, ns, variant)
    old_pods = {p.metadata.name for p in pods(kube, ns)}
    svc: Model = kube.core.read_namespaced_service(SERVICE, ns)
    secret = secret_data(kube, ns) if variant.kept_secret else {}
    assert_checks_change_nothing(kube, readme, ns, variant)

    trace = adopt(kube, readme, ns, variant)
    assert_rolled_once(kube, ns, trace, old_pods)
    for command in commands("after", variant, ns):
        proc = readme.ok(command)
        assert "violate" not in proc.stderr, proc.stderr  # every pod now passes Pod Security "restricted"
    problems = [p for obj in adopted_objects(variant) for p in ownership_problems(kube, ns, obj)]
    assert not problems, problems
    after: Model = kube.core.read_namespaced_service(SERVICE, ns)
    assert (after.metadata.uid, after.spec.cluster_ip) == (svc.metadata.uid, svc.spec.cluster_ip)
    dep = kube.apps.read_namespaced_deployment(DEPLOYMENT, ns)
    current = {p.metadata.name for p in kube.pods_of(ns, dep)}
    wait_for("the new pods as the Service's ready endpoints", lambda: ready_endpoints(kube, ns) == current)
    if variant.kept_secret:
        kept: Model = kube.core.read_namespaced_secret(SECRET, ns)
        assert dict(kept.data) == secret, "the kept Secret's key changed"
        assert base64.b64decode(secret["openai-key"]) == b"sk-12345678"
        assert LAST_APPLIED not in (kept.metadata.annotations or {})
        assert "app.kubernetes.io/managed-by" not in (kept.metadata.labels or {}), "the kept Secret joined the release"

    readme.helm_cli("uninstall", RELEASE, "-n", ns, "--wait", "--timeout", "120s")
    left = [f"{o['kind']}/{o['metadata']['name']}" for o in adopted_objects(variant) if live(kube, ns, o) is not None]
    assert not left, f"left behind by helm uninstall: {left}"
    wait_for("the pods to be gone", lambda: not pods(kube, ns), timeout=60)
    if variant.kept_secret:
        assert secret_data(kube, ns) == secret, "helm uninstall touched the kept Secret"


def test_readme_way_back_to_the_manifests(kube: Kube, helm: Helm, adopt_ns: str) -> None:
    """After an adoption, the README's way back: the manifests' objects again (with their last-applied annotation,
    so `kubectl apply` diffs clean), one rolling update that keeps the ready count, the same Service, no release, and
    nothing of the chart's left."""
    ns, variant = adopt_ns, BASE
    readme = Readme(kube.kubeconfig, str(helm.renderer.helm))
    try:
        deploy_manifests(kube, ns, variant)
        adopt(kube, readme, ns, variant)
        svc: Model = kube.core.read_namespaced_service(SERVICE, ns)
        adopted_pods = {p.metadata.name for p in pods(kube, ns)}
        with DeploymentTrace(kube, ns) as trace:
            for command in commands("rollback", variant, ns):
                readme.ok(command)
            rolled_out(kube, ns)
        trace.check()
        assert_rolled_once(kube, ns, trace, adopted_pods)
        assert readme.ok(f"kubectl diff -n {ns} -f {variant.manifests}").stdout == ""
        assert helm.run("list", "-n", ns, "-q").stdout.strip() == ""
        after: Model = kube.core.read_namespaced_service(SERVICE, ns)
        assert (after.metadata.uid, after.spec.cluster_ip) == (svc.metadata.uid, svc.spec.cluster_ip)
        for kind, name in (("ServiceAccount", "roo-vision"), ("PodDisruptionBudget", "roo-vision")):
            api = "v1" if kind == "ServiceAccount" else "policy/v1"
            assert live(kube, ns, {"apiVersion": api, "kind": kind, "metadata": {"name": name}}) is None, kind
        for obj in adopted_objects(variant):
            labels = live(kube, ns, obj).metadata.labels or {}
            assert "app.kubernetes.io/managed-by" not in labels, f"{obj['kind']} still labelled as Helm's"
    finally:
        readme.close()
