"""Each feature toggle in both positions: GPU, secrets provider, ingress controller, TLS, scaling, cache, extras."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from harness.cases import CLIENT_ID, PROVIDER_OVERRIDES, TENANT_ID, WAF_POLICY_ID

if TYPE_CHECKING:
    from harness.pytest_plugin import RenderFunc
    from harness.render import Manifest, Obj

HOST = "vision.example.com"
SHM = "/dev/shm"  # noqa: S108 - the shared-memory mount, not a temp file
KV_URI = "https://roo-kv.vault.azure.net/certificates/vision"
WAF = WAF_POLICY_ID
NGINX = {"ingress.enabled": True, "ingress.controller": "nginx", "ingress.hosts": [HOST]}
AGIC = {"ingress.enabled": True, "ingress.controller": "agic", "ingress.hosts": [HOST]}
CSI = PROVIDER_OVERRIDES["csi"]
NATIVE = PROVIDER_OVERRIDES["native"]


def pod(m: Manifest) -> Obj:
    return m.get("Deployment")["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def server(m: Manifest) -> Obj:
    return next(c for c in pod(m)["containers"] if c["name"] == m.values["containerName"])


def volume(m: Manifest, **match: object) -> Obj | None:
    """The first pod volume with every given key (a value of None: any value)."""
    for v in pod(m).get("volumes", []):
        if all(k in v and (val is None or v[k] == val) for k, val in match.items()):
            return v  # type: ignore[no-any-return]
    return None


def mount(m: Manifest, path: str) -> Obj | None:
    return next((vm for vm in server(m).get("volumeMounts", []) if vm["mountPath"] == path), None)


# --- GPU ------------------------------------------------------------------------------------------------------------


def test_gpu_on(render: RenderFunc) -> None:
    m = render({"gpu.enabled": True, "gpu.count": 2, "gpu.imageTag": "v3.4.1-cuda"})
    limits = server(m)["resources"]["limits"]
    assert str(limits["nvidia.com/gpu"]) == "2"
    assert "nvidia.com/gpu" not in server(m)["resources"].get("requests", {})
    assert server(m)["image"].endswith(":v3.4.1-cuda")
    assert {"key": "sku", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"} in pod(m)["tolerations"]
    assert pod(m)["nodeSelector"]["kubernetes.azure.com/accelerator"] == "nvidia"
    assert "nodeAffinity" not in (pod(m).get("affinity") or {}), "GPU pods must not avoid GPU nodes"
    shm = volume(m, emptyDir=None, name=mount(m, SHM)["name"])  # type: ignore[index]
    assert shm is not None
    assert shm["emptyDir"] == {"medium": "Memory", "sizeLimit": "1Gi"}


def test_gpu_off(render: RenderFunc) -> None:
    m = render({"gpu.enabled": False})
    assert "nvidia.com/gpu" not in server(m)["resources"].get("limits", {})
    assert not pod(m).get("tolerations")
    assert "kubernetes.azure.com/accelerator" not in (pod(m).get("nodeSelector") or {})
    terms = pod(m)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert {"key": "kubernetes.azure.com/accelerator", "operator": "DoesNotExist"} in terms[0]["matchExpressions"]
    shm = volume(m, name=mount(m, SHM)["name"])  # type: ignore[index]
    assert shm is not None
    assert shm["emptyDir"] == {"medium": "Memory", "sizeLimit": "1Gi"}


def test_gpu_off_without_avoid_affinity(render: RenderFunc) -> None:
    m = render({"gpu.enabled": False, "gpu.avoidGpuNodes": False})
    assert "nodeAffinity" not in (pod(m).get("affinity") or {})


def test_gpu_runtime_class(render: RenderFunc) -> None:
    assert "runtimeClassName" not in pod(render({"gpu.enabled": True}))
    assert pod(render({"gpu.enabled": True, "gpu.runtimeClassName": "nvidia"}))["runtimeClassName"] == "nvidia"


# --- secrets --------------------------------------------------------------------------------------------------------


def test_native_secret(render: RenderFunc) -> None:
    m = render(NATIVE)
    secret = m.get("Secret")
    assert secret["stringData"] == {"api-key": "not-a-real-key"}
    assert "data" not in secret
    env = {e["name"]: e for e in server(m)["env"]}
    assert env["API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": secret["metadata"]["name"], "key": "api-key"}
    assert not m.by_kind("SecretProviderClass")
    labels = m.get("Deployment")["spec"]["template"]["metadata"]["labels"]
    assert "azure.workload.identity/use" not in labels
    assert "azure.workload.identity/client-id" not in (m.get("ServiceAccount")["metadata"].get("annotations") or {})


def test_native_existing_secret_renders_none(render: RenderFunc) -> None:
    m = render({"secrets.native.existingSecret": "mine", "secrets.env": {"API_KEY": "api-key"}})
    assert not m.by_kind("Secret")
    env = {e["name"]: e for e in server(m)["env"]}
    assert env["API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": "mine", "key": "api-key"}


def test_csi_key_vault(render: RenderFunc) -> None:
    m = render({**CSI, "secrets.env": {}, "secrets.csi.syncSecret.enabled": False})
    spc = m.get("SecretProviderClass")
    params = spc["spec"]["parameters"]
    assert spc["spec"]["provider"] == "azure"
    assert params["keyvaultName"] == "roo-kv"
    assert params["clientID"] == CLIENT_ID
    assert params["tenantID"] == TENANT_ID
    assert "tenantId" not in params, "tenantId is deprecated in the Azure provider"
    assert params["usePodIdentity"] == "false"
    assert "objectName: OpenAIKey" in params["objects"]
    assert "secretObjects" not in spc["spec"]
    assert not [s for s in m.by_kind("Secret") if s.get("data") or s.get("stringData")]
    sa = m.get("ServiceAccount")
    assert sa["metadata"]["annotations"]["azure.workload.identity/client-id"] == CLIENT_ID
    template = m.get("Deployment")["spec"]["template"]
    assert template["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    assert template["spec"]["serviceAccountName"] == sa["metadata"]["name"]
    csi = volume(m, csi=None)
    assert csi is not None
    assert csi["csi"]["driver"] == "secrets-store.csi.k8s.io"
    assert csi["csi"]["readOnly"] is True
    assert csi["csi"]["volumeAttributes"]["secretProviderClass"] == spc["metadata"]["name"]
    secrets_mount = mount(m, "/mnt/secrets")
    assert secrets_mount is not None
    assert secrets_mount["readOnly"] is True
    assert secrets_mount["name"] == csi["name"]


def test_csi_sync_secret_feeds_env(render: RenderFunc) -> None:
    m = render(CSI)
    spc = m.get("SecretProviderClass")
    synced = spc["spec"]["secretObjects"][0]
    assert {"objectName": "api-key", "key": "api-key"} in synced["data"]
    env = {e["name"]: e for e in server(m)["env"]}
    assert env["API_KEY"]["valueFrom"]["secretKeyRef"] == {"name": synced["secretName"], "key": "api-key"}


# --- ingress --------------------------------------------------------------------------------------------------------


def test_ingress_off(render: RenderFunc) -> None:
    assert not render({"ingress.enabled": False}).by_kind("Ingress")


def test_nginx(render: RenderFunc) -> None:
    ing = render(NGINX).get("Ingress")
    notes = ing["metadata"]["annotations"]
    assert ing["spec"]["ingressClassName"] == "webapprouting.kubernetes.azure.com"
    assert notes["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "240"
    assert notes["nginx.ingress.kubernetes.io/proxy-send-timeout"] == "240"
    assert notes["nginx.ingress.kubernetes.io/proxy-body-size"] == "64m"
    assert not [k for k in notes if k.startswith("appgw.")]
    assert not [k for k in notes if "snippet" in k], "no nginx snippet annotations by default"
    rule = ing["spec"]["rules"][0]
    assert rule["host"] == HOST
    path = rule["http"]["paths"][0]
    assert (path["path"], path["pathType"]) == ("/", "Prefix")
    assert "tls" not in ing["spec"]


def test_nginx_key_vault_tls(render: RenderFunc) -> None:
    ing = render({**NGINX, "ingress.tls.enabled": True, "ingress.tls.keyVaultUri": KV_URI}).get("Ingress")
    assert ing["metadata"]["annotations"]["kubernetes.azure.com/tls-cert-keyvault-uri"] == KV_URI
    assert ing["spec"]["tls"] == [{"hosts": [HOST], "secretName": f"keyvault-{ing['metadata']['name']}"}]


def test_nginx_tls_secret(render: RenderFunc) -> None:
    ing = render({**NGINX, "ingress.tls.enabled": True, "ingress.tls.secretName": "vision-tls"}).get("Ingress")
    assert ing["spec"]["tls"] == [{"hosts": [HOST], "secretName": "vision-tls"}]
    assert "kubernetes.azure.com/tls-cert-keyvault-uri" not in ing["metadata"]["annotations"]


def test_agic(render: RenderFunc) -> None:
    m = render({**AGIC, "ingress.agic.gatewaySku": "WAF_v2", "ingress.agic.wafPolicyId": WAF})
    ing = m.get("Ingress")
    notes = ing["metadata"]["annotations"]
    assert ing["spec"]["ingressClassName"] == "azure-application-gateway"
    assert int(notes["appgw.ingress.kubernetes.io/request-timeout"]) > 30
    assert notes["appgw.ingress.kubernetes.io/health-probe-path"] == server(m)["readinessProbe"]["httpGet"]["path"]
    assert notes["appgw.ingress.kubernetes.io/waf-policy-for-path"] == WAF
    assert notes["appgw.ingress.kubernetes.io/backend-protocol"] == "http"
    assert "appgw.ingress.kubernetes.io/ssl-redirect" not in notes
    assert not [k for k in notes if k.startswith("nginx.")]


def test_agic_tls(render: RenderFunc) -> None:
    ing = render({**AGIC, "ingress.tls.enabled": True, "ingress.tls.appGatewayCertificate": "vision-cert"}).get(
        "Ingress"
    )
    notes = ing["metadata"]["annotations"]
    assert notes["appgw.ingress.kubernetes.io/appgw-ssl-certificate"] == "vision-cert"
    assert notes["appgw.ingress.kubernetes.io/ssl-redirect"] == "true"
    assert "tls" not in ing["spec"], "AGIC ignores appgw-ssl-certificate when the Ingress has a TLS spec"


def test_ingress_extra_annotations_merge_over_defaults(render: RenderFunc) -> None:
    notes = render(
        {**NGINX, "ingress.annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "1g", "x/y": "z"}}
    ).get("Ingress")["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/proxy-body-size"] == "1g"
    assert notes["x/y"] == "z"


# --- scaling, availability, storage, extras -------------------------------------------------------------------------


def test_single_replica_has_no_pdb(render: RenderFunc) -> None:
    m = render({"replicaCount": 1})
    assert m.get("Deployment")["spec"]["replicas"] == 1
    assert not m.by_kind("PodDisruptionBudget")


def test_replicas_get_pdb_and_spread(render: RenderFunc) -> None:
    m = render({"replicaCount": 3})
    assert m.get("Deployment")["spec"]["replicas"] == 3
    assert m.get("PodDisruptionBudget")["spec"]["maxUnavailable"] == 1
    assert pod(m)["topologySpreadConstraints"]


def test_hpa(render: RenderFunc) -> None:
    m = render({"autoscaling.enabled": True, "autoscaling.minReplicas": 2, "autoscaling.maxReplicas": 6})
    hpa = m.get("HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    assert "replicas" not in m.get("Deployment")["spec"]
    assert m.by_kind("PodDisruptionBudget")


@pytest.mark.parametrize(
    ("cache", "kind"),
    [
        ({"modelCache.type": "emptyDir"}, "emptyDir"),
        ({"modelCache.type": "pvc", "strategy.type": "Recreate"}, "persistentVolumeClaim"),
        ({"modelCache.type": "existingClaim", "modelCache.existingClaim": "weights"}, "persistentVolumeClaim"),
    ],
)
def test_model_cache(render: RenderFunc, cache: dict[str, Any], kind: str) -> None:
    m = render({"modelCache.enabled": True, **cache})
    models = mount(m, "/models")
    assert models is not None
    assert volume(m, name=models["name"], **{kind: None}) is not None
    assert {"name": "HF_HOME", "value": "/models"} in server(m)["env"]
    assert bool(m.by_kind("PersistentVolumeClaim")) == (cache["modelCache.type"] == "pvc")


def test_model_cache_off(render: RenderFunc) -> None:
    m = render({"modelCache.enabled": False})
    assert mount(m, "/models") is None
    assert not m.by_kind("PersistentVolumeClaim")


@pytest.mark.parametrize("enabled", [True, False])
def test_network_policy(render: RenderFunc, enabled: bool) -> None:
    assert bool(render({"networkPolicy.enabled": enabled}).by_kind("NetworkPolicy")) == enabled


def test_network_policy_without_callers_denies_all(render: RenderFunc) -> None:
    """No ingress, no helm test, no extraFrom: an empty `from` would admit everyone, so no rule at all."""
    policy = render({"networkPolicy.enabled": True, "helmTest.enabled": False}).get("NetworkPolicy")
    assert policy["spec"]["ingress"] == []
    assert policy["spec"]["policyTypes"] == ["Ingress"]


@pytest.mark.parametrize("enabled", [True, False])
def test_service_monitor(render: RenderFunc, enabled: bool) -> None:
    m = render({"serviceMonitor.enabled": enabled})
    assert bool(m.by_kind("ServiceMonitor")) == enabled
    if enabled:
        assert "labelLimit" not in m.get("ServiceMonitor")["spec"], "the Prometheus Operator gets no Azure limits"


@pytest.mark.parametrize("enabled", [True, False])
def test_helm_test_pod(render: RenderFunc, enabled: bool) -> None:
    pods = render({"helmTest.enabled": enabled}).by_kind("Pod")
    assert bool(pods) == enabled
    if enabled:
        assert pods[0]["metadata"]["annotations"]["helm.sh/hook"] == "test"
        container = pods[0]["spec"]["containers"][0]
        assert container["image"] == "docker.io/library/busybox:1.37.0"
        for probe in ("readinessProbe", "livenessProbe"):  # AKS Deployment Safeguards probe every Pod's containers
            assert container[probe]["exec"]["command"] == ["true"], probe


@pytest.mark.parametrize("values", [{}, {"selectorLabels": {"app": "roo-vision"}}])
def test_service_never_selects_the_test_pod(render: RenderFunc, values: dict[str, Any]) -> None:
    m = render(values)
    selector = m.get("Service")["spec"]["selector"]
    labels = m.get("Pod")["metadata"]["labels"]
    assert not selector.items() <= labels.items(), f"Service selector {selector} matches the test pod {labels}"


def test_image_digest_pins_the_tag(render: RenderFunc) -> None:
    digest = "sha256:" + "a" * 64
    assert server(render({"image.tag": "v1", "image.digest": digest}))["image"] == f"roo-vision:v1@{digest}"
    assert server(render({"image.digest": digest}))["image"] == f"roo-vision@{digest}"


def test_image_tag_defaults_to_app_version(render: RenderFunc) -> None:
    assert server(render())["image"] == "roo-vision:v3.4.1"


def test_config_becomes_configmap_and_env(render: RenderFunc) -> None:
    m = render({"config": {"LOG_LEVEL": "debug", "MODEL_NAME": "phi-4"}})
    cm = m.get("ConfigMap")
    assert cm["data"] == {"LOG_LEVEL": "debug", "MODEL_NAME": "phi-4"}
    env = {e["name"]: e for e in server(m)["env"]}
    assert env["MODEL_NAME"]["valueFrom"]["configMapKeyRef"] == {"name": cm["metadata"]["name"], "key": "MODEL_NAME"}
    annotations = m.get("Deployment")["spec"]["template"]["metadata"].get("annotations") or {}
    assert any(k.startswith("checksum/") for k in annotations), "pods roll when config changes"


def test_config_change_rolls_pods(render: RenderFunc) -> None:
    def checksums(m: Manifest) -> dict[str, str]:
        notes = m.get("Deployment")["spec"]["template"]["metadata"].get("annotations") or {}
        return {k: v for k, v in notes.items() if k.startswith("checksum/")}

    assert checksums(render({"config": {"LOG_LEVEL": "debug"}})) != checksums(render({"config": {"LOG_LEVEL": "info"}}))


def test_probes_use_values(render: RenderFunc) -> None:
    c = server(render({"probes.readyPath": "/ready", "probes.livePath": "/live"}))
    assert c["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert c["startupProbe"]["httpGet"]["path"] == "/ready"
    assert c["livenessProbe"]["httpGet"]["path"] == "/live"
    assert c["startupProbe"]["failureThreshold"] * c["startupProbe"]["periodSeconds"] == 1800


def test_names_and_labels(render: RenderFunc) -> None:
    m = render(release="demo", namespace="ml")
    assert m.get("Deployment")["metadata"]["name"] == "demo-ai-inference"
    assert all(o["metadata"].get("namespace") == "ml" for o in m.objects)
    m = render({"commonLabels": {"team": "vision"}})
    assert all(o["metadata"]["labels"]["team"] == "vision" for o in m.objects)


def test_writable_home_for_arbitrary_uid(render: RenderFunc) -> None:
    env = {e["name"]: e.get("value") for e in server(render())["env"]}
    assert env["HOME"] == "/tmp"  # noqa: S108 - the writable emptyDir the chart mounts
    custom = server(render({"extraEnv": [{"name": "HOME", "value": "/home/app"}]}))["env"]
    assert [e["value"] for e in custom if e["name"] == "HOME"] == ["/home/app"], "a user's HOME replaces the default"
    cached = server(render({"modelCache.enabled": True, "extraEnv": [{"name": "HF_HOME", "value": "/hf"}]}))["env"]
    assert [e["value"] for e in cached if e["name"] == "HF_HOME"] == ["/hf"], "a user's HF_HOME replaces the default"


def test_deployment_annotations(render: RenderFunc) -> None:
    reload = {"secret.reloader.stakater.com/reload": "roo-secrets"}
    m = render({"deploymentAnnotations": reload})
    assert reload.items() <= m.get("Deployment")["metadata"]["annotations"].items()
    assert "secret.reloader.stakater.com/reload" not in (
        m.get("Deployment")["spec"]["template"]["metadata"].get("annotations") or {}
    )
