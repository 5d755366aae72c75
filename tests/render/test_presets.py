"""The five inference-server presets (values/vllm.yaml, triton.yaml, tgi.yaml, ollama.yaml, nim.yaml): what each
renders is what its server documents (image, command and args, ports, probe paths, volumes, secrets), and the
NOTES tell the truth about it. The presets also run through every generic tier (matrix, rules, goldens, policy
gates, smoke) as files of values/."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from harness.paths import VALUES_DIR
from harness.render import RenderRequest

if TYPE_CHECKING:
    from pathlib import Path

    from harness.pytest_plugin import RenderFunc
    from harness.render import Manifest, Obj, Renderer

VALUES = VALUES_DIR
PRESETS = ("vllm", "triton", "tgi", "ollama", "nim")


def preset(render: RenderFunc, name: str, overrides: dict[str, Any] | None = None) -> Manifest:
    return render(overrides, values_files=[VALUES / f"{name}.yaml"])


def pod(m: Manifest) -> Obj:
    return m.get("Deployment")["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def server(m: Manifest) -> Obj:
    return pod(m)["containers"][0]  # type: ignore[no-any-return]


def env(container: Obj) -> dict[str, Obj]:
    return {e["name"]: e for e in container.get("env", [])}


def ports(container: Obj) -> dict[str, int]:
    return {p["name"]: p["containerPort"] for p in container["ports"]}


def mounts(container: Obj) -> dict[str, Obj]:
    return {m["mountPath"]: m for m in container.get("volumeMounts", [])}


def volumes(m: Manifest) -> dict[str, Obj]:
    return {v["name"]: v for v in pod(m)["volumes"]}


def startup_budget(container: Obj) -> int:
    probe = container["startupProbe"]
    return int(probe.get("initialDelaySeconds", 0)) + int(probe["periodSeconds"]) * int(probe["failureThreshold"])


def test_vllm(render: RenderFunc) -> None:
    m = preset(render, "vllm")
    c = server(m)
    assert c["image"] == "vllm/vllm-openai:v0.31.0"
    assert c["command"] == ["vllm", "serve"]
    assert c["args"][:3] == ["meta-llama/Llama-3.1-8B-Instruct", "--tensor-parallel-size", "2"]
    assert str(c["resources"]["limits"]["nvidia.com/gpu"]) == "2"
    shm = mounts(c)["/dev/shm"]  # noqa: S108 - the shared-memory mount, not a temp file
    assert volumes(m)[shm["name"]]["emptyDir"] == {"medium": "Memory", "sizeLimit": "16Gi"}
    assert env(c)["HF_HOME"]["value"] == "/models"
    assert env(c)["HF_TOKEN_PATH"]["value"] == "/mnt/secrets/token"
    assert volumes(m)["secrets"]["secret"]["secretName"] == "hf-token"
    assert not pod(m)["enableServiceLinks"], "Kubernetes would set VLLM_PORT for a Service named vllm"
    pvc = m.get("PersistentVolumeClaim")
    # KEDA scales it to several pods, which share the cache: an Azure Files share, not a managed disk
    assert (pvc["spec"]["storageClassName"], pvc["spec"]["accessModes"]) == ("azurefile-csi-premium", ["ReadWriteMany"])
    assert "replicas" not in m.get("Deployment")["spec"]
    trigger = m.get("ScaledObject")["spec"]["triggers"][0]["metadata"]
    assert trigger["query"].startswith("sum(vllm:num_requests_waiting{")
    assert m.get("Deployment")["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 0, "maxUnavailable": 1}
    assert c["readinessProbe"]["httpGet"]["path"] == "/health"
    assert m.get("Deployment")["metadata"]["labels"]["app.kubernetes.io/version"] == "v0.31.0"
    assert m.get("ServiceMonitor")["spec"]["endpoints"][0]["port"] == "http"


def test_triton_ports_and_grpc_ingress(render: RenderFunc) -> None:
    m = preset(render, "triton")
    c = server(m)
    assert c["image"] == "nvcr.io/nvidia/tritonserver:26.07-py3"
    assert ports(c) == {"http": 8000, "grpc": 8001, "metrics": 8002}
    assert "--model-repository=/models" in c["args"]
    service = {p["name"]: (p["port"], p["targetPort"]) for p in m.get("Service")["spec"]["ports"]}
    assert service == {"http": (80, "http"), "grpc": (8001, "grpc"), "metrics": (8002, "metrics")}
    assert c["readinessProbe"]["httpGet"]["path"] == "/v2/health/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert pod(m)["securityContext"]["runAsUser"] == 1000
    repository = volumes(m)["model-repository"]["persistentVolumeClaim"]
    assert repository == {"claimName": "triton-model-repository", "readOnly": True}
    assert mounts(c)["/models"] == {"name": "model-repository", "mountPath": "/models", "readOnly": True}
    assert m.get("ServiceMonitor")["spec"]["endpoints"][0]["port"] == "metrics"
    callers, scraper = m.get("NetworkPolicy")["spec"]["ingress"]
    assert [p["port"] for p in callers["ports"]] == ["http", "grpc", "metrics"], "every port the Service serves"
    assert [p["port"] for p in scraper["ports"]] == ["metrics"], "Managed Prometheus scrapes the metrics port"
    assert scraper["from"][0]["podSelector"] == {"matchLabels": {"rsName": "ama-metrics"}}
    ingresses = {i["metadata"]["name"]: i for i in m.by_kind("Ingress")}
    http, grpc = ingresses["ai-ai-inference"], ingresses["ai-ai-inference-grpc"]
    assert "nginx.ingress.kubernetes.io/backend-protocol" not in http["metadata"]["annotations"]
    assert grpc["metadata"]["annotations"]["nginx.ingress.kubernetes.io/backend-protocol"] == "GRPC"
    assert http["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"] == {"number": 80}
    grpc_rule = grpc["spec"]["rules"][0]
    assert grpc_rule["host"] == "triton-grpc.example.com"
    assert grpc_rule["http"]["paths"][0]["backend"]["service"]["port"] == {"name": "grpc"}
    assert grpc["spec"]["tls"][0]["hosts"] == ["triton-grpc.example.com"], "nginx serves HTTP/2 (gRPC) on TLS only"


def test_tgi_non_root_port_and_agic(render: RenderFunc) -> None:
    m = preset(render, "tgi")
    c = server(m)
    assert c["image"] == "ghcr.io/huggingface/text-generation-inference:3.1.0"
    assert c["args"] == ["--model-id", "teknium/OpenHermes-2.5-Mistral-7B", "--port", "8080"]
    assert ports(c) == {"http": 8080}
    assert m.get("Service")["spec"]["ports"][0] == {"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}
    assert pod(m)["securityContext"]["runAsUser"] == 10001
    assert "sysctls" not in pod(m)["securityContext"], "the port change needs no sysctl"
    assert env(c)["HF_HOME"]["value"] == "/data"
    assert mounts(c)["/data"]["name"] == "model-cache"
    assert env(c)["HF_TOKEN"]["valueFrom"]["secretKeyRef"] == {"name": "hf-token", "key": "token"}
    assert c["lifecycle"] == {"preStop": {"sleep": {"seconds": 90}}}, "AGIC's zero-502 preStop sleep"
    assert pod(m)["terminationGracePeriodSeconds"] == 90 + 600, "the sleep, then AGIC's request timeout"
    ingress = m.get("Ingress")
    assert ingress["spec"]["ingressClassName"] == "azure-application-gateway"
    assert ingress["metadata"]["annotations"]["appgw.ingress.kubernetes.io/health-probe-path"] == "/health"


def test_ollama_model_pulled_before_ready(render: RenderFunc) -> None:
    m = preset(render, "ollama")
    c = server(m)
    (init,) = pod(m)["initContainers"]
    assert init["name"] == "pull-model"
    assert init["image"] == c["image"] == "ollama/ollama:0.32.15", "the pull runs the image that serves"
    assert "ollama pull" in init["command"][-1]
    assert env(init)["OLLAMA_MODELS"]["value"] == "/models"
    assert init["securityContext"] == c["securityContext"], "restricted securityContext by default"
    assert mounts(init)["/models"]["name"] == mounts(c)["/models"]["name"] == "model-cache"
    cm = m.get("ConfigMap")["data"]
    assert cm["OLLAMA_MODELS"] == "/models", "the model directory is the PVC, not HOME=/tmp"
    assert ports(c) == {"http": 11434}
    model = env(init)["MODEL"]["value"]
    assert c["readinessProbe"]["httpGet"]["path"] == f"/v1/models/{model}", "404 until the pulled model exists"
    assert c["livenessProbe"]["httpGet"]["path"] == "/api/version"
    assert "nvidia.com/gpu" not in c["resources"]["limits"]
    terms = pod(m)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert {"key": "kubernetes.azure.com/accelerator", "operator": "DoesNotExist"} in terms[0]["matchExpressions"]


def test_nim_key_vault_two_gpus_long_start(render: RenderFunc) -> None:
    m = preset(render, "nim")
    c = server(m)
    assert c["image"] == "nvcr.io/nim/meta/llama-3.1-8b-instruct:2.0.9"
    assert pod(m)["imagePullSecrets"] == [{"name": "ngc-registry"}]
    assert str(c["resources"]["limits"]["nvidia.com/gpu"]) == "2"
    spc = m.get("SecretProviderClass")
    assert "objectAlias: NGC_API_KEY" in spc["spec"]["parameters"]["objects"]
    synced = spc["spec"]["secretObjects"][0]["secretName"]
    assert env(c)["NGC_API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": synced, "key": "NGC_API_KEY"}
    pvc = m.get("PersistentVolumeClaim")["spec"]
    assert (pvc["accessModes"], pvc["storageClassName"]) == (["ReadWriteMany"], "azurefile-csi-premium")
    assert mounts(c)["/opt/nim/.cache"]["name"] == "model-cache"
    assert startup_budget(c) == 7200
    assert m.get("Deployment")["spec"]["progressDeadlineSeconds"] >= startup_budget(c)
    assert c["readinessProbe"]["httpGet"]["path"] == "/v1/health/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/v1/health/live"
    assert m.get("ServiceMonitor")["spec"]["endpoints"][0]["path"] == "/v1/metrics"


@pytest.mark.parametrize("name", PRESETS)
def test_startup_budget_fits_the_progress_deadline(render: RenderFunc, name: str) -> None:
    m = preset(render, name)
    assert startup_budget(server(m)) <= m.get("Deployment")["spec"]["progressDeadlineSeconds"]


def notes(renderer: Renderer, values_file: Path) -> str:
    """NOTES.txt as `helm install --dry-run=client` prints it (helm template does not print notes). Helm 3's
    client-side dry run still asks a cluster for its version, so the notes are read with Helm 4 only."""
    if renderer.helm_major < 4:
        pytest.skip("helm 3 install --dry-run=client needs a reachable cluster; the notes are checked with helm 4")
    return renderer.notes(RenderRequest.make(values_files=[values_file]))


@pytest.mark.parametrize("name", PRESETS)
def test_notes_tell_the_truth(render: RenderFunc, renderer: Renderer, name: str) -> None:
    m = preset(render, name)
    text = notes(renderer, VALUES / f"{name}.yaml")
    assert f"Image: {server(m)['image']}" in text
    assert f"--timeout {startup_budget(server(m)) + 300}s" in text, "a --timeout above the startup budget"
    for port in m.get("Service")["spec"]["ports"]:
        assert f"{port['name']} {port['port']} -> " in text
    assert "helm test ai -n inference" in text
    if name == "triton":
        assert "triton-grpc.example.com:443" in text
        assert "Port metrics stays inside the cluster" in text
        assert "scrapes /metrics on Service port metrics" in text
    if name == "ollama":
        assert "after init containers: pull-model" in text
