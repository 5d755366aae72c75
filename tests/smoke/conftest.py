"""Fixtures of the smoke tier.

The cluster comes from pytest-helm-charts' `kube_cluster` fixture, which reads the kubeconfig from `--kube-config`
or $KUBECONFIG (`nox -s smoke` brings up the local kwok cluster and sets it). API calls use the official
`kubernetes` client built from that kubeconfig; helm is the harness's (`$HELM_BIN`, default helm 4), with the
session renderer (`helm.render`, `helm.value_args`). Install timings are kept in the pytest stash (`install_timings`)
and printed in the terminal summary.

Without a kubeconfig every smoke test is skipped. Tests marked `kubelet` need a real kubelet: they run on the pool
`realpool` (the local cluster's real node, see realnode.py), and are skipped only on a cluster with neither such a
node nor real kubelets (SMOKE_REAL_KUBELET=1 forces the latter on, 0 off).

On the local cluster the tier runs in parallel (`nox -s smoke` passes pytest-xdist's `-n N --dist loadgroup`): every
test has its own namespace, and tests that share something more run one after another on one worker, by an
`xdist_group` mark: a module whose tests share a module-scoped fixture names its group, and every `kubelet` test
joins the group `realnode`, so that the real node's few CPUs serve one test's pods at a time.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import TYPE_CHECKING, Any

import pytest
from harness.paths import chart_values_files
from harness.render import RenderError, RenderRequest
from kubernetes import config as kube_config_loader

from .kube import Helm, Kube
from .pools import demand, ensure_capacity
from .realnode import POOL, RealPool, real_pool_nodes

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.render import Renderer
    from pytest_helm_charts.clusters import Cluster

# helm install -> all pods Ready, seconds, per values file
TIMINGS = pytest.StashKey[dict[str, float]]()
REAL_NODE_GROUP = "realnode"


def _has_kubeconfig(config: pytest.Config) -> bool:
    return bool(config.getoption("kube_config", default=None) or os.environ.get("KUBECONFIG"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put every kubelet test in the real node's group, before pytest-xdist's own hook reads the groups."""
    for item in items:
        if item.get_closest_marker("kubelet") and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(REAL_NODE_GROUP))
    if _has_kubeconfig(config):
        return
    skip = pytest.mark.skip(reason="smoke tier needs a cluster: set KUBECONFIG or run `nox -s smoke`")
    for item in items:
        if item.get_closest_marker("smoke"):
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On a pytest-xdist worker: hand the install timings to the controller (pytest_testnodedown)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["install_timings"] = json.dumps(session.config.stash.get(TIMINGS, {}))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:  # noqa: ANN401 - xdist's WorkerController
    """On the pytest-xdist controller: collect a worker's install timings for the summary."""
    timings = json.loads(getattr(node, "workeroutput", {}).get("install_timings", "{}"))
    node.config.stash.setdefault(TIMINGS, {}).update(timings)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    timings = terminalreporter.config.stash.get(TIMINGS, {})
    if timings:
        terminalreporter.section("helm install to all pods Ready")
        for name, seconds in sorted(timings.items()):
            terminalreporter.write_line(f"{name:<24} {seconds:6.2f} s")


@pytest.fixture(scope="session")
def install_timings(pytestconfig: pytest.Config) -> dict[str, float]:
    """Seconds from `helm install` to all pods Ready, per values file (printed in the terminal summary)."""
    return pytestconfig.stash.setdefault(TIMINGS, {})


@pytest.fixture(scope="module")
def kube(kube_cluster: Cluster) -> Kube:
    path = kube_cluster.kube_config_path
    assert path, "kube_cluster has no kubeconfig path"
    api = kube_config_loader.new_client_from_config(config_file=path)  # type: ignore[no-untyped-call]
    return Kube(api, path)


@pytest.fixture(scope="module")
def helm(kube: Kube, renderer: Renderer) -> Helm:
    return Helm(kube.kubeconfig, renderer)


@pytest.fixture(scope="module", autouse=True)
def pool_capacity(request: pytest.FixtureRequest) -> dict[str, int]:
    """Node counts of the simulated CPU and GPU pools, grown to what every values file holds at once mid-rollout
    plus spare nodes (tests/smoke/pools.py), so that no release of the tier waits for another's capacity
    (idempotent: the renders are cached and a pool that is large enough stays as it is). Other clusters keep their
    capacity."""
    if not _has_kubeconfig(request.config) or not request.node.get_closest_marker("smoke"):
        return {}
    kube: Kube = request.getfixturevalue("kube")
    helm: Helm = request.getfixturevalue("helm")
    if not kube.is_kwok():
        return {}
    manifests = []
    for path in chart_values_files():
        with contextlib.suppress(RenderError):  # test_values reports a values file that does not render
            manifests.append(helm.render(RenderRequest.make(values_files=[path])))
    return ensure_capacity(kube, demand(manifests))


@pytest.fixture(scope="module")
def real_kubelet(kube: Kube) -> bool:
    """True on clusters whose pods really run (kind, AKS); False on kwok."""
    if os.environ.get("SMOKE_REAL_KUBELET") in {"0", "1"}:
        return os.environ["SMOKE_REAL_KUBELET"] == "1"
    return not kube.is_kwok()


@pytest.fixture(scope="module")
def real_pool(kube: Kube, helm: Helm) -> RealPool:
    """The pool `realpool` with a real kubelet, where the `kubelet` tests install the chart with the stand-in."""
    if not real_pool_nodes(kube):
        pytest.skip(f"no real node in pool {POOL}: the local cluster has one (scripts/cluster/cluster.sh up)")
    return RealPool(kube, helm)


@pytest.fixture(autouse=True)
def _skip_kubelet_tests_on_kwok(request: pytest.FixtureRequest) -> None:
    marked = request.node.get_closest_marker("kubelet")
    if marked and not request.getfixturevalue("real_kubelet") and not real_pool_nodes(request.getfixturevalue("kube")):
        pytest.skip("needs a real kubelet (kwok runs no containers): the local cluster's real node, kind or AKS")


@pytest.fixture
def namespace(kube: Kube, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new namespace enforcing Pod Security "restricted", deleted after the test."""
    name = kube.create_namespace(request.node.originalname[5:21].replace("_", "-"))
    yield name
    kube.delete_namespace(name)


@pytest.fixture
def real_ns(kube: Kube, real_pool: RealPool, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new namespace whose pods all run on the real pool (RealPool.namespace), deleted after the test."""
    name = real_pool.namespace(request.node.originalname[5:21].replace("_", "-"))
    yield name
    kube.delete_namespace(name)
