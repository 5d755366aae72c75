"""values/roo-vision*.yaml reproduce the roo-vision reference app field by field.

roo-vision is the reference deployment the chart is measured against: a vision model server with its Deployment,
Service, Ingress, ConfigMap and Secret, a Key Vault variant (Secrets Store CSI driver) and a GPU variant (a GPU node
pool tainted `sku=gpu:NoSchedule`). Its object names, image, ports, resources, host and example values are written
down below as constants; the values files must render exactly those.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest
from harness.paths import VALUES_DIR
from harness.render import RenderRequest

if TYPE_CHECKING:
    from harness.render import Manifest, Obj, Renderer

# --- the roo-vision reference app -----------------------------------------------------------------------------
APP_LABEL = {"app": "roo-vision"}
DEPLOYMENT = "roo-vision"
REPLICAS = 3
CONTAINER = "vision"
IMAGE = "roo.azurecr.io/roo-vision:v3.4.1"
CONTAINER_PORT = 8000
REQUESTS = {"cpu": "500m", "memory": "1Gi"}
LIMITS = {"cpu": "1", "memory": "2Gi"}
CONFIGMAP = "roo-config"
CONFIG_DATA = {"LOG_LEVEL": "info", "MODEL_NAME": "phi-4-mini"}
SECRET = "roo-secrets"  # noqa: S105 - a Secret object name
SECRET_KEY = "openai-key"  # noqa: S105 - a key name
SECRET_DATA_B64 = "c2stMTIzNDU2Nzg="  # noqa: S105 - the reference app's example value (base64)
ENV_FROM_CONFIGMAP = ("LOG_LEVEL", CONFIGMAP, "LOG_LEVEL")
ENV_FROM_SECRET = ("OPENAI_API_KEY", SECRET, SECRET_KEY)
SERVICE = "roo-vision-svc"
SERVICE_PORT = 80
SERVICE_TYPE = "ClusterIP"
INGRESS = "roo-vision-ing"
INGRESS_CLASS = (
    "webapprouting.kubernetes.azure.com"  # the reference app's (deprecated) kubernetes.io/ingress.class value
)
HOST = "vision.roo-robotics.com"
TLS_SECRET = "roo-vision-tls"  # noqa: S105 - a Secret object name
# Secrets Store CSI section
SPC = "roo-kv-secrets"
KEYVAULT = "roo-kv"
KV_OBJECT = ("OpenAIKey", "secret")
CSI_DRIVER = "secrets-store.csi.k8s.io"
SECRETS_MOUNT = "/mnt/secrets"
# GPU node pool section
GPU_IMAGE = "roo.azurecr.io/roo-vision:v3.4.1-cuda"
GPU_TOLERATION = {"key": "sku", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}
GPU_NODE_SELECTOR = {"accelerator": "nvidia-tesla-v100"}
GPU_LIMIT = ("nvidia.com/gpu", "1")
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["roo-vision", "roo-vision-csi", "roo-vision-gpu"])
def reference(request: pytest.FixtureRequest, renderer: Renderer) -> tuple[str, Manifest]:
    name = str(request.param)
    return name, renderer.render(RenderRequest.make(values_files=[VALUES_DIR / f"{name}.yaml"]))


def server(m: Manifest) -> Obj:
    containers = m.get("Deployment", DEPLOYMENT)["spec"]["template"]["spec"]["containers"]
    return next(c for c in containers if c["name"] == CONTAINER)


def env_map(m: Manifest) -> dict[str, Any]:
    return {e["name"]: e for e in server(m).get("env", [])}


def quantities(resources: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in resources.items()}


def test_reference_values_files_exist() -> None:
    for name in ("roo-vision", "roo-vision-csi", "roo-vision-gpu"):
        assert (VALUES_DIR / f"{name}.yaml").is_file(), name


def test_deployment(reference: tuple[str, Manifest]) -> None:
    name, m = reference
    deployment = m.get("Deployment", DEPLOYMENT)
    assert deployment["spec"]["selector"]["matchLabels"] == APP_LABEL
    assert deployment["spec"]["template"]["metadata"]["labels"].items() >= APP_LABEL.items()
    if name != "roo-vision-gpu":  # the GPU variant sets no replica count; the GPU file runs one pod
        assert deployment["spec"]["replicas"] == REPLICAS
    container = server(m)
    assert container["image"] == (GPU_IMAGE if name == "roo-vision-gpu" else IMAGE)
    assert [p["containerPort"] for p in container["ports"]] == [CONTAINER_PORT]
    resources = container["resources"]
    assert quantities(resources["requests"]) == REQUESTS
    limits = quantities(resources["limits"])
    assert {k: limits[k] for k in LIMITS} == LIMITS
    env, key_name, key = ENV_FROM_CONFIGMAP
    assert env_map(m)[env]["valueFrom"]["configMapKeyRef"] == {"name": key_name, "key": key}


def test_configmap(reference: tuple[str, Manifest]) -> None:
    _, m = reference
    assert m.get("ConfigMap", CONFIGMAP)["data"] == CONFIG_DATA


def test_service(reference: tuple[str, Manifest]) -> None:
    _, m = reference
    spec = m.get("Service", SERVICE)["spec"]
    assert spec["selector"] == APP_LABEL
    assert spec.get("type", "ClusterIP") == SERVICE_TYPE
    assert [(p["port"], p["targetPort"]) for p in spec["ports"]] == [(SERVICE_PORT, CONTAINER_PORT)]


def test_ingress(reference: tuple[str, Manifest]) -> None:
    _, m = reference
    spec = m.get("Ingress", INGRESS)["spec"]
    assert spec["ingressClassName"] == INGRESS_CLASS
    [rule] = spec["rules"]
    assert rule["host"] == HOST
    [path] = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/", "Prefix")
    assert path["backend"]["service"] == {"name": SERVICE, "port": {"number": SERVICE_PORT}}
    assert spec["tls"] == [{"hosts": [HOST], "secretName": TLS_SECRET}]


@pytest.mark.parametrize("name", ["roo-vision", "roo-vision-gpu"])
def test_native_secret(renderer: Renderer, name: str) -> None:
    m = renderer.render(RenderRequest.make(values_files=[VALUES_DIR / f"{name}.yaml"]))
    secret = m.get("Secret", SECRET)
    assert secret.get("type", "Opaque") == "Opaque"
    value = secret.get("stringData", {}).get(SECRET_KEY)
    if value is None:
        value = base64.b64decode(secret["data"][SECRET_KEY]).decode()
    assert value == base64.b64decode(SECRET_DATA_B64).decode()
    env, secret_name, key = ENV_FROM_SECRET
    assert env_map(m)[env]["valueFrom"]["secretKeyRef"] == {"name": secret_name, "key": key}


def test_csi_variant(renderer: Renderer) -> None:
    m = renderer.render(RenderRequest.make(values_files=[VALUES_DIR / "roo-vision-csi.yaml"]))
    spc = m.get("SecretProviderClass", SPC)
    params = spc["spec"]["parameters"]
    assert spc["spec"]["provider"] == "azure"
    assert params["keyvaultName"] == KEYVAULT
    assert (params["usePodIdentity"], params["useVMManagedIdentity"]) == ("false", "false")
    object_name, object_type = KV_OBJECT
    assert f"objectName: {object_name}" in params["objects"]
    assert f"objectType: {object_type}" in params["objects"]
    spec = m.get("Deployment", DEPLOYMENT)["spec"]["template"]["spec"]
    [volume] = [v for v in spec["volumes"] if "csi" in v]
    assert volume["csi"] == {"driver": CSI_DRIVER, "readOnly": True, "volumeAttributes": {"secretProviderClass": SPC}}
    [mount] = [vm for vm in server(m)["volumeMounts"] if vm["name"] == volume["name"]]
    assert (mount["mountPath"], mount.get("readOnly")) == (SECRETS_MOUNT, True)
    assert not m.has("Secret", SECRET), "the key lives only in Key Vault"


def test_gpu_variant(renderer: Renderer) -> None:
    m = renderer.render(RenderRequest.make(values_files=[VALUES_DIR / "roo-vision-gpu.yaml"]))
    spec = m.get("Deployment", DEPLOYMENT)["spec"]["template"]["spec"]
    assert GPU_TOLERATION in spec["tolerations"]
    assert spec["nodeSelector"] == GPU_NODE_SELECTOR
    resource, count = GPU_LIMIT
    assert str(server(m)["resources"]["limits"][resource]) == count
    assert resource not in server(m)["resources"]["requests"]
    assert server(m)["image"] == GPU_IMAGE
