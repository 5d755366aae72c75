"""The README's adoption on a real kubelet, under traffic: no request fails while the chart takes over the app.

The CPU variant's manifests run the stand-in model server on the pool `realpool` (the namespace pins every pod there;
the image, small requests and a 3 s drain after SIGTERM replace the app's own, see `standin_manifests`). A client pod
calls /v1/completions through the Service's cluster IP every 20 ms while the README's adoption command, with
realnode-values.yaml on top (the stand-in, short probes, a preStop sleep), rolls the pods: every request is answered,
by old pods and by new ones.
"""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING, Any

import pytest
from harness.adoption import BASE, RELEASE, commands
from harness.paths import TOOLS_BIN
from harness.render import load_values_file

from .adopt import SERVICE, DeploymentTrace, Readme, baseline_namespace, kubectl_apply, pods, rolled_out
from .kube import Kube, wait_for
from .realnode import OVERLAY, STOP_FILE, RealPool, completion_body, last_json, service_url, standin_image

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = [pytest.mark.smoke, pytest.mark.kubelet]

# The manifests' pods have no preStop hook: a server that stopped listening at SIGTERM would refuse the requests
# kube-proxy still sends it in the moment before it drops the pod. The stand-in keeps serving (unready) this long.
DRAIN = "3s"


@pytest.fixture
def ns(kube: Kube, real_pool: RealPool) -> Iterator[str]:
    name = baseline_namespace(kube, real_pool.namespace("adopt-real"))
    yield name
    kube.delete_namespace(name)


def standin_manifests() -> list[dict[str, Any]]:
    """The CPU variant's manifests with the stand-in in place of the app's image (the app's image is private), its
    requests sized for one node, and its drain; everything else as the team applies it."""
    objects = copy.deepcopy(BASE.manifest_objects())
    (deployment,) = (o for o in objects if o["kind"] == "Deployment")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    container["image"] = standin_image()
    container["resources"] = load_values_file(OVERLAY)["resources"]
    container["env"].append({"name": "STANDIN_DRAIN", "value": DRAIN})
    return objects


@pytest.mark.parametrize("helm_name", ["helm3", "helm4"])
def test_readme_adoption_serves_every_request(kube: Kube, real_pool: RealPool, ns: str, helm_name: str) -> None:
    readme = Readme(kube.kubeconfig, str(TOOLS_BIN / helm_name))
    try:
        kubectl_apply(kube.kubeconfig, ns, standin_manifests())
        replicas = rolled_out(kube, ns).spec.replicas
        running = pods(kube, ns)
        old = {p.metadata.name for p in running}
        svc = kube.core.read_namespaced_service(SERVICE, ns)
        # The loop starts against a Service kube-proxy already forwards to every pod of the manifests: a request
        # sent before kube-proxy's first sync with them would be refused before the adoption even began.
        real_pool.wait_proxied(svc, running)
        url = service_url(svc, "/v1/completions", by_ip=True)
        loop = ["load", "-url", url, "-body", completion_body(), "-count", "10000", "-interval", "20ms"]
        client = real_pool.client(ns, "adopt-load", [*loop, "-stop-file", STOP_FILE, "-max-duration", "170s"])
        wait_for("the client to run", lambda: real_pool.pod(ns, client).status.phase == "Running", timeout=60)
        time.sleep(1)  # requests to the manifests' pods alone first

        (command,) = commands(helm_name, BASE, ns)
        with DeploymentTrace(kube, ns) as trace:
            readme.ok(f"{command} -f {OVERLAY} --set replicaCount={replicas}")
            rolled_out(kube, ns)
        trace.check()
        assert readme.helm_json("status", RELEASE, "-n", ns)["info"]["status"] == "deployed"
        print(f"Deployment status during the adoption on the real node ({helm_name}):\n{trace.text()}")
        assert trace.lowest_ready() >= replicas, trace.text()
        new = {p.metadata.name for p in pods(kube, ns)} - old
        wait_for("the old pods to be gone", lambda: {p.metadata.name for p in pods(kube, ns)} == new, timeout=60)
        time.sleep(1)  # a few more requests to the new pods only
        real_pool.exec(ns, client, "standin", "touch", STOP_FILE)
        phase, log = real_pool.finished(ns, client)
    finally:
        readme.close()
    summary = last_json(log)
    print(f"request loop: {summary}")
    assert summary["stopped_by"] == "stop-file", summary
    assert summary["failed"] == 0, summary["errors"]
    assert phase == "Succeeded", summary
    assert set(summary["hosts"]) & old, summary
    assert new <= set(summary["hosts"]), summary
