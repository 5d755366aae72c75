"""The hazard part of the bad-input catalog (tests/render/test_bad_inputs.py): values that used to render silently
and then failed or misbehaved in the cluster, negative quantities, an EnvVar with value and valueFrom, the common
pattern mistakes now answered in the chart's words, and values of the wrong type that reached a template.

`HAZARD_CATALOG` lists the refused ones. `WARNED` lists the ones a rule would refuse in setups that work: they
render, and the chart warns (NOTES after an install, `# WARNING:` comments in the rendered manifest;
tests/render/test_warnings.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from harness.cases import (
    AZURE_MONITOR_WORKSPACE,
    CANARY_MINIMUM,
    INGRESS_MINIMUM,
    KEDA_MINIMUM,
    ROUTE_MINIMUM,
)
from harness.helm_messages import (
    Bad,
    allowed,
    chart_error,
    minimum,
    schema_error,
    typ,
)

QUANTITY = allowed("a non-negative Kubernetes quantity")
NIM = {"image.repository": "nvcr.io/nim/meta/llama-3.1-8b-instruct", "image.tag": "2.0.9"}
TRITON = {"image.repository": "nvcr.io/nvidia/tritonserver", "image.tag": "26.07-py3"}
GPU: dict[str, Any] = {"gpu.enabled": True}

HAZARD_CATALOG: list[Bad] = [
    # --- silently accepted before, failing or misbehaving in the cluster ---
    Bad(
        "shm-above-memory-limit-gpu",
        {**GPU, "gpu.shmSize": "64Gi", "resources.requests.memory": "24Gi", "resources.limits.memory": "48Gi"},
        (chart_error("gpu.shmSize", r"64Gi of memory-backed /dev/shm .*allowed: at most the memory limit \(48Gi\)"),),
    ),
    Bad(
        "shm-above-memory-limit-cpu",
        {"shmSize": "4Gi"},
        (chart_error("shmSize", r"more than resources.limits.memory"),),
    ),
    Bad(
        "tensor-parallel-above-gpu-count",
        {**GPU, "args": ["--tensor-parallel-size", "2"]},
        (chart_error("args", r"--tensor-parallel-size 2\) needs 2 GPUs in one pod, but gpu.count is 1"),),
    ),
    Bad(
        "tensor-x-pipeline-above-gpu-count",
        {**GPU, "gpu.count": 2, "args": ["--tensor-parallel-size=2", "--pipeline-parallel-size", "2"]},
        (chart_error("args", r"needs 4 GPUs in one pod, but gpu.count is 2, .*; allowed: gpu.count=4"),),
    ),
    Bad(
        "sglang-tp-size-above-gpu-count",
        {**GPU, "gpu.count": 2, "args": ["--model-path", "Qwen/Qwen3-8B", "--tp-size", "4"]},
        (chart_error("args", r"--tp-size 4\) needs 4 GPUs"),),
    ),
    Bad(
        "tgi-num-shard-above-gpu-count",
        {**GPU, "args": ["--model-id", "m", "--num-shard", "2"]},
        (chart_error("args", r"--num-shard 2\) needs 2 GPUs"),),
    ),
    Bad(
        "canary-tensor-parallel-above-gpu-count",
        {**CANARY_MINIMUM, **GPU, "canary.args": ["--tensor-parallel-size", "2"]},
        (chart_error("canary.args", r"needs 2 GPUs in one pod"),),
    ),
    Bad(
        "nim-image-without-pull-secret",
        NIM,
        (chart_error("imagePullSecrets", r"nvcr.io/nim/meta/llama-3.1-8b-instruct is an NVIDIA NIM image.*allowed:"),),
    ),
    Bad(
        "nim-registry-without-pull-secret",
        {"image.registry": "nvcr.io", "image.repository": "nim/meta/llama-3.1-8b-instruct", "image.tag": "2.0.9"},
        (chart_error("imagePullSecrets", r"is an NVIDIA NIM image"),),
    ),
    Bad(
        "privileged-container-port-non-root",
        {"containerPort": 80},
        (chart_error("containerPort", r"80 is below 1024.*UID 10001.*net.ipv4.ip_unprivileged_port_start"),),
    ),
    Bad(
        "privileged-extra-port-non-root",
        {"extraContainerPorts": [{"name": "metrics", "containerPort": 90}]},
        (chart_error("extraContainerPorts[0].containerPort", r"90 is below 1024"),),
    ),
    Bad(
        "container-port-below-unprivileged-start",
        {
            "containerPort": 80,
            "podSecurityContext.sysctls": [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "443"}],
        },
        (chart_error("containerPort", r"80 is below 443"),),
    ),
    Bad(
        "args-flag-and-value-in-one-item",
        {"args": ["--model", "m", "--port 9000"]},
        (schema_error("args.2", allowed("one flag or one value per item")),),
    ),
    Bad(
        "hf-token-in-config",
        {"config": {"HF_TOKEN": "hf_not_a_real_token"}},
        (chart_error("config.HF_TOKEN", r"named like a credential.*allowed: the value in a Secret"),),
    ),
    Bad(
        "keda-managed-prometheus-with-operator-servicemonitor",
        {
            **KEDA_MINIMUM,
            "keda.prometheus.serverAddress": AZURE_MONITOR_WORKSPACE,
            "keda.prometheus.azureWorkloadIdentity": True,
        },
        (chart_error("serviceMonitor.apiVersion", r"ignored by Azure Managed Prometheus.*azmonitoring.coreos.com/v1"),),
    ),
    Bad(
        "repository-host-under-global-registry",
        {**TRITON, "global.imageRegistry": "myacr.azurecr.io"},
        (
            chart_error(
                "image.repository",
                r"names its own registry host nvcr.io, and global.imageRegistry \(myacr.azurecr.io\) would be put in"
                r" front of it \(myacr.azurecr.io/nvcr.io/nvidia/tritonserver\); allowed: the repository without its"
                r" host \(nvidia/tritonserver\)",
            ),
        ),
    ),
    Bad(
        "repository-host-under-image-registry",
        {**TRITON, "image.registry": "myacr.azurecr.io"},
        (chart_error("image.repository", r"and image.registry \(myacr.azurecr.io\) would be put in front of it"),),
    ),
    # --- quantities: non-negative everywhere ---
    Bad(
        "negative-memory-request",
        {"resources.requests.memory": "-1Gi"},
        (schema_error("resources.requests.memory", QUANTITY),),
    ),
    Bad("negative-cpu-request", {"resources.requests.cpu": -1}, (schema_error("resources.requests.cpu", minimum(0)),)),
    Bad("negative-shm", {"shmSize": "-1Gi"}, (schema_error("shmSize", QUANTITY),)),
    Bad("negative-gpu-shm", {**GPU, "gpu.shmSize": "-1Gi"}, (schema_error("gpu.shmSize", QUANTITY),)),
    Bad("negative-tmp-size", {"tmpSize": -1}, (schema_error("tmpSize", minimum(0)),)),
    Bad(
        "negative-model-cache-size",
        {"modelCache.enabled": True, "modelCache.size": "-1Gi"},
        (schema_error("modelCache.size", QUANTITY),),
    ),
    Bad(
        "negative-ephemeral-storage-limit",
        {"resources.limits.ephemeral-storage": "-10Gi"},
        (schema_error("resources.limits.ephemeral-storage", QUANTITY),),
    ),
    Bad(
        "negative-init-container-memory",
        {"initContainers": [{"name": "fetch", "resources": {"limits": {"cpu": "1", "memory": "-512Mi"}}}]},
        (schema_error("initContainers.0.resources.limits.memory", QUANTITY),),
    ),
    Bad(
        "extraEnv-value-and-valueFrom",
        {
            "extraEnv": [
                {"name": "TOKEN_FILE", "value": "/t", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}
            ]
        },
        (schema_error("extraEnv.0", allowed("an EnvVar with either value or valueFrom, not both")),),
    ),
    # --- the common pattern mistakes, in the chart's words ---
    Bad(
        "ingress-host-uppercase",
        {**INGRESS_MINIMUM, "ingress.hosts": ["Vision.Example.com"]},
        (schema_error("ingress.hosts.0", allowed("a lowercase host name")),),
    ),
    Bad(
        "gateway-hostname-uppercase",
        {**ROUTE_MINIMUM, "gateway.hostname": "API.example.com"},
        (schema_error("gateway.hostname", allowed("a lowercase host name")),),
    ),
    Bad(
        "ingress-path-with-space",
        {**INGRESS_MINIMUM, "ingress.path": "/v1 api"},
        (schema_error("ingress.path", allowed("an absolute URL path")),),
    ),
    Bad("memory-in-GB", {"resources.limits.memory": "32GB"}, (schema_error("resources.limits.memory", QUANTITY),)),
    Bad(
        "readyPath-without-slash",
        {"probes.readyPath": "health"},
        (schema_error("probes.readyPath", allowed("an absolute URL path")),),
    ),
    Bad(
        "livePath-without-slash",
        {"probes.livePath": "live"},
        (schema_error("probes.livePath", allowed("an absolute URL path")),),
    ),
    Bad(
        "mountPath-with-space",
        {"modelCache.enabled": True, "modelCache.mountPath": "/my models"},
        (schema_error("modelCache.mountPath", allowed("an absolute directory path")),),
    ),
    Bad(
        "tenant-name-instead-of-guid",
        {"secrets.csi.tenantId": "contoso.onmicrosoft.com"},
        (schema_error("secrets.csi.tenantId", allowed("a GUID such as")),),
    ),
    Bad(
        "tag-inside-repository",
        {"image.repository": "vllm/vllm-openai:v0.30.0"},
        (schema_error("image.repository", allowed("a repository without tag or digest")),),
    ),
    # --- values of the wrong type in objects passed through (a raw Go template error before) ---
    Bad(
        "init-container-resources-as-string",
        {"initContainers": [{"name": "fetch", "resources": "lots"}]},
        (schema_error("initContainers.0.resources", typ("object")),),
    ),
    Bad(
        "node-affinity-as-string",
        {"affinity.nodeAffinity": "x"},
        (schema_error("affinity.nodeAffinity", typ("object")),),
    ),
    Bad(
        "node-selector-terms-as-string",
        {"affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms": "x"},
        (
            schema_error(
                "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms", typ("array")
            ),
        ),
    ),
]


@dataclass(frozen=True)
class Warned:
    """A value the chart renders with a warning: id, overrides, and the warning's key and a regex of its text."""

    id: str
    overrides: dict[str, Any]
    key: str
    text: str

    @property
    def line(self) -> str:
        """The warning as a regex over the rendered manifest (`# WARNING: <key>: <text>`)."""
        return rf"^# WARNING: {re.escape(self.key)}: .*{self.text}"


WARNED: list[Warned] = [
    Warned(
        "port-in-args",
        {"args": ["--port", "9000"]},
        "args",
        r"--port 9000 tells the server to listen on 9000, but containerPort is 8000",
    ),
    Warned(
        "canary-http-port-in-args",
        {**CANARY_MINIMUM, "canary.args": ["--http-port=9000"]},
        "canary.args",
        r"--http-port 9000 tells the server",
    ),
    Warned(
        "gpu-tolerations-empty", {**GPU, "gpu.tolerations": []}, "gpu.tolerations", r"sku=gpu:NoSchedule.*stay Pending"
    ),
    Warned(
        "gpu-node-selector-own-labels",
        {**GPU, "gpu.nodeSelector": {"kubernetes.azure.com/accelerator": None, "gpu": "a100"}},
        "gpu.nodeSelector",
        r"names no node label AKS sets itself.*kubectl get nodes -l gpu=a100",
    ),
    Warned(
        "route-timeout-above-load-balancer-idle",
        {**ROUTE_MINIMUM, "httpRoute.timeouts.request": "900s"},
        "httpRoute.timeouts.request",
        r"900s is longer than the 4-minute idle timeout of the Azure Load Balancer",
    ),
    Warned(
        "rule-timeout-above-raised-idle",
        {
            **ROUTE_MINIMUM,
            "gateway.infrastructureAnnotations": {
                "service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout": "10"
            },
            "httpRoute.rules": [
                {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}], "timeouts": {"request": "20m"}}
            ],
        },
        "httpRoute.rules[0].timeouts.request",
        r"20m is longer than the 10-minute idle timeout",
    ),
    Warned(
        "keda-scale-to-zero-cold-start",
        {**KEDA_MINIMUM, "keda.scaleToZero": True, "keda.prometheus.query": "sum(rate(requests_total[1m]))"},
        "keda.scaleToZero",
        r"after 300 s without activity no pod runs.*the startup probe allows 1800 s",
    ),
    Warned(
        "servicemonitor-prometheus-operator-group",
        {"serviceMonitor.enabled": True},
        "serviceMonitor.apiVersion",
        r"Azure Managed Prometheus ignores it",
    ),
    Warned(
        "grace-period-shorter-than-request",
        {**INGRESS_MINIMUM, "terminationGracePeriodSeconds": 60},
        "terminationGracePeriodSeconds",
        r"60 s is shorter than the 240 s a request may take",
    ),
]
