"""The real pool of the cluster under test: where the `kubelet` tests run containers for real.

On the local cluster that is the node `scripts/cluster/realnode/node.sh` brings up (pool `realpool`, taint
`pool=realpool:NoSchedule`, the stand-in image in its registry at 127.0.0.1:5000). Each test gets a namespace whose
PodNodeSelector / PodTolerationRestriction annotations pin every pod to that pool, the chart's `helm test` pod
included; the chart itself is installed with `realnode-values.yaml` (stand-in image, pool selector, short probes).
Client pods run the same image (`standin get|post|load`), so every request goes through the Service from a pod.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.paths import REPO_ROOT
from harness.render import RenderRequest, load_values_file
from harness.tools import run, tool

from .kube import (
    AGENTPOOL,
    INSTANCE,
    KWOK_NODE_ANNOTATION,
    Helm,
    Install,
    Kube,
    Model,
    helm_install,
    items,
    wait_for,
)

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping, Sequence

POOL = "realpool"
OVERLAY = Path(__file__).with_name("realnode-values.yaml")
TOLERATION = {"key": "pool", "operator": "Equal", "value": POOL, "effect": "NoSchedule"}
# k8s.io/kubernetes plugin/pkg/admission/podnodeselector and podtolerationrestriction (enabled by
# scripts/cluster/cluster.sh)
PIN_TO_POOL = {
    "scheduler.alpha.kubernetes.io/node-selector": f"{AGENTPOOL}={POOL}",
    "scheduler.alpha.kubernetes.io/defaultTolerations": json.dumps([TOLERATION]),
}
STANDIN_PORT = 8000
CLIENT_TMP = "/tmp"  # noqa: S108  # inside the client container: an emptyDir of its own
STOP_FILE = f"{CLIENT_TMP}/stop"
MODEL = "standin-echo"
STANDIN_ROOT = REPO_ROOT / ".tools" / "realnode" / "cache" / "images" / "standin"
NODE_SH = REPO_ROOT / "scripts" / "cluster" / "realnode" / "node.sh"


def standin_image() -> str:
    image = load_values_file(OVERLAY)["image"]
    return f"{image['registry']}/{image['repository']}:{image['tag']}"


def standin_digest() -> str | None:
    """The manifest digest of the stand-in image in the node's registry (scripts/cluster/realnode writes it), if built
    here."""
    index = STANDIN_ROOT / "index.json"
    return json.loads(index.read_text())["manifests"][0]["digest"] if index.is_file() else None


def node_sh(*args: str) -> str:
    """scripts/cluster/realnode/node.sh ARGS (the local cluster's real node: its facts, or a command in its
    namespaces)."""
    return run(["bash", NODE_SH, *args], timeout=60).stdout


def api_server_address(kube: Kube) -> str:
    """The address the API server advertises (the `kubernetes` Service's endpoint): on the local cluster, the host
    end of the real node's veth."""
    endpoints: Model = kube.core.read_namespaced_endpoints("kubernetes", "default")
    return str(endpoints.subsets[0].addresses[0].ip)


def guard_drops(comment: str) -> int:
    """Packets dropped so far by the node's egress guard rules carrying `comment` (nftables counters)."""
    ruleset = json.loads(node_sh("exec", "nft", "-j", "list", "table", "inet", "realnode_egress"))["nftables"]
    return sum(
        expr["counter"]["packets"]
        for item in ruleset
        if item.get("rule", {}).get("comment") == comment
        for expr in item["rule"]["expr"]
        if "counter" in expr
    )


def proxied_backends(svc: Model) -> set[str] | None:
    """The pod IPs kube-proxy on the real node sends the Service's cluster IP to, read from its iptables rules in
    the node's network namespace (k8s.io/kubernetes pkg/proxy/iptables/proxier.go: the KUBE-SERVICES rule commented
    "<namespace>/<name>[:<port>] cluster IP", one KUBE-SVC rule "... -> <ip>:<port>" per endpoint); None while the
    cluster IP has no rule to the endpoints (no rules yet, or the REJECT of a Service without endpoints)."""
    rules = node_sh("exec", "iptables-save", "-t", "nat")
    key = re.escape(f"{svc.metadata.namespace}/{svc.metadata.name}") + r'(?::[^ "]+)?'
    if not re.search(rf'--comment "{key} cluster IP"', rules):
        return None
    return set(re.findall(rf'--comment "{key} -> ([0-9.]+):[0-9]+"', rules))


def real_pool_nodes(kube: Kube) -> list[Model]:
    """Nodes of the pool `realpool` that a real kubelet runs (not kwok-managed)."""
    return [
        n
        for n in items(kube.core.list_node(label_selector=f"{AGENTPOOL}={POOL}"))
        if (n.metadata.annotations or {}).get(KWOK_NODE_ANNOTATION) != "fake"
    ]


@dataclass
class RealPool:
    """Namespaces, installs, client pods and exec on the real pool."""

    kube: Kube
    helm: Helm

    def namespace(self, prefix: str) -> str:
        name = self.kube.create_namespace(prefix)
        self.kube.core.patch_namespace(name, {"metadata": {"annotations": PIN_TO_POOL}})
        return name

    def request(self, release: str, namespace: str, overrides: Mapping[str, Any] | None = None) -> RenderRequest:
        """The chart with realnode-values.yaml and `overrides` for a release on the real pool."""
        return RenderRequest.make(overrides, values_files=[OVERLAY], release=release, namespace=namespace)

    def install(
        self, release: str, namespace: str, overrides: Mapping[str, Any] | None = None, *, wait: bool = True
    ) -> Install:
        args = self.helm.value_args(self.request(release, namespace, overrides))
        return helm_install(self.kube, self.helm, release, namespace, args, wait=wait, timeout=120)

    def upgrade(self, release: str, namespace: str, overrides: Mapping[str, Any]) -> subprocess.CompletedProcess[str]:
        args = self.helm.value_args(self.request(release, namespace, overrides))
        chart = str(self.helm.renderer.chart_dir)
        return self.helm.run("upgrade", release, chart, "-n", namespace, *args, "--wait", "--timeout", "120s")

    def server_pods(self, namespace: str, release: str) -> list[Model]:
        """The release's model-server pods (not its test pod), oldest first."""
        dep = self.kube.deployment(namespace, release)
        return sorted(self.kube.pods_of(namespace, dep), key=lambda p: p.metadata.creation_timestamp)

    def exec(self, namespace: str, pod: str, *cmd: str) -> str:
        """Run a command in a pod's container (API server -> kubelet -> containerd -> runc)."""
        kubectl: list[str | Path] = [tool("kubectl"), "--kubeconfig", self.kube.kubeconfig]
        return run([*kubectl, "exec", "-n", namespace, pod, "--", *cmd], timeout=60).stdout

    def admin(self, namespace: str, pod: str, action: str) -> None:
        """Flip a switch of the stand-in in one pod (ready, unready, hang)."""
        self.exec(namespace, pod, "standin", "post", f"http://127.0.0.1:{STANDIN_PORT}/admin/{action}")

    def client(self, namespace: str, name: str, args: Sequence[str], image: str | None = None) -> str:
        """Start a client pod running `standin ARGS`, or the entrypoint of `image` with ARGS (restricted, read-only
        root, writable /tmp); returns its name."""
        container = {
            "name": "client",
            "image": image or standin_image(),
            "imagePullPolicy": "IfNotPresent",
            "args": list(args),
            "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"memory": "64Mi"}},
            "securityContext": {
                "allowPrivilegeEscalation": False,
                "readOnlyRootFilesystem": True,
                "capabilities": {"drop": ["ALL"]},
            },
            "volumeMounts": [{"name": "tmp", "mountPath": CLIENT_TMP}],
        }
        body: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "smoke-client"}},
            "spec": {
                "restartPolicy": "Never",
                "automountServiceAccountToken": False,
                "securityContext": {
                    "runAsNonRoot": True,
                    "runAsUser": 10001,
                    "runAsGroup": 10001,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "containers": [container],
                "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "1Mi"}}],
            },
        }
        self.kube.core.create_namespaced_pod(namespace, body)  # type: ignore[arg-type]  # a dict is sent as is
        return name

    def pod(self, namespace: str, name: str) -> Model:
        return self.kube.core.read_namespaced_pod(name, namespace)

    def finished(self, namespace: str, pod: str, timeout: float = 180) -> tuple[str, str]:
        """Wait for a client pod to end; returns its phase and its log."""

        def phase() -> str | None:
            p = self.pod(namespace, pod).status.phase
            return str(p) if p in {"Succeeded", "Failed"} else None

        done = wait_for(f"client pod {pod} to finish", phase, timeout=timeout, interval=0.5)
        return done, str(self.kube.core.read_namespaced_pod_log(pod, namespace))

    def stop_client(self, namespace: str, pod: str, timeout: float = 180) -> dict[str, Any]:
        """End a `standin load -stop-file STOP_FILE` client: its summary, once it stopped by the file with no failed
        request."""
        self.exec(namespace, pod, "standin", "touch", STOP_FILE)
        phase, log = self.finished(namespace, pod, timeout=timeout)
        summary = last_json(log)
        assert summary["stopped_by"] == "stop-file", summary
        assert summary["failed"] == 0, summary["errors"]
        assert phase == "Succeeded", summary
        return summary

    def run_client(self, namespace: str, name: str, args: Sequence[str], image: str | None = None) -> tuple[str, str]:
        self.client(namespace, name, args, image)
        return self.finished(namespace, name)

    def service(self, namespace: str, release: str) -> Model:
        (svc,) = items(self.kube.core.list_namespaced_service(namespace, label_selector=f"{INSTANCE}={release}"))
        return svc

    def endpoints(self, namespace: str, service: str) -> dict[str, bool]:
        """Pod name -> ready, from the Service's EndpointSlices."""
        slices = items(
            self.kube.discovery.list_namespaced_endpoint_slice(
                namespace, label_selector=f"kubernetes.io/service-name={service}"
            )
        )
        return {
            ep.target_ref.name: bool(ep.conditions and ep.conditions.ready)
            for s in slices
            for ep in s.endpoints or []
            if ep.target_ref
        }

    def wait_proxied(self, svc: Model, pods: Sequence[Model], timeout: float = 30) -> None:
        """Wait until kube-proxy forwards the Service to exactly these pods. A Service's ready EndpointSlice comes
        before kube-proxy's rules (it syncs them at most once a second): until then a request to the cluster IP is
        refused by the REJECT rule of a Service without endpoints, or still reaches pods that are gone."""
        want = {str(p.status.pod_ip) for p in pods}
        wait_for(
            f"kube-proxy to forward {svc.metadata.name} to {sorted(want)}",
            lambda: proxied_backends(svc) == want,
            timeout=timeout,
            interval=0.2,
        )

    def proxied_service(self, namespace: str, release: str) -> Model:
        """The release's Service once kube-proxy forwards its cluster IP to every server pod (wait_proxied): a
        request loop through the cluster IP starts only then."""
        svc = self.service(namespace, release)
        self.wait_proxied(svc, self.server_pods(namespace, release))
        return svc

    def events(self, namespace: str, pod: str, reason: str) -> list[str]:
        return [
            str(e.message)
            for e in self.kube.events(namespace, reason)
            if e.involved_object.name == pod and (e.source.component if e.source else "") in {"kubelet", ""}
        ]

    def wait_restarted(self, namespace: str, pod: str, timeout: float = 90) -> Model:
        def probe() -> Model | None:
            p = self.pod(namespace, pod)
            statuses = p.status.container_statuses or []
            restarted = statuses and statuses[0].restart_count >= 1 and self.kube.pod_ready(p)
            return p if restarted else None

        return wait_for(f"{pod} to be restarted and Ready again", probe, timeout=timeout, interval=0.5)


def service_url(svc: Model, path: str, *, by_ip: bool = False) -> str:
    """The Service's URL by cluster IP or by its DNS name (<name>.<namespace>.svc.cluster.local)."""
    host = svc.spec.cluster_ip if by_ip else f"{svc.metadata.name}.{svc.metadata.namespace}.svc.cluster.local"
    return f"http://{host}:{svc.spec.ports[0].port}{path}"


def completion_body(prompt: str = "one two three four", max_tokens: int = 16) -> str:
    return json.dumps({"model": MODEL, "prompt": prompt, "max_tokens": max_tokens})


def last_json(log: str) -> dict[str, Any]:
    """The last line of a client pod's log, parsed (the `standin load` summary)."""
    lines = [line for line in log.splitlines() if line.startswith("{")]
    assert lines, f"no JSON summary in the client's log:\n{log}"
    data = json.loads(lines[-1])
    assert isinstance(data, dict)
    return data
