"""The presets part of the bad-input catalog (tests/render/test_bad_inputs.py): ports, gRPC ingress, pod
extensibility, probes, rollouts and autoscaling, neutral images and subchart use."""

from __future__ import annotations

from harness.cases import INGRESS_MINIMUM, WAF_POLICY_ID
from harness.helm_messages import (
    NOT,
    PATTERN,
    Bad,
    allowed,
    chart_error,
    extra,
    minimum,
    one_of,
    required,
    schema_error,
    typ,
)

PRESET_CATALOG: list[Bad] = [
    # --- presets: ports (extraContainerPorts, service.extraPorts, serviceMonitor.port, probe ports) ---
    Bad(
        "extraContainerPorts-named-http",
        {"extraContainerPorts": [{"name": "http", "containerPort": 9000}]},
        (schema_error("extraContainerPorts.0.name", NOT),),
    ),
    Bad(
        "extraContainerPorts-name-too-long",
        {"extraContainerPorts": [{"name": "a-very-long-port-name", "containerPort": 9000}]},
        (schema_error("extraContainerPorts.0.name", r"(?:String length must be less than or equal to 15|maxLength)"),),
    ),
    Bad(
        "extraContainerPorts-hostPort",
        {"extraContainerPorts": [{"name": "grpc", "containerPort": 8001, "hostPort": 8001}]},
        (schema_error("extraContainerPorts.0", extra("hostPort")),),
    ),
    Bad(
        "extraContainerPorts-duplicate-name",
        {"extraContainerPorts": [{"name": "grpc", "containerPort": 8001}, {"name": "grpc", "containerPort": 8002}]},
        (chart_error("extraContainerPorts[1].name", "allowed: a unique name other than http"),),
    ),
    Bad(
        "extraContainerPorts-number-of-http",
        {"extraContainerPorts": [{"name": "grpc", "containerPort": 8000}]},
        (chart_error("extraContainerPorts[0].containerPort", "allowed: a unique number"),),
    ),
    Bad(
        "service.extraPorts-target-not-a-container-port",
        {"service.extraPorts": [{"name": "grpc", "port": 8001, "targetPort": "grpc"}]},
        (chart_error("service.extraPorts[0].targetPort", r"not a port of the server container; allowed: http"),),
    ),
    Bad(
        "service.extraPorts-port-of-http",
        {
            "extraContainerPorts": [{"name": "grpc", "containerPort": 8001}],
            "service.extraPorts": [{"name": "grpc", "port": 80, "targetPort": "grpc"}],
        },
        (chart_error("service.extraPorts[0].port", "allowed: a unique number"),),
    ),
    Bad(
        "service.extraPorts-without-targetPort",
        {"service.extraPorts": [{"name": "grpc", "port": 8001}]},
        (schema_error("service.extraPorts.0", required("targetPort")),),
    ),
    Bad(
        "serviceMonitor.port-not-a-service-port",
        {"serviceMonitor.enabled": True, "serviceMonitor.port": "metrics"},
        (chart_error("serviceMonitor.port", r'"metrics" is not a Service port; allowed: http'),),
    ),
    Bad(
        "probe-port-not-a-container-port",
        {"probes.readiness.port": "metrics"},
        (chart_error("probes.readiness.port", r'"metrics" is not a port of the server container; allowed: http'),),
    ),
    # --- presets: gRPC through the ingress, and keys only the other controller reads ---
    Bad(
        "grpc-ingress-with-agic",
        {
            **INGRESS_MINIMUM,
            "ingress.controller": "agic",
            "ingress.grpc.enabled": True,
            "ingress.grpc.hosts": ["g.example.com"],
        },
        (chart_error("ingress.grpc.enabled", "AGIC cannot route gRPC.*allowed: ingress.controller=nginx"),),
    ),
    Bad(
        "grpc-ingress-without-tls",
        {**INGRESS_MINIMUM, "ingress.grpc.enabled": True, "ingress.grpc.hosts": ["g.example.com"]},
        (chart_error("ingress.grpc.enabled", "TLS listener only; allowed: with ingress.tls.enabled=true"),),
    ),
    Bad(
        "grpc-ingress-without-hosts",
        {**INGRESS_MINIMUM, "ingress.tls.enabled": True, "ingress.tls.secretName": "t", "ingress.grpc.enabled": True},
        (chart_error("ingress.grpc.hosts", "at least one host"),),
    ),
    Bad(
        "grpc-ingress-on-an-http-route",
        {
            **INGRESS_MINIMUM,
            "ingress.tls.enabled": True,
            "ingress.tls.secretName": "t",
            "ingress.grpc.enabled": True,
            "ingress.grpc.hosts": ["vision.example.com"],
        },
        (chart_error("ingress.grpc.hosts", "also an HTTP route.*allowed: another host, or a gRPC service prefix"),),
    ),
    Bad(
        "grpc-ingress-servicePort-unknown",
        {
            **INGRESS_MINIMUM,
            "ingress.tls.enabled": True,
            "ingress.tls.secretName": "t",
            "ingress.grpc.enabled": True,
            "ingress.grpc.hosts": ["g.example.com"],
        },
        (chart_error("ingress.grpc.servicePort", "not one of service.extraPorts; allowed: none"),),
    ),
    Bad(
        "nginx-with-appgw-annotation",
        {**INGRESS_MINIMUM, "ingress.annotations": {"appgw.ingress.kubernetes.io/request-timeout": "60"}},
        (chart_error("ingress.annotations", "read by AGIC only, and ingress.controller is nginx"),),
    ),
    Bad(
        "agic-with-nginx-annotation",
        {
            **INGRESS_MINIMUM,
            "ingress.controller": "agic",
            "ingress.annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"},
        },
        (chart_error("ingress.annotations", "read by nginx only, and ingress.controller is agic"),),
    ),
    Bad(
        "nginx-with-wafPolicyId",
        {
            **INGRESS_MINIMUM,
            "ingress.agic.wafPolicyId": WAF_POLICY_ID,
        },
        (chart_error("ingress.agic.wafPolicyId", "allowed: empty with ingress.controller=nginx"),),
    ),
    Bad(
        "nginx-with-agic-backendProtocol",
        {**INGRESS_MINIMUM, "ingress.agic.backendProtocol": "https"},
        (chart_error("ingress.agic.backendProtocol", "read by AGIC only"),),
    ),
    Bad(
        "nginx-with-appGatewaySubnetCIDR",
        {**INGRESS_MINIMUM, "networkPolicy.enabled": True, "networkPolicy.appGatewaySubnetCIDR": "10.225.0.0/16"},
        (chart_error("networkPolicy.appGatewaySubnetCIDR", "allowed: empty with nginx"),),
    ),
    # --- presets: pod extensibility (volumes, init containers, sidecars, lifecycle, envFrom, sysctls, runtime) ---
    Bad(
        "resources.claims",
        {"resources.claims": [{"name": "gpu"}]},
        (chart_error("resources.claims", "does not render; allowed: none"),),
    ),
    Bad(
        "sysctl-not-safe",
        {"podSecurityContext.sysctls": [{"name": "kernel.msgmax", "value": "65536"}]},
        (
            chart_error(
                "podSecurityContext.sysctls[0].name",
                r'"kernel.msgmax" is not a safe sysctl.*allowed: .*net.ipv4.ip_unprivileged_port_start',
            ),
        ),
    ),
    Bad(
        "runtimeClassName-with-gpu",
        {"gpu.enabled": True, "runtimeClassName": "kata-vm-isolation"},
        (chart_error("runtimeClassName", "applies to CPU pods; allowed: empty with gpu.enabled=true"),),
    ),
    Bad(
        "runtimeClassName-malformed",
        {"runtimeClassName": "Kata VM"},
        (schema_error("runtimeClassName", PATTERN),),
    ),
    Bad(
        "extraVolumes-hostPath",
        {"extraVolumes": [{"name": "host", "hostPath": {"path": "/var/lib"}}]},
        (
            chart_error(
                "extraVolumes", r'\[0\] \(host\): a hostPath volume fails Pod Security "restricted"; allowed: configMap'
            ),
        ),
    ),
    Bad(
        "extraVolumes-name-of-a-chart-volume",
        {"extraVolumes": [{"name": "tmp", "emptyDir": {}}]},
        (chart_error("extraVolumes[0].name", r'"tmp" is already a volume of the pod'),),
    ),
    Bad(
        "extraVolumes-without-source",
        {"extraVolumes": [{"name": "nothing"}]},
        (schema_error("extraVolumes.0", r"(?:minProperties|Must have at least 2 properties)"),),
    ),
    Bad(
        "extraVolumeMounts-unknown-volume",
        {"extraVolumeMounts": [{"name": "weights", "mountPath": "/weights"}]},
        (chart_error("extraVolumeMounts[0].name", r'"weights" is not a volume of the pod; allowed: tmp, dshm'),),
    ),
    Bad(
        "extraVolumeMounts-relative-path",
        {"extraVolumeMounts": [{"name": "tmp", "mountPath": "weights"}]},
        (schema_error("extraVolumeMounts.0.mountPath", allowed("an absolute directory path")),),
    ),
    Bad(
        "initContainers-without-name",
        {"initContainers": [{"image": "busybox:1.37.0"}]},
        (schema_error("initContainers.0", required("name")),),
    ),
    Bad(
        "initContainers-latest-image",
        {"initContainers": [{"name": "fetch", "image": "busybox:latest"}]},
        (schema_error("initContainers.0.image", allowed("an image reference with a fixed tag")),),
    ),
    Bad(
        "initContainers-without-resources",
        {"initContainers": [{"name": "fetch", "command": ["true"]}]},
        (chart_error(r"initContainers[0] (fetch).resources.requests.cpu", "AKS Deployment Safeguards"),),
    ),
    Bad(
        "sidecars-named-like-the-server",
        {
            "sidecars": [
                {
                    "name": "server",
                    "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                }
            ]
        },
        (chart_error("sidecars", r"\[0\] \(server\): the name is taken by another container"),),
    ),
    Bad(
        "sidecars-mount-unknown-volume",
        {
            "sidecars": [
                {
                    "name": "proxy",
                    "volumeMounts": [{"name": "certs", "mountPath": "/certs"}],
                    "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                }
            ]
        },
        (chart_error("sidecars[0] (proxy).volumeMounts", r'"certs" is not a volume of the pod'),),
    ),
    Bad(
        "lifecycleHooks-two-handlers",
        {"lifecycleHooks.preStop": {"sleep": {"seconds": 5}, "exec": {"command": ["true"]}}},
        (schema_error("lifecycleHooks.preStop", r"(?:maxProperties|Must have at most 1 properties)"),),
    ),
    Bad(
        "lifecycleHooks-tcpSocket",
        {"lifecycleHooks.preStop": {"tcpSocket": {"port": 8000}}},
        (schema_error("lifecycleHooks.preStop", extra("tcpSocket")),),
    ),
    Bad(
        "lifecycleHooks-unknown-hook",
        {"lifecycleHooks.onExit": {"sleep": {"seconds": 5}}},
        (schema_error("lifecycleHooks", extra("onExit")),),
    ),
    Bad(
        "extraEnvFrom-unknown-source",
        {"extraEnvFrom": [{"vaultRef": {"name": "x"}}]},
        (schema_error("extraEnvFrom.0", extra("vaultRef")),),
    ),
    Bad(
        "enableServiceLinks-string", {"enableServiceLinks": "no"}, (schema_error("enableServiceLinks", typ("boolean")),)
    ),
    # --- presets: probes (kinds and every timing field) ---
    Bad(
        "probe-kind-unknown",
        {"probes.startup.kind": "ping"},
        (schema_error("probes.startup.kind", one_of("http", "tcp")),),
    ),
    Bad(
        "probe-exec-without-command",
        {"probes.liveness.kind": "exec"},
        (chart_error("probes.liveness.command", "required with kind exec"),),
    ),
    Bad(
        "probe-liveness-successThreshold",
        {"probes.liveness.successThreshold": 2},
        (chart_error("probes.liveness.successThreshold", "must be 1 for startup and liveness"),),
    ),
    Bad(
        "probe-readiness-terminationGracePeriodSeconds",
        {"probes.readiness.terminationGracePeriodSeconds": 30},
        (chart_error("probes.readiness.terminationGracePeriodSeconds", "startup and liveness probes only"),),
    ),
    Bad(
        "probe-liveness-http-without-path",
        {"probes.liveness.kind": "http"},
        (chart_error("probes.liveness.path", "kind http needs a path"),),
    ),
    Bad(
        "probe-initialDelaySeconds-negative",
        {"probes.startup.initialDelaySeconds": -5},
        (schema_error("probes.startup.initialDelaySeconds", minimum(0)),),
    ),
    Bad(
        "probe-scheme-unknown",
        {"probes.readiness.scheme": "GRPC"},
        (schema_error("probes.readiness.scheme", one_of("HTTP", "HTTPS")),),
    ),
    # --- presets: rollouts, startup budget, autoscaling signals ---
    Bad(
        "maxSurge-and-maxUnavailable-zero",
        {"strategy.maxSurge": 0, "strategy.maxUnavailable": 0},
        (chart_error("strategy.maxSurge/strategy.maxUnavailable", "both are 0.*allowed: maxSurge at least 1"),),
    ),
    Bad(
        "maxSurge-and-maxUnavailable-zero-percent",
        {"strategy.maxSurge": "0%", "strategy.maxUnavailable": 0},
        (chart_error("strategy.maxSurge/strategy.maxUnavailable", "both are 0"),),
    ),
    Bad(
        "maxUnavailable-negative",
        {"strategy.maxUnavailable": -1},
        (schema_error("strategy.maxUnavailable", minimum(0)),),
    ),
    Bad(
        "startup-budget-beyond-progress-deadline",
        {"probes.startup.failureThreshold": 720},
        (
            chart_error(
                "progressDeadlineSeconds", "shorter than the startup probe's budget of 7200 s.*allowed: at least 7200"
            ),
        ),
    ),
    Bad(
        "startup-budget-with-initial-delay",
        {"probes.startup.initialDelaySeconds": 1801},
        (chart_error("progressDeadlineSeconds", "budget of 3601 s"),),
    ),
    Bad(
        "hpa-metrics-keep-default-cpu-target",
        {
            "autoscaling.enabled": True,
            "autoscaling.metrics": [
                {
                    "type": "Pods",
                    "pods": {
                        "metric": {"name": "vllm_num_requests_waiting"},
                        "target": {"type": "AverageValue", "averageValue": "5"},
                    },
                }
            ],
        },
        (chart_error("autoscaling.metrics", "set both targets to 0 with metrics"),),
    ),
    # --- presets: neutral images and subchart use (global, extraObjects, commonAnnotations) ---
    Bad(
        "image.registry-with-scheme",
        {"image.registry": "https://roo.azurecr.io"},
        (schema_error("image.registry", PATTERN),),
    ),
    Bad(
        "global.imageRegistry-with-scheme",
        {"global.imageRegistry": "https://mirror.example.com"},
        (schema_error("global.imageRegistry", PATTERN),),
    ),
    Bad(
        "global.imagePullSecrets-number",
        {"global.imagePullSecrets": [42]},
        (schema_error("global.imagePullSecrets.0", r"(?:anyOf|Must validate at least one schema)"),),
    ),
    Bad(
        "extraObjects-without-kind",
        {"extraObjects": [{"apiVersion": "v1", "metadata": {"name": "x"}}]},
        (schema_error("extraObjects.0", required("kind")),),
    ),
    Bad(
        "extraObjects-without-name",
        {"extraObjects": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}]},
        (schema_error("extraObjects.0.metadata", required("name")),),
    ),
    Bad(
        "commonAnnotations-number",
        {"commonAnnotations": {"team": 7}},
        (schema_error("commonAnnotations.team", typ("string")),),
    ),
]
