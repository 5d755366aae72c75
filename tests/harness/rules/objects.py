"""Rules on the rendered objects as a whole: labels, selectors, namespaces, availability, secrets, template hygiene."""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.manifest import ref
from harness.rules.exposure import cluster_scoped
from harness.rules.pods import SECRETISH_NAME, SECRETISH_VALUE
from harness.rules.registry import (
    api_clients,
    pod_rule,
    replicas_can_exceed_one,
    rule,
    selects,
    targeting_hpas,
    value_at,
    workload_pod_labels,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.manifest import Manifest, Obj, PodTemplate

REQUIRED_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/managed-by",
    "helm.sh/chart",
)
# Where each kind keeps the label selector of its pods (or, for a ServiceMonitor, of its Services).
SELECTOR_PATHS = {
    "Deployment": "spec.selector.matchLabels",
    "StatefulSet": "spec.selector.matchLabels",
    "DaemonSet": "spec.selector.matchLabels",
    "ReplicaSet": "spec.selector.matchLabels",
    "PodDisruptionBudget": "spec.selector.matchLabels",
    "Service": "spec.selector",
    "NetworkPolicy": "spec.podSelector.matchLabels",
    "ServiceMonitor": "spec.selector.matchLabels",
}
VOLATILE_LABELS = ("helm.sh/chart", "app.kubernetes.io/version")


# --- labels, selectors, namespaces ----------------------------------------------------------------------------------


@rule("standard-labels")
def standard_labels(manifest: Manifest) -> Iterator[str]:
    """app.kubernetes.io/{name,instance,managed-by} and helm.sh/chart on every object."""
    for obj in manifest.objects:
        missing = _missing_labels(obj.get("metadata", {}))
        if missing:
            yield f"{ref(obj)}: missing labels {missing}"


@pod_rule("standard-labels")
def pod_template_labels(pod: PodTemplate, _: Manifest) -> Iterator[str]:
    """The same labels on every workload's pod template (a bare Pod's labels are its object labels, see above)."""
    missing = _missing_labels(pod.meta)
    if missing and pod.owner["kind"] != "Pod":
        yield f"pod template: missing labels {missing}"


def _missing_labels(meta: Obj) -> list[str]:
    return [label for label in REQUIRED_LABELS if not (meta.get("labels") or {}).get(label)]


def _selectors(manifest: Manifest) -> Iterator[tuple[Obj, str, dict[str, str]]]:
    for obj in manifest.objects:
        path = SELECTOR_PATHS.get(obj["kind"])
        if path is not None:
            found = manifest.jsonpath(path, obj)
            yield obj, path, dict(found[0] or {}) if found else {}


def _selector_problems(manifest: Manifest, obj: Obj, where: str, selector: dict[str, str]) -> Iterator[str]:
    pods = workload_pod_labels(manifest)
    if obj["kind"] == "ServiceMonitor":
        services = [dict(s["metadata"].get("labels") or {}) for s in manifest.by_kind("Service")]
        if not any(selects(selector, labels) for labels in services):
            yield f"{ref(obj)}: {where} {selector} selects none of the chart's Services"
    elif obj["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}:
        labels = (obj["spec"]["template"].get("metadata") or {}).get("labels") or {}
        if not selects(selector, labels):
            yield f"{ref(obj)}: {where} {selector} is not a subset of the pod labels {labels}"
    elif pods and not any(selects(selector, labels) for labels in pods):
        yield f"{ref(obj)}: {where} {selector} selects none of the chart's pods"


@rule("selectors")
def selectors(manifest: Manifest) -> Iterator[str]:
    """Selectors are non-empty, select the chart's pods (Service/PDB/NetworkPolicy), never hold chart or version.
    kube-score service-targets-pod, deployment-has-poddisruptionbudget."""
    for obj, where, selector in _selectors(manifest):
        if not selector:
            yield f"{ref(obj)}: {where} is empty"
            continue
        for volatile in VOLATILE_LABELS:
            if volatile in selector:
                yield f"{ref(obj)}: {where} contains {volatile} (changes on every upgrade)"
        yield from _selector_problems(manifest, obj, where, selector)


@rule("service-selectors-unique")
def service_selectors_unique(manifest: Manifest) -> Iterator[str]:
    """No two Services share a selector (AKS Deployment Safeguards: unique service selectors)."""
    seen: dict[tuple[tuple[str, str], ...], str] = {}
    for svc in manifest.by_kind("Service"):
        key = tuple(sorted((svc.get("spec", {}).get("selector") or {}).items()))
        if key in seen:
            yield f"{ref(svc)}: selector {dict(key)} is the same as Service/{seen[key]}"
        seen[key] = svc["metadata"]["name"]


@rule("namespace-rendered")
def namespace_rendered(manifest: Manifest) -> Iterator[str]:
    """metadata.namespace is the release namespace on every namespaced object. CKV_K8S_21."""
    for obj in manifest.objects:
        namespace = obj.get("metadata", {}).get("namespace")
        if not cluster_scoped(str(obj["kind"])) and namespace != manifest.request.namespace:
            yield f"{ref(obj)}: metadata.namespace is {namespace!r}, want {manifest.request.namespace!r}"


@rule("no-aks-labels")
def no_aks_labels(manifest: Manifest) -> Iterator[str]:
    """No kubernetes.azure.com/* labels on objects (AKS Deployment Safeguards: reserved labels)."""
    for obj in manifest.objects:
        yield from (f"{ref(obj)}: label {key}" for key in _aks_labels(obj.get("metadata", {})))


@pod_rule("no-aks-labels")
def no_aks_pod_labels(pod: PodTemplate, _: Manifest) -> Iterator[str]:
    """Nor on pod templates."""
    yield from (f"pod template: label {key}" for key in _aks_labels(pod.meta))


def _aks_labels(meta: Obj) -> list[str]:
    return [key for key in meta.get("labels") or {} if key.startswith("kubernetes.azure.com/")]


# --- availability ---------------------------------------------------------------------------------------------------


@rule("ha-pdb-spread")
def ha_pdb_spread(manifest: Manifest) -> Iterator[str]:
    """With more than one possible replica: a PDB selects the pods, and topology spread or pod anti-affinity is set.
    kube-score deployment-has-poddisruptionbudget, deployment-has-host-podantiaffinity; AKS Deployment Safeguards
    (anti-affinity or topology spread with more than one replica)."""
    pdbs = manifest.by_kind("PodDisruptionBudget")
    pdb_selectors = [selector for pdb in pdbs for selector in manifest.jsonpath("spec.selector.matchLabels", pdb)]
    for deployment in manifest.by_kind("Deployment"):
        if not replicas_can_exceed_one(manifest, deployment):
            continue
        template = deployment["spec"]["template"]
        labels = (template.get("metadata") or {}).get("labels") or {}
        if not any(selects(selector or {}, labels) for selector in pdb_selectors):
            yield f"{ref(deployment)}: more than one replica can run but no PodDisruptionBudget selects its pods"
        spec = template["spec"]
        if not spec.get("topologySpreadConstraints") and not (spec.get("affinity") or {}).get("podAntiAffinity"):
            yield f"{ref(deployment)}: several replicas can run but no topologySpreadConstraints or podAntiAffinity"


@rule("hpa-no-replicas")
def hpa_no_replicas(manifest: Manifest) -> Iterator[str]:
    """A Deployment scaled by an HPA leaves spec.replicas out (else every upgrade resets the scale); the HPA's target
    is rendered. kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured,
    horizontalpodautoscaler-has-target."""
    for deployment in manifest.by_kind("Deployment"):
        if targeting_hpas(manifest, deployment) and "replicas" in deployment["spec"]:
            yield f"{ref(deployment)}: spec.replicas is set although an HPA scales it"
    for hpa in manifest.by_kind("HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        if not manifest.has(target.get("kind", ""), target.get("name")):
            yield f"{ref(hpa)}: scaleTargetRef {target} is not rendered"


# --- secrets and service accounts -----------------------------------------------------------------------------------


@rule("no-sa-token-automount", unless="serviceAccountToken")
def no_sa_token_service_accounts(manifest: Manifest) -> Iterator[str]:
    """The chart's ServiceAccounts do not automount their token either, but those it binds to a Role. CKV_K8S_38."""
    for sa in manifest.by_kind("ServiceAccount"):
        if sa["metadata"]["name"] in api_clients(manifest):
            continue
        if sa.get("automountServiceAccountToken") is not False:
            yield f"{ref(sa)}: automountServiceAccountToken is not false"


@rule("no-secret-material-csi")
def no_secret_material_csi(manifest: Manifest) -> Iterator[str]:
    """In csi mode no Secret carries data (Key Vault is the only source); synced Secrets are created by the driver."""
    if value_at(manifest.values, "secrets.provider") != "csi":
        return
    for secret in manifest.by_kind("Secret"):
        if secret.get("data") or secret.get("stringData"):
            yield f"{ref(secret)}: holds secret material in csi mode"


@rule("no-literal-secret-env")
def no_secret_config(manifest: Manifest) -> Iterator[str]:
    """No ConfigMap entry looks like a secret (the container env part is in harness.rules.pods)."""
    for cm in manifest.by_kind("ConfigMap"):
        for key, value in (cm.get("data") or {}).items():
            if (SECRETISH_NAME.search(key) and value) or SECRETISH_VALUE.search(str(value)):
                yield f"{ref(cm)}: data.{key} looks like a secret"


# --- template hygiene -----------------------------------------------------------------------------------------------


def _null_paths(node: object, path: str) -> Iterator[str]:
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        where = f"{path}.{key}" if isinstance(node, dict) else f"{path}[{key}]"
        if value is None:
            yield where
        else:
            yield from _null_paths(value, where)


@rule("no-null-fields")
def no_null_fields(manifest: Manifest) -> Iterator[str]:
    """No field renders as null (an empty template expression, e.g. `targetPort: {{ .Values.missing }}`)."""
    for obj in manifest.objects:
        yield from (f"{ref(obj)}: {path.lstrip('.')} is null" for path in _null_paths(obj, ""))


@rule("service-target-port")
def service_target_port(manifest: Manifest) -> Iterator[str]:
    """Service ports target a named port (or number) that the selected pods expose. kube-score service-targets-pod."""
    for svc in manifest.by_kind("Service"):
        selector = svc["spec"].get("selector") or {}
        ports = [
            port
            for pod in manifest.pod_templates()
            if pod.owner["kind"] != "Pod" and selects(selector, pod.meta.get("labels") or {})
            for port in manifest.jsonpath("containers[*].ports[*]", pod.spec)
        ]
        for port in svc["spec"].get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            if isinstance(target, str) and target not in {p.get("name") for p in ports}:
                yield f"{ref(svc)}: targetPort {target!r} is not a named port of the selected pods"
            if isinstance(target, int) and target not in {p.get("containerPort") for p in ports}:
                yield f"{ref(svc)}: targetPort {target} is not a container port of the selected pods"
