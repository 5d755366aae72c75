"""The exposure part of the bad-input catalog (tests/render/test_bad_inputs.py): reserved metadata (keys Helm
interprets, keys the chart writes itself), extraObjects outside the release (other namespaces, cluster-scoped kinds,
workloads, hooks), network exposure (public load balancers, subnet CIDRs, NetworkPolicy peers that admit everything)
and integer bounds. Each input is refused with a message naming its key."""

from __future__ import annotations

from typing import Any

from harness.cases import AGC_REFERENCE, CSI_MINIMUM, INGRESS_MINIMUM, ROUTE_MINIMUM
from harness.helm_messages import PATTERN, Bad, chart_error, schema_error

MAXIMUM = r"(?:Must be less than or equal to|maximum: got)"
AGIC_POLICY = {**INGRESS_MINIMUM, "ingress.controller": "agic", "networkPolicy.enabled": True}
AGC_POLICY = {**ROUTE_MINIMUM, **AGC_REFERENCE, "networkPolicy.enabled": True}


def peer(key: str, value: dict[str, Any]) -> dict[str, Any]:
    """A NetworkPolicy with one peer in `networkPolicy.<key>` (metricsFrom needs a ServiceMonitor)."""
    monitor = {"serviceMonitor.enabled": True} if key == "metricsFrom" else {}
    return {"networkPolicy.enabled": True, f"networkPolicy.{key}": [value], **monitor}


def extra_object(kind: str, **fields: Any) -> dict[str, Any]:  # noqa: ANN401 - object fields are free-form
    """`extraObjects` with one object of `kind` named `extra`, `metadata` fields merged in."""
    metadata = {"name": "extra", **fields.pop("metadata", {})}
    return {"extraObjects": [{"apiVersion": "v1", "kind": kind, "metadata": metadata, **fields}]}


PRIVILEGED_POD = {
    "spec": {
        "hostPID": True,
        "containers": [{"name": "c", "image": "busybox:1.37.0", "securityContext": {"privileged": True}}],
        "volumes": [{"name": "host", "hostPath": {"path": "/"}}],
    }
}
HOOK_JOB = {
    "apiVersion": "batch/v1",
    "metadata": {"annotations": {"helm.sh/hook": "pre-install", "helm.sh/hook-delete-policy": "hook-succeeded"}},
    "spec": {"template": {"spec": PRIVILEGED_POD["spec"]}},
}

METADATA: list[Bad] = [
    Bad(
        "commonAnnotations-helm-hook",
        {"commonAnnotations": {"helm.sh/hook": "pre-install"}},
        (chart_error("commonAnnotations.helm.sh/hook", "a key Helm interprets"),),
    ),
    Bad(
        "commonAnnotations-resource-policy",
        {"commonAnnotations": {"helm.sh/resource-policy": "keep"}},
        (chart_error("commonAnnotations.helm.sh/resource-policy", "a key Helm interprets"),),
    ),
    Bad(
        "service.annotations-release-name",
        {"service.annotations": {"meta.helm.sh/release-name": "other"}},
        (chart_error("service.annotations.meta.helm.sh/release-name", "allowed: a key outside helm.sh"),),
    ),
    Bad(
        "deploymentAnnotations-helm-hook",
        {"deploymentAnnotations": {"helm.sh/hook": "post-install"}},
        (chart_error("deploymentAnnotations.helm.sh/hook", "a key Helm interprets"),),
    ),
    Bad(
        "podAnnotations-checksum-pinned",
        {"podAnnotations": {"checksum/config": "pinned"}},
        (chart_error("podAnnotations.checksum/config", r"the chart writes this key itself.*\(checksum/\)"),),
    ),
    Bad(
        "commonAnnotations-ingress-domain",
        {"commonAnnotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "1k"}},
        (chart_error("commonAnnotations.nginx.ingress.kubernetes.io/proxy-body-size", "the chart writes this key"),),
    ),
    Bad(
        "serviceAccount.annotations-client-id-in-csi",
        {**CSI_MINIMUM, "serviceAccount.annotations": {"azure.workload.identity/client-id": "other"}},
        (chart_error("serviceAccount.annotations.azure.workload.identity/client-id", "the chart writes this key"),),
    ),
    Bad(
        "gateway.annotations-alb-name-with-agc",
        {**ROUTE_MINIMUM, **AGC_REFERENCE, "gateway.annotations": {"alb.networking.azure.io/alb-name": "other"}},
        (chart_error("gateway.annotations.alb.networking.azure.io/alb-name", "the chart writes this key"),),
    ),
    Bad(
        "serviceMonitor.labels-chart-label",
        {"serviceMonitor.enabled": True, "serviceMonitor.labels": {"app.kubernetes.io/name": "other"}},
        (chart_error("serviceMonitor.labels.app.kubernetes.io/name", "the chart writes this key"),),
    ),
    Bad(
        "selectorLabels-workload-identity",
        {"selectorLabels": {"azure.workload.identity/use": "true"}},
        (chart_error("selectorLabels.azure.workload.identity/use", "the chart sets this label itself"),),
    ),
    Bad(
        "selectorLabels-helm-chart",
        {"selectorLabels": {"app": "vision", "helm.sh/chart": "ai-inference-0.1.0"}},
        (chart_error("selectorLabels.helm.sh/chart", "the chart sets this label itself"),),
    ),
]

EXTRA_OBJECTS: list[Bad] = [
    Bad(
        "extraObjects-other-namespace",
        extra_object("ConfigMap", metadata={"namespace": "kube-system"}),
        (chart_error(r"extraObjects[0] (ConfigMap extra).metadata.namespace", '"kube-system" is not the release'),),
    ),
    Bad(
        "extraObjects-cluster-admin-binding",
        {
            "extraObjects": [
                {
                    "apiVersion": "rbac.authorization.k8s.io/v1",
                    "kind": "ClusterRoleBinding",
                    "metadata": {"name": "own-admin"},
                    "roleRef": {
                        "apiGroup": "rbac.authorization.k8s.io",
                        "kind": "ClusterRole",
                        "name": "cluster-admin",
                    },
                    "subjects": [{"kind": "ServiceAccount", "name": "ai-ai-inference", "namespace": "inference"}],
                }
            ]
        },
        (
            chart_error(
                "extraObjects", r"\[0\] \(ClusterRoleBinding own-admin\): a cluster-scoped kind.*clusterScopedObjects"
            ),
        ),
    ),
    Bad(
        "extraObjects-privileged-host-pod",
        extra_object("Pod", **PRIVILEGED_POD),
        (chart_error("extraObjects", r"\[0\] \(Pod extra\): a workload .*allowed: objects without containers"),),
    ),
    Bad(
        "extraObjects-hook-job",
        extra_object("Job", **HOOK_JOB),
        (
            chart_error(
                "extraObjects[0] (Job extra).metadata.annotations.helm.sh/hook", "makes the object a Helm hook"
            ),
            chart_error("extraObjects", r"\[0\] \(Job extra\): a workload"),
        ),
    ),
    Bad(
        "extraObjects-custom-workload",
        {
            "extraObjects": [
                {
                    "apiVersion": "argoproj.io/v1alpha1",
                    "kind": "Rollout",
                    "metadata": {"name": "sneaky"},
                    "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox:1.37.0"}]}}},
                }
            ]
        },
        (chart_error("extraObjects", r"\[0\] \(Rollout sneaky\): a workload \(it holds containers\)"),),
    ),
    Bad(
        "extraObjects-resource-policy-and-helm-label",
        extra_object(
            "ConfigMap",
            metadata={"annotations": {"helm.sh/resource-policy": "keep"}, "labels": {"helm.sh/chart": "x"}},
        ),
        (
            chart_error("extraObjects[0] (ConfigMap extra).metadata.annotations.helm.sh/resource-policy", "Helm"),
            chart_error("extraObjects[0] (ConfigMap extra).metadata.labels.helm.sh/chart", "a key in Helm's domain"),
        ),
    ),
    Bad(
        "extraObjects-service-twin-selector-and-aks-label",
        extra_object(
            "Service",
            metadata={"labels": {"kubernetes.azure.com/team": "ml"}},
            spec={"selector": {"app.kubernetes.io/name": "ai-inference", "app.kubernetes.io/instance": "ai"}},
        ),
        (
            chart_error(
                "extraObjects[0] (Service extra).spec.selector", "the same as the selector of the chart's stable"
            ),
            chart_error(
                "extraObjects[0] (Service extra).metadata.labels.kubernetes.azure.com/team", "reserved for AKS"
            ),
        ),
    ),
    Bad(
        "extraObjects-public-load-balancer",
        extra_object("Service", spec={"type": "LoadBalancer", "ports": [{"port": 80}]}),
        (chart_error("extraObjects[0] (Service extra).spec.type", "LoadBalancer without the annotation"),),
    ),
]

EXPOSURE: list[Bad] = [
    Bad(
        "service-public-load-balancer",
        {"service.type": "LoadBalancer"},
        (
            chart_error(
                "service.type", r"LoadBalancer without .*azure-load-balancer-internal: \"true\" gets a public IP"
            ),
        ),
    ),
    Bad(
        "service-load-balancer-internal-false",
        {
            "service.type": "LoadBalancer",
            "service.annotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "false"},
        },
        (chart_error("service.type", "or publicLoadBalancer in securityExceptions"),),
    ),
    Bad(
        "appGatewaySubnetCIDR-everything",
        {**AGIC_POLICY, "networkPolicy.appGatewaySubnetCIDR": "0.0.0.0/0"},
        (schema_error("networkPolicy.appGatewaySubnetCIDR", PATTERN),),
    ),
    Bad(
        "appGatewaySubnetCIDR-single-address",
        {**AGIC_POLICY, "networkPolicy.appGatewaySubnetCIDR": "10.1.2.3/32"},
        (schema_error("networkPolicy.appGatewaySubnetCIDR", PATTERN),),
    ),
    Bad(
        "agcSubnetCIDR-everything",
        {**AGC_POLICY, "networkPolicy.agcSubnetCIDR": "0.0.0.0/0"},
        (schema_error("networkPolicy.agcSubnetCIDR", PATTERN),),
    ),
    Bad(
        "agcSubnetCIDR-out-of-range",
        {**AGC_POLICY, "networkPolicy.agcSubnetCIDR": "999.1.1.1/40"},
        (schema_error("networkPolicy.agcSubnetCIDR", PATTERN),),
    ),
    Bad(
        "extraFrom-empty-peer",
        peer("extraFrom", {}),
        (chart_error("networkPolicy.extraFrom", r"\[0\]: an empty peer .*allowed: a podSelector, namespaceSelector"),),
    ),
    Bad(
        "extraFrom-every-namespace",
        peer("extraFrom", {"namespaceSelector": {}}),
        (chart_error("networkPolicy.extraFrom[0].namespaceSelector", "every pod of the cluster.*openNetworkPeers"),),
    ),
    Bad(
        "metricsFrom-every-pod",
        peer("metricsFrom", {"podSelector": {}}),
        (chart_error("networkPolicy.metricsFrom[0].podSelector", "selects every pod of the release's namespace"),),
    ),
    Bad(
        "extraFrom-every-address",
        peer("extraFrom", {"ipBlock": {"cidr": "0.0.0.0/0"}}),
        (chart_error("networkPolicy.extraFrom[0].ipBlock.cidr", '"0.0.0.0/0" admits every address'),),
    ),
    Bad(
        "extraFrom-every-ipv6-address",
        peer("extraFrom", {"ipBlock": {"cidr": "::/0"}}),
        (chart_error("networkPolicy.extraFrom[0].ipBlock.cidr", '"::/0" admits every address'),),
    ),
    Bad(
        "extraFrom-cidr-out-of-range",
        peer("extraFrom", {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.300.0.0/16"]}}),
        (
            chart_error(
                "networkPolicy.extraFrom[0].ipBlock.except", r'\[0\]: "10.300.0.0/16" is not a CIDR; allowed: IPv4'
            ),
        ),
    ),
]

INTEGERS: list[Bad] = [
    Bad("replicaCount-1e19", {"replicaCount": 1e19}, (schema_error("replicaCount", MAXIMUM),)),
    Bad(
        "terminationGracePeriodSeconds-int64-max",
        {"terminationGracePeriodSeconds": 9223372036854775807},
        (schema_error("terminationGracePeriodSeconds", MAXIMUM),),
    ),
    Bad(
        "runAsUser-beyond-int32",
        {"podSecurityContext.runAsUser": 2147483648},
        (schema_error("podSecurityContext.runAsUser", MAXIMUM),),
    ),
]

EXPOSURE_CATALOG: list[Bad] = [*METADATA, *EXTRA_OBJECTS, *EXPOSURE, *INTEGERS]
