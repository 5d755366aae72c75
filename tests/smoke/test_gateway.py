"""Gateway API, the weighted canary and KEDA on the cluster: every new kind is admitted by the API server against the
CRDs an AKS cluster of the same minor serves (their schemas and CEL rules), each route backend is a Service with Ready
endpoints of the right Deployment, both canary Deployments roll out, and a ScaledObject stands alone (no HPA).

No Gateway API implementation, ALB Controller or KEDA operator runs here: a Gateway is never Programmed, routes are
never Accepted and nothing scales on the query. Those need AKS with the add-ons (the chart README says which).
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from harness.cases import AGC_RESOURCE_ID, WAF_POLICY_ID
from harness.errors import RenderError
from harness.render import RenderRequest
from harness.rules.routing import route_backend_refs
from kubernetes import client

from .addons import KEDA_API, custom
from .kube import (
    INSTANCE,
    Helm,
    Kube,
    Model,
    assert_installed,
    helm_install,
    items,
    strict_server_dry_run,
    wait_for,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from harness.manifest import Manifest

    from .kube import Install

# the module fixture installs once for all its tests: one worker runs them all
pytestmark = [pytest.mark.smoke, pytest.mark.xdist_group("gateway")]

AGC_ID = AGC_RESOURCE_ID
TIMEOUTS = {"request": "900s", "backendRequest": "600s"}
ROUTE = {"enabled": True, "hostnames": ["vision.example.com"], "timeouts": TIMEOUTS}
# One release per mode, installed side by side (each in its own namespace).
MODES: dict[str, dict[str, Any]] = {
    # approuting-istio with a Key Vault TLS listener, the Ingress still on (a migration), HTTP and gRPC routes, a
    # mirrored 90/10 canary
    "approuting": {
        "replicaCount": 2,
        "ingress": {"enabled": True, "hosts": ["vision.example.com"]},
        # a gRPC port beside HTTP, published through a GRPCRoute on its own host name
        "extraContainerPorts": [{"name": "grpc", "containerPort": 8001}],
        "service": {
            "extraPorts": [{"name": "grpc", "port": 8001, "targetPort": "grpc", "appProtocol": "kubernetes.io/h2c"}]
        },
        "httpRoute": {**ROUTE, "grpc": {"enabled": True, "hostnames": ["grpc.vision.example.com"]}},
        "gateway": {
            "create": True,
            "tls": {
                "enabled": True,
                "keyVaultUri": "https://roo-kv.vault.azure.net/certificates/vision",
                "serviceAccount": "tls-reader",
            },
            "infrastructureAnnotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"},
        },
        "canary": {"enabled": True, "image": {"tag": "v3.5.0"}, "replicaCount": 2, "mirror": {"enabled": True}},
        "networkPolicy": {"enabled": True},
    },
    # Application Gateway for Containers (bring your own) with WAF, health probe and RoutePolicy
    "agc": {
        "httpRoute": ROUTE,
        "gateway": {
            "create": True,
            "className": "azure-alb-external",
            "agc": {
                "albId": AGC_ID,
                "frontend": "frontend-1",
                "wafPolicyId": WAF_POLICY_ID,
                "healthCheck": {"enabled": True},
                "routePolicyTimeout": True,
            },
        },
    },
    # LLM-aware routing on a self-managed Istio: an InferencePool per Deployment of a 90/10 canary, each with the
    # chart's endpoint picker (Deployment, Service, RBAC, PDB, NetworkPolicy, Istio DestinationRule)
    "inference": {
        "replicaCount": 2,
        "httpRoute": ROUTE,
        "gateway": {"create": True, "className": "istio"},
        "inferencePool": {"enabled": True},
        "canary": {"enabled": True, "image": {"tag": "v3.5.0"}},
        "networkPolicy": {"enabled": True},
    },
    # KEDA on Azure Managed Prometheus with workload identity, attached to an existing Gateway
    "keda": {
        "httpRoute": {**ROUTE, "parentRefs": [{"name": "shared", "namespace": "gateways"}]},
        "keda": {
            "enabled": True,
            "maxReplicas": 3,
            "prometheus": {
                "serverAddress": "https://amw-1.westeurope.prometheus.monitor.azure.com",
                "azureWorkloadIdentity": True,
            },
        },
        # Managed Prometheus reads ServiceMonitors of its own group only (the chart refuses the other one here)
        "serviceMonitor": {"enabled": True, "apiVersion": "azmonitoring.coreos.com/v1"},
    },
}
# Modes installed without --wait: the cluster's KEDA (scripts/cluster/addons) reads the keda mode's trigger, which
# authenticates to Azure Managed Prometheus with workload identity; without AKS's workload identity webhook it has no
# Azure credential and reports the ScaledObject not Ready, which helm's --wait (kstatus) would wait on until timeout.
UNWAITED = {"keda"}


@dataclass
class Mode:
    name: str
    namespace: str
    values_file: Path
    manifest: Manifest | None = None
    dry_run: str = ""
    install: Install | None = None

    @property
    def objects(self) -> list[dict[str, Any]]:
        return self.manifest.objects if self.manifest is not None else []

    def require_installed(self) -> None:
        if self.install is None or self.install.returncode != 0 or self.install.failed_create:
            pytest.fail(f"mode {self.name} did not install (see test_mode_installs[{self.name}])")


def _install(kube: Kube, helm: Helm, mode: Mode) -> Mode:
    request = RenderRequest.make(values_files=[mode.values_file], release=mode.name, namespace=mode.namespace)
    try:
        mode.manifest = helm.render(request)
    except RenderError as exc:  # the chart does not render: nothing to install
        mode.dry_run = str(exc)
        return mode
    dry = strict_server_dry_run(kube.kubeconfig, mode.namespace, mode.manifest.text)
    if dry.returncode != 0 or "would violate PodSecurity" in dry.stderr:
        mode.dry_run = dry.stderr + dry.stdout
    wait = mode.name not in UNWAITED
    mode.install = helm_install(kube, helm, mode.name, mode.namespace, helm.value_args(request), wait=wait, timeout=90)
    return mode


@pytest.fixture(scope="module")
def modes(kube: Kube, helm: Helm, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Mode]]:
    out = {}
    for name, values in MODES.items():
        path = tmp_path_factory.mktemp("values") / f"{name}.yaml"
        path.write_text(yaml.safe_dump(values))
        out[name] = Mode(name, kube.create_namespace(f"gw-{name}"), path)
    try:
        with ThreadPoolExecutor(max_workers=len(out)) as pool:
            list(pool.map(lambda m: _install(kube, helm, m), out.values()))
        yield out
    finally:
        for mode in out.values():
            kube.delete_namespace(mode.namespace)


@pytest.fixture(params=list(MODES))
def mode(request: pytest.FixtureRequest, modes: dict[str, Mode]) -> Mode:
    return modes[request.param]


def test_mode_installs(mode: Mode) -> None:
    """Strict server-side dry run (unknown fields, CRD schemas and CEL rules, Pod Security), then helm install
    --wait (without for UNWAITED)."""
    assert not mode.dry_run, mode.dry_run
    assert mode.install is not None
    assert_installed(mode.install)


def test_every_custom_resource_is_stored(kube: Kube, mode: Mode) -> None:
    mode.require_installed()
    for obj in mode.objects:
        if "." not in obj["apiVersion"].split("/")[0] or obj["apiVersion"].startswith("apps/"):
            continue  # core and apps kinds are covered by the install itself
        stored = kube.list_by_label(obj["apiVersion"], obj["kind"], mode.namespace, f"{INSTANCE}={mode.name}")
        assert obj["metadata"]["name"] in {s.metadata.name for s in stored}, f"{obj['kind']} not stored"


def ready_endpoint_pods(kube: Kube, namespace: str, service: str, port: int) -> set[str] | None:
    """Names of the pods behind the Service's ready endpoints, once the Service has the port and some are ready."""
    svc: Model = kube.core.read_namespaced_service(service, namespace)
    if port not in {p.port for p in svc.spec.ports}:
        return None
    slices = items(
        kube.discovery.list_namespaced_endpoint_slice(namespace, label_selector=f"kubernetes.io/service-name={service}")
    )
    ready = {ep.target_ref.name for s in slices for ep in s.endpoints or [] if ep.conditions and ep.conditions.ready}
    return ready or None


def owner_deployment(kube: Kube, namespace: str, pod_name: str) -> str:
    pod: Model = kube.core.read_namespaced_pod(pod_name, namespace)
    (rs_ref,) = [r for r in pod.metadata.owner_references if r.kind == "ReplicaSet"]
    rs: Model = kube.apps.read_namespaced_replica_set(rs_ref.name, namespace)
    (dep_ref,) = [r for r in rs.metadata.owner_references if r.kind == "Deployment"]
    return str(dep_ref.name)


def assert_pool_resolves(kube: Kube, namespace: str, name: str) -> None:
    """A stored InferencePool selects the Ready pods of one Deployment, and its endpoint picker's Service has Ready
    endpoints on the port the pool names."""
    pool = kube.custom.get_namespaced_custom_object(
        "inference.networking.k8s.io", "v1", namespace, "inferencepools", name
    )
    spec: dict[str, Any] = pool["spec"]  # type: ignore[index]
    selector = ",".join(f"{k}={v}" for k, v in spec["selector"]["matchLabels"].items())

    def ready_pods() -> set[str] | None:
        pods = items(kube.core.list_namespaced_pod(namespace, label_selector=selector))
        return {p.metadata.name for p in pods if kube.pod_ready(p)} or None

    owners = {owner_deployment(kube, namespace, p) for p in wait_for(f"InferencePool {name} pods", ready_pods)}
    assert len(owners) == 1, f"InferencePool {name} selects pods of {owners}"
    picker = spec["endpointPickerRef"]
    picker_pods = wait_for(
        f"picker {picker['name']} of InferencePool {name}",
        lambda: ready_endpoint_pods(kube, namespace, picker["name"], int(picker["port"]["number"])),
    )
    assert owners.isdisjoint({owner_deployment(kube, namespace, p) for p in picker_pods})


def test_route_backends_resolve_to_ready_endpoints(kube: Kube, mode: Mode) -> None:
    """Each backendRef and mirror target of the stored routes is a Service with Ready endpoints, and those endpoints
    are pods of one Deployment only (the stable Service never reaches a canary pod); an InferencePool backend selects
    the Ready pods of one Deployment, and its picker's Service has Ready endpoints."""
    mode.require_installed()
    routes = [o for o in mode.objects if o["kind"] in {"HTTPRoute", "GRPCRoute"}]
    assert routes
    for route in routes:
        stored = kube.custom.get_namespaced_custom_object(
            "gateway.networking.k8s.io", "v1", mode.namespace, f"{route['kind'].lower()}s", route["metadata"]["name"]
        )
        for where, backend in route_backend_refs(stored):  # type: ignore[arg-type]
            if backend.get("kind") == "InferencePool":
                assert_pool_resolves(kube, mode.namespace, str(backend["name"]))
                continue
            what = f"{route['kind']} {where} {backend['name']}:{backend['port']}"
            name, port = str(backend["name"]), int(backend["port"])

            def endpoints(name: str = name, port: int = port) -> set[str] | None:
                return ready_endpoint_pods(kube, mode.namespace, name, port)

            pods = wait_for(what, endpoints)
            owners = {owner_deployment(kube, mode.namespace, p) for p in pods}
            assert len(owners) == 1, f"{what} reaches pods of {owners}"


def test_both_canary_deployments_roll_out(kube: Kube, modes: dict[str, Mode]) -> None:
    mode = modes["approuting"]
    mode.require_installed()
    deployments = items(kube.apps.list_namespaced_deployment(mode.namespace, label_selector=f"{INSTANCE}={mode.name}"))
    assert len(deployments) == 2

    def rolled_out() -> list[Model] | None:
        deps: list[Model] = [kube.apps.read_namespaced_deployment(d.metadata.name, mode.namespace) for d in deployments]
        done = all(
            (d.status.available_replicas or 0) == d.spec.replicas == (d.status.updated_replicas or 0) for d in deps
        )
        return deps if done else None

    deps = wait_for("both Deployments rolled out", rolled_out)
    images = {d.metadata.name: d.spec.template.spec.containers[0].image.rsplit(":", 1)[-1] for d in deps}
    assert sorted(images.values()) == ["v3.4.1", "v3.5.0"], images
    route = next(o for o in mode.objects if o["kind"] == "HTTPRoute")
    weights = {b["name"]: b["weight"] for b in route["spec"]["rules"][0]["backendRefs"]}
    assert sorted(weights.values()) == [10, 90]
    pdbs = items(client.PolicyV1Api(kube.api).list_namespaced_pod_disruption_budget(mode.namespace))
    assert len(pdbs) == 2, "one PodDisruptionBudget per Deployment"


def test_scaled_object_admitted_without_an_hpa(kube: Kube, modes: dict[str, Mode]) -> None:
    mode = modes["keda"]
    mode.require_installed()
    scaled = kube.list_by_label("keda.sh/v1alpha1", "ScaledObject", mode.namespace, f"{INSTANCE}={mode.name}")
    assert len(scaled) == 1
    target = scaled[0].spec.scaleTargetRef.name
    deployment = kube.apps.read_namespaced_deployment(target, mode.namespace)
    assert deployment.spec.replicas == 1, "no replicas rendered: the API server's default until KEDA scales"
    hpas = items(client.AutoscalingV2Api(kube.api).list_namespaced_horizontal_pod_autoscaler(mode.namespace))
    assert hpas == [], f"an HPA beside the ScaledObject: {[h.metadata.name for h in hpas]}"
    auth = scaled[0].spec.triggers[0].authenticationRef.name
    assert kube.list_by_label("keda.sh/v1alpha1", "TriggerAuthentication", mode.namespace, f"{INSTANCE}={mode.name}")
    assert auth == kube.list_by_label("keda.sh/v1alpha1", "TriggerAuthentication", mode.namespace, "")[0].metadata.name
    # The cluster's KEDA resolved that TriggerAuthentication to Azure workload identity and found no credential (the
    # Azure SDK's credential chain is empty without AKS's webhook), so it never made its HPA: AKS-only, as documented.
    name = scaled[0].metadata.name

    def not_ready() -> str | None:
        status = custom(kube, KEDA_API, "scaledobjects", mode.namespace, name).get("status") or {}
        ready = [c for c in status.get("conditions") or [] if c["type"] == "Ready" and c["status"] == "False"]
        return str(ready[0].get("message")) if ready else None

    assert "TokenCredential" in wait_for("KEDA to report the ScaledObject not Ready", not_ready, timeout=60)


def test_api_server_enforces_the_timeout_rule(kube: Kube, modes: dict[str, Mode]) -> None:
    """The installed HTTPRoute CRD carries Gateway API's CEL rule that the chart's own check mirrors: a route with
    backendRequest > request is refused by the API server itself (the CRDs are the real bundle, not a stub)."""
    mode = modes["approuting"]
    route = next(o for o in mode.objects if o["kind"] == "HTTPRoute")
    route["metadata"]["name"] += "-bad"
    route["spec"]["rules"][0]["timeouts"] = {"request": "60s", "backendRequest": "120s"}
    proc = strict_server_dry_run(kube.kubeconfig, mode.namespace, json.dumps(route))
    assert proc.returncode != 0, proc.stdout
    assert "backendRequest timeout cannot be longer than request timeout" in proc.stderr, proc.stderr
