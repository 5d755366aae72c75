"""Pod extensibility, ports, probes, rollouts, images and subchart values, each asserted on the rendered objects:
extraVolumes/extraVolumeMounts, initContainers/sidecars, lifecycleHooks (and the default preStop sleep, AGIC's longer
one), extraEnvFrom, enableServiceLinks, runtimeClassName, sysctls, probe kinds and timing, the GPU-avoidance term merged
into a custom node affinity, strategy.maxUnavailable, global registry and pull secrets, the version label,
commonAnnotations and extraObjects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import INGRESS_MINIMUM, ROUTE_MINIMUM

if TYPE_CHECKING:
    from harness.pytest_plugin import RenderFunc
    from harness.render import Manifest, Obj

RESOURCES = {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": "200m", "memory": "128Mi"}}
AVOID = {"key": "kubernetes.azure.com/accelerator", "operator": "DoesNotExist"}
AGIC = {"ingress.enabled": True, "ingress.controller": "agic", "ingress.hosts": ["a.example.com"]}
GRPC_PORT = {"extraContainerPorts": [{"name": "grpc", "containerPort": 8001}]}


def pod(m: Manifest) -> Obj:
    return m.get("Deployment")["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def server(m: Manifest) -> Obj:
    return pod(m)["containers"][0]  # type: ignore[no-any-return]


def test_extra_volumes_and_mounts(render: RenderFunc) -> None:
    m = render(
        {
            "extraVolumes": [{"name": "weights", "persistentVolumeClaim": {"claimName": "w", "readOnly": True}}],
            "extraVolumeMounts": [{"name": "weights", "mountPath": "/weights", "readOnly": True}],
        }
    )
    assert {"name": "weights", "persistentVolumeClaim": {"claimName": "w", "readOnly": True}} in pod(m)["volumes"]
    assert {"name": "weights", "mountPath": "/weights", "readOnly": True} in server(m)["volumeMounts"]
    assert [v["name"] for v in pod(m)["volumes"]][:2] == ["tmp", "dshm"], "the chart's volumes stay"


def test_init_containers_and_sidecars_default_to_server_image_and_restricted(render: RenderFunc) -> None:
    own = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }
    alive = {"exec": {"command": ["true"]}}
    m = render(
        {
            "image.digest": "sha256:" + "b" * 64,
            "initContainers": [
                {"name": "warm", "command": ["true"], "resources": RESOURCES},
                {"name": "empty", "command": ["true"], "resources": RESOURCES, "securityContext": {}},
            ],
            "sidecars": [
                {
                    "name": "proxy",
                    "image": "busybox:1.37.0",
                    "securityContext": own,
                    "resources": RESOURCES,
                    "readinessProbe": alive,
                    "livenessProbe": alive,
                },
            ],
        }
    )
    warm, empty = pod(m)["initContainers"]
    assert warm["image"] == server(m)["image"]
    assert warm["imagePullPolicy"] == server(m)["imagePullPolicy"]
    assert warm["securityContext"] == server(m)["securityContext"]
    assert empty["securityContext"] == server(m)["securityContext"], "an empty securityContext inherits the chart's"
    assert [c["name"] for c in pod(m)["containers"]] == ["server", "proxy"], "the server stays first"
    sidecar = pod(m)["containers"][1]
    assert sidecar["image"] == "busybox:1.37.0"
    assert "imagePullPolicy" not in sidecar
    assert sidecar["securityContext"] == own, "a sidecar's own securityContext is kept whole"


def test_default_prestop_sleep_and_agic_longer_one(render: RenderFunc) -> None:
    """Every server drains for preStopSleepSeconds before SIGTERM (on top of the grace period); AGIC's longer sleep
    wins behind an Application Gateway; a user's own preStop replaces both; 0 on both turns the hook off."""
    m = render()
    assert server(m)["lifecycle"] == {"preStop": {"sleep": {"seconds": 10}}}
    assert pod(m)["terminationGracePeriodSeconds"] == 70, "the sleep comes on top of the time after SIGTERM"
    assert server(render({"preStopSleepSeconds": 30}))["lifecycle"] == {"preStop": {"sleep": {"seconds": 30}}}
    m = render(AGIC)
    assert server(m)["lifecycle"] == {"preStop": {"sleep": {"seconds": 90}}}
    assert pod(m)["terminationGracePeriodSeconds"] == 90 + 600, "the sleep, then AGIC's request timeout"
    longer = render({**AGIC, "preStopSleepSeconds": 120})
    assert server(longer)["lifecycle"] == {"preStop": {"sleep": {"seconds": 120}}}
    own = {"preStop": {"exec": {"command": ["/bin/drain"]}}}
    m = render({**AGIC, "lifecycleHooks": own})
    assert server(m)["lifecycle"] == own, "a user's preStop replaces the default"
    assert pod(m)["terminationGracePeriodSeconds"] == 600
    assert server(render({**AGIC, "ingress.agic.preStopSleepSeconds": 0}))["lifecycle"]["preStop"]["sleep"] == {
        "seconds": 10
    }
    off = render({**AGIC, "ingress.agic.preStopSleepSeconds": 0, "preStopSleepSeconds": 0})
    assert "lifecycle" not in server(off)
    assert pod(off)["terminationGracePeriodSeconds"] == 600
    m = render({"lifecycleHooks": {"preStop": {"sleep": {"seconds": 5}}, "postStart": {"exec": {"command": ["true"]}}}})
    assert server(m)["lifecycle"]["postStart"] == {"exec": {"command": ["true"]}}
    assert pod(m)["terminationGracePeriodSeconds"] == 65


@pytest.mark.parametrize(
    ("overrides", "after_sigterm"),
    [
        ({}, 60),
        (INGRESS_MINIMUM, 240),
        ({**ROUTE_MINIMUM, "httpRoute.timeouts.request": "15m"}, 900),
        ({**ROUTE_MINIMUM, "httpRoute.timeouts.request": "0s"}, 60),
        ({**INGRESS_MINIMUM, **ROUTE_MINIMUM, "httpRoute.timeouts.request": "300s"}, 300),
        ({**INGRESS_MINIMUM, "terminationGracePeriodSeconds": 30}, 30),
    ],
    ids=["no-ingress", "nginx", "route-15m", "route-no-timeout", "longest-of-both", "explicit"],
)
def test_grace_period_covers_the_longest_request(
    render: RenderFunc, overrides: dict[str, object], after_sigterm: int
) -> None:
    """Left empty, the time after SIGTERM is the longest request the ingress or route allows (at least 60 s); the
    preStop sleep comes on top. A number of one's own is kept (with a warning when shorter, test_warnings.py)."""
    assert pod(render(overrides))["terminationGracePeriodSeconds"] == after_sigterm + 10


def test_env_from_service_links_runtime_class(render: RenderFunc) -> None:
    m = render({"extraEnvFrom": [{"configMapRef": {"name": "tuning"}, "prefix": "T_"}]})
    assert server(m)["envFrom"] == [{"configMapRef": {"name": "tuning"}, "prefix": "T_"}]
    assert pod(m)["enableServiceLinks"] is False
    assert pod(render({"enableServiceLinks": True}))["enableServiceLinks"] is True
    assert pod(render({"runtimeClassName": "kata-vm-isolation"}))["runtimeClassName"] == "kata-vm-isolation"
    gpu = pod(render({"gpu.enabled": True, "gpu.runtimeClassName": "nvidia"}))
    assert gpu["runtimeClassName"] == "nvidia"
    sysctls = [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"}]
    assert pod(render({"podSecurityContext.sysctls": sysctls}))["securityContext"]["sysctls"] == sysctls


def test_probe_kinds_and_timing(render: RenderFunc) -> None:
    probes: dict[str, Any] = {
        "probes.startup": {"kind": "grpc", "port": "grpc", "service": "inference", "initialDelaySeconds": 30}
        | {"periodSeconds": 10, "failureThreshold": 60, "timeoutSeconds": 3, "terminationGracePeriodSeconds": 10},
        "probes.readiness": {"kind": "http", "path": "/ready", "scheme": "HTTPS", "successThreshold": 2}
        | {"httpHeaders": [{"name": "X-Probe", "value": "1"}], "periodSeconds": 5, "failureThreshold": 2}
        | {"timeoutSeconds": 2},
        "probes.liveness": {"kind": "exec", "command": ["/bin/alive"], "periodSeconds": 30, "failureThreshold": 3}
        | {"timeoutSeconds": 5},
    }
    c = server(render({**GRPC_PORT, **probes}))
    assert c["startupProbe"] == {
        "grpc": {"port": 8001, "service": "inference"},
        "initialDelaySeconds": 30,
        "periodSeconds": 10,
        "timeoutSeconds": 3,
        "failureThreshold": 60,
        "terminationGracePeriodSeconds": 10,
    }
    ready = c["readinessProbe"]
    assert ready["httpGet"] == {
        "path": "/ready",
        "port": "http",
        "scheme": "HTTPS",
        "httpHeaders": [{"name": "X-Probe", "value": "1"}],
    }
    assert ready["successThreshold"] == 2
    assert c["livenessProbe"]["exec"] == {"command": ["/bin/alive"]}
    tcp = server(render({"probes.readiness.kind": "tcp", "probes.readiness.port": "grpc", **GRPC_PORT}))
    assert tcp["readinessProbe"]["tcpSocket"] == {"port": "grpc"}


def test_legacy_probe_paths_still_work(render: RenderFunc) -> None:
    c = server(render({"probes.readyPath": "/ready", "probes.livePath": "/live"}))
    assert c["startupProbe"]["httpGet"]["path"] == c["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/live"
    assert server(render())["livenessProbe"]["tcpSocket"] == {"port": "http"}


def test_custom_node_affinity_keeps_gpu_avoidance(render: RenderFunc) -> None:
    zone = {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["eastus-1"]}
    pool = {"key": "kubernetes.azure.com/agentpool", "operator": "In", "values": ["cpupool"]}
    required = {"nodeSelectorTerms": [{"matchExpressions": [zone]}, {"matchExpressions": [pool]}]}
    m = render({"affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution": required})
    terms = pod(m)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert terms == [{"matchExpressions": [zone, AVOID]}, {"matchExpressions": [pool, AVOID]}], "each ORed term"
    preferred = [{"weight": 1, "preference": {"matchExpressions": [zone]}}]
    node = pod(render({"affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution": preferred}))
    affinity = node["affinity"]["nodeAffinity"]
    assert affinity["preferredDuringSchedulingIgnoredDuringExecution"] == preferred
    assert affinity["requiredDuringSchedulingIgnoredDuringExecution"] == {
        "nodeSelectorTerms": [{"matchExpressions": [AVOID]}]
    }
    off = pod(
        render(
            {
                "gpu.avoidGpuNodes": False,
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution": required,
            }
        )
    )
    assert off["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == required
    gpu = pod(
        render({"gpu.enabled": True, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution": required})
    )
    assert gpu["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == required


def test_max_unavailable_for_full_gpu_pools(render: RenderFunc) -> None:
    m = render({"strategy.maxSurge": 0, "strategy.maxUnavailable": 1})
    assert m.get("Deployment")["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 0, "maxUnavailable": 1}
    default = render().get("Deployment")["spec"]["strategy"]["rollingUpdate"]
    assert default == {"maxSurge": 1, "maxUnavailable": 0}


def test_hpa_with_metrics_alone(render: RenderFunc) -> None:
    queue = {
        "type": "Pods",
        "pods": {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "averageValue": "5"}},
    }
    m = render(
        {"autoscaling.enabled": True, "autoscaling.targetCPUUtilizationPercentage": 0, "autoscaling.metrics": [queue]}
    )
    assert m.get("HorizontalPodAutoscaler")["spec"]["metrics"] == [queue]


def test_images_registry_digest_and_version_label(render: RenderFunc) -> None:
    digest = "sha256:" + "c" * 64
    assert server(render({"image.registry": "myacr.azurecr.io"}))["image"] == "myacr.azurecr.io/roo-vision:v3.4.1"
    mirrored = render({"image.registry": "myacr.azurecr.io", "global.imageRegistry": "mirror.example.com"})
    assert server(mirrored)["image"] == "mirror.example.com/roo-vision:v3.4.1", "global.imageRegistry wins"
    m = render({"image.repository": "nvcr.io/nvidia/tritonserver", "image.tag": "26.07-py3"})
    assert server(m)["image"] == "nvcr.io/nvidia/tritonserver:26.07-py3", "the repository may name its registry"
    assert all(o["metadata"]["labels"]["app.kubernetes.io/version"] == "26.07-py3" for o in m.objects)
    only_digest = render({"image.digest": digest})
    assert server(only_digest)["image"] == f"roo-vision@{digest}"
    label = only_digest.get("Deployment")["metadata"]["labels"]["app.kubernetes.io/version"]
    assert label == ("sha256_" + "c" * 64)[:63]
    long_tag = "_" + "v" * 100 + "."
    labels = render({"image.tag": long_tag}).get("Deployment")["metadata"]["labels"]
    assert labels["app.kubernetes.io/version"] == "v" * 62, "a valid label value: trimmed, at most 63 characters"


def test_global_and_own_pull_secrets(render: RenderFunc) -> None:
    m = render(
        {
            "global.imagePullSecrets": ["mirror-pull", {"name": "acr-pull"}],
            "imagePullSecrets": [{"name": "acr-pull"}, {"name": "ngc"}],
        }
    )
    assert pod(m)["imagePullSecrets"] == [{"name": "mirror-pull"}, {"name": "acr-pull"}, {"name": "ngc"}]
    assert "imagePullSecrets" not in pod(render())


def test_common_annotations_and_extra_objects(render: RenderFunc) -> None:
    metadata: dict[str, Any] = {"name": "prompt-templates", "labels": {"team": "ml"}}
    extra = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata,
        "data": {"greeting": "{{ .Release.Name }} stays literal"},
    }
    m = render(
        {"commonAnnotations": {"owner": "ml-platform"}, "extraObjects": [extra], "ingress.enabled": True}
        | {
            "ingress.hosts": ["a.example.com"],
            "modelCache.enabled": True,
            "modelCache.type": "pvc",
            "modelCache.accessMode": "ReadWriteMany",
        }
    )
    chart_objects = [o for o in m.objects if o["metadata"]["name"] != "prompt-templates"]
    assert all(o["metadata"]["annotations"]["owner"] == "ml-platform" for o in chart_objects)
    assert "owner" not in (m.get("Deployment")["spec"]["template"]["metadata"].get("annotations") or {})
    placed = {**extra, "metadata": {**metadata, "namespace": m.request.namespace}}
    assert m.get("ConfigMap", "prompt-templates") == placed, "rendered as data, never through tpl, in the namespace"


def test_service_extra_ports_network_policy_and_service_monitor(render: RenderFunc) -> None:
    m = render(
        {
            "extraContainerPorts": [{"name": "metrics", "containerPort": 9000}],
            "service.extraPorts": [{"name": "metrics", "port": 9000, "targetPort": "metrics"}],
            "serviceMonitor.enabled": True,
            "serviceMonitor.port": "metrics",
            "networkPolicy.enabled": True,
            "networkPolicy.metricsFrom": [
                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "mon"}}}
            ],
        }
    )
    assert {"name": "metrics", "containerPort": 9000} in server(m)["ports"]
    assert {"name": "metrics", "port": 9000, "targetPort": "metrics", "protocol": "TCP"} in m.get("Service")["spec"][
        "ports"
    ]
    assert m.get("ServiceMonitor")["spec"]["endpoints"][0]["port"] == "metrics"
    callers, scraper = m.get("NetworkPolicy")["spec"]["ingress"]
    assert [p["port"] for p in callers["ports"]] == ["http", "metrics"], "every port the Service serves"
    assert [p["port"] for p in scraper["ports"]] == ["metrics"], "the scraper reaches the serviceMonitor.port target"
