"""Security and reliability rules applied to every render (style-security.md B.9, Pod Security "restricted",
AKS Deployment Safeguards).

Each rule is a small named function `(Manifest) -> Iterator[str]` that yields one message per violation, naming the
object (`Kind/name`) and, where it applies, the container. A deliberate deviation is accepted only when the values
opt into it explicitly (`allowed_deviations`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from harness.render import Manifest, Obj

RULES: dict[str, Callable[[Manifest], Iterator[str]]] = {}

# Pod Security restricted: volume sources allowed inline (pod-security-admission check_restrictedVolumes.go)
ALLOWED_VOLUME_TYPES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "image",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
# Pod Security baseline: safe sysctls (check_sysctls.go, policy v1.32)
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    }
)
# AKS Deployment Safeguards: readiness and liveness probes on every container of every Pod (policy kind Pod, so helm
# test pods too), each with one of these handlers; init containers are not checked, grpc does not count
# (Azure/azure-policy samples/KubernetesService/container-enforce-probes/template.yaml, initiative requiredProbes).
SAFEGUARD_PROBES = ("readinessProbe", "livenessProbe")
SAFEGUARD_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket")
ALLOWED_SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
REQUIRED_LABELS = (
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/managed-by",
    "helm.sh/chart",
)
CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "PriorityClass",
        "StorageClass",
        "IngressClass",
        "PersistentVolume",
        "RuntimeClass",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
    }
)
SECRETISH_NAME = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|CONN(ECTION)?_?STR)", re.I
)
# `*_FILE=/mnt/secrets/x` names where a secret is, not the secret
FILE_REFERENCE = re.compile(r"_(FILE|PATH|DIR)$", re.I)
SECRETISH_VALUE = re.compile(
    r"(^sk-[A-Za-z0-9_-]{6,}|^gh[pousr]_[A-Za-z0-9]{20,}|^hf_[A-Za-z0-9]{20,}|AccountKey=|SharedAccessKey=|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|^eyJ[A-Za-z0-9_-]{10,}\.)"
)


def rule(name: str) -> Callable[[Callable[[Manifest], Iterator[str]]], Callable[[Manifest], Iterator[str]]]:
    """Register a rule under `name` (the name appears in test ids and failure messages)."""

    def register(func: Callable[[Manifest], Iterator[str]]) -> Callable[[Manifest], Iterator[str]]:
        RULES[name] = func
        return func

    return register


def check(manifest: Manifest, name: str) -> list[str]:
    """Run one rule; messages are prefixed with the rule name."""
    return [f"[{name}] {msg}" for msg in RULES[name](manifest)]


# --- helpers -------------------------------------------------------------------------------------------------------


def ref(obj: Obj) -> str:
    """`Kind/name` of an object."""
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def containers(spec: Obj) -> Iterator[tuple[str, Obj]]:
    """`(section, container)` for containers, init containers and ephemeral containers of a pod spec."""
    for section in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(section) or []:
            yield section, container


def value_at(values: dict[str, Any], dotted: str, default: object = None) -> Any:  # noqa: ANN401 - values are free-form
    """A merged values entry by dotted path."""
    node: Any = values
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node


def allowed_deviations(manifest: Manifest) -> set[str]:
    """Deviations the values opt into explicitly (each documented in values.yaml)."""
    values = manifest.values
    allowed: set[str] = set()
    if value_at(values, "securityContext.readOnlyRootFilesystem") is False:
        allowed.add("read-only-root-fs")  # NVIDIA CDI hook setups (values.yaml securityContext comment)
    if value_at(values, "serviceAccount.automountToken") is True:
        allowed.add("no-sa-token-automount")
    return allowed


def pod_label_sets(manifest: Manifest) -> list[tuple[Obj, dict[str, str]]]:
    """`(workload, pod template labels)` of the chart's workloads (not helm test pods)."""
    return [
        (owner, dict(meta.get("labels") or {})) for owner, meta, _ in manifest.pod_templates() if owner["kind"] != "Pod"
    ]


def is_test_hook(obj: Obj) -> bool:
    """A `helm test` hook object."""
    hooks = str((obj.get("metadata", {}).get("annotations") or {}).get("helm.sh/hook", ""))
    return "test" in hooks.split(",")


def image_reference(image: str) -> tuple[str, str, str]:
    """Split an image reference into (repository, tag, digest); missing parts are empty."""
    digest = ""
    if "@" in image:
        image, digest = image.split("@", 1)
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    repository = image[: len(image) - len(tag) - 1] if tag else image
    return repository, tag, digest


def effective(container: Obj, pod: Obj, key: str) -> object:
    """A securityContext field as the kubelet sees it: the container's, else the pod's."""
    csc = container.get("securityContext") or {}
    if key in csc:
        return csc[key]
    return (pod.get("securityContext") or {}).get(key)


def replicas_can_exceed_one(manifest: Manifest, deployment: Obj) -> bool:
    """More than one pod can run: replicas >= 2, an HPA targets the Deployment, or a ScaledObject up to 2 or more."""
    for scaler in targeting_autoscalers(manifest, deployment):
        if scaler["kind"] == "HorizontalPodAutoscaler" or int(scaler["spec"].get("maxReplicaCount", 100)) >= 2:
            return True
    return int(deployment.get("spec", {}).get("replicas", 1)) >= 2


def targeting_autoscalers(manifest: Manifest, workload: Obj) -> list[Obj]:
    """HPAs and KEDA ScaledObjects whose scaleTargetRef names `workload` (a ScaledObject's kind defaults to
    Deployment)."""
    scaled = [
        so
        for so in manifest.by_kind("ScaledObject")
        if so["spec"]["scaleTargetRef"].get("kind", "Deployment") == workload["kind"]
        and so["spec"]["scaleTargetRef"].get("name") == workload["metadata"]["name"]
    ]
    return targeting_hpas(manifest, workload) + scaled


def targeting_hpas(manifest: Manifest, workload: Obj) -> list[Obj]:
    """HPAs whose scaleTargetRef names `workload`."""
    return [
        hpa
        for hpa in manifest.by_kind("HorizontalPodAutoscaler")
        if hpa["spec"]["scaleTargetRef"].get("kind") == workload["kind"]
        and hpa["spec"]["scaleTargetRef"].get("name") == workload["metadata"]["name"]
    ]


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    """A matchLabels selector matches `labels`."""
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


# --- Pod Security Standards (restricted) ------------------------------------------------------------------------------


@rule("pss-allow-privilege-escalation")
def allow_privilege_escalation(manifest: Manifest) -> Iterator[str]:
    """Every container sets `allowPrivilegeEscalation: false` explicitly (nil fails restricted)."""
    for owner, _, spec in manifest.pod_templates():
        for section, c in containers(spec):
            if (c.get("securityContext") or {}).get("allowPrivilegeEscalation") is not False:
                yield f"{ref(owner)} {section}/{c['name']}: securityContext.allowPrivilegeEscalation must be false"


@rule("pss-run-as-non-root")
def run_as_non_root(manifest: Manifest) -> Iterator[str]:
    """runAsNonRoot true (pod or every container) and no runAsUser 0."""
    for owner, _, spec in manifest.pod_templates():
        if (spec.get("securityContext") or {}).get("runAsUser") == 0:
            yield f"{ref(owner)}: spec.securityContext.runAsUser is 0"
        for section, c in containers(spec):
            if effective(c, spec, "runAsNonRoot") is not True:
                yield f"{ref(owner)} {section}/{c['name']}: runAsNonRoot is not true (pod or container)"
            if (c.get("securityContext") or {}).get("runAsUser") == 0:
                yield f"{ref(owner)} {section}/{c['name']}: securityContext.runAsUser is 0"


@rule("pss-capabilities")
def capabilities(manifest: Manifest) -> Iterator[str]:
    """capabilities.drop includes ALL; add is empty or only NET_BIND_SERVICE."""
    for owner, _, spec in manifest.pod_templates():
        for section, c in containers(spec):
            caps = (c.get("securityContext") or {}).get("capabilities") or {}
            if "ALL" not in (caps.get("drop") or []):
                yield f"{ref(owner)} {section}/{c['name']}: capabilities.drop must include ALL, got {caps.get('drop')}"
            extra = set(caps.get("add") or []) - {"NET_BIND_SERVICE"}
            if extra:
                yield f"{ref(owner)} {section}/{c['name']}: capabilities.add {sorted(extra)} beyond NET_BIND_SERVICE"


@rule("pss-seccomp")
def seccomp(manifest: Manifest) -> Iterator[str]:
    """Effective seccomp profile RuntimeDefault on every container."""
    for owner, _, spec in manifest.pod_templates():
        pod_type = ((spec.get("securityContext") or {}).get("seccompProfile") or {}).get("type")
        for section, c in containers(spec):
            own = ((c.get("securityContext") or {}).get("seccompProfile") or {}).get("type")
            kind = own or pod_type
            if kind != "RuntimeDefault":
                yield f"{ref(owner)} {section}/{c['name']}: seccompProfile.type is {kind!r}, want RuntimeDefault"


@rule("pss-privileged")
def privileged(manifest: Manifest) -> Iterator[str]:
    """No privileged containers, no Windows HostProcess."""
    for owner, _, spec in manifest.pod_templates():
        if ((spec.get("securityContext") or {}).get("windowsOptions") or {}).get("hostProcess"):
            yield f"{ref(owner)}: windowsOptions.hostProcess"
        for section, c in containers(spec):
            sc = c.get("securityContext") or {}
            if sc.get("privileged"):
                yield f"{ref(owner)} {section}/{c['name']}: privileged"
            if (sc.get("windowsOptions") or {}).get("hostProcess"):
                yield f"{ref(owner)} {section}/{c['name']}: windowsOptions.hostProcess"


@rule("pss-host-namespaces-ports")
def host_namespaces(manifest: Manifest) -> Iterator[str]:
    """No hostNetwork, hostPID, hostIPC, hostPort."""
    for owner, _, spec in manifest.pod_templates():
        for field in ("hostNetwork", "hostPID", "hostIPC"):
            if spec.get(field):
                yield f"{ref(owner)}: spec.{field} is set"
        for section, c in containers(spec):
            for port in c.get("ports") or []:
                if port.get("hostPort"):
                    yield f"{ref(owner)} {section}/{c['name']}: hostPort {port['hostPort']}"


@rule("pss-volume-types")
def volume_types(manifest: Manifest) -> Iterator[str]:
    """Only the volume types restricted allows (no hostPath, no inline azureFile/azureDisk/nfs)."""
    for owner, _, spec in manifest.pod_templates():
        for volume in spec.get("volumes") or []:
            kinds = set(volume) - {"name"}
            bad = kinds - ALLOWED_VOLUME_TYPES
            if bad:
                yield f"{ref(owner)}: volume {volume['name']} uses {sorted(bad)}"


@rule("pss-no-overrides")
def no_overrides(manifest: Manifest) -> Iterator[str]:  # noqa: PLR0912 - one branch per PSS control
    """No procMount, unsafe sysctls, SELinux user/role/type overrides, AppArmor Unconfined, probe host overrides."""
    for owner, meta, spec in manifest.pod_templates():
        psc = spec.get("securityContext") or {}
        for sysctl in psc.get("sysctls") or []:
            if sysctl.get("name") not in SAFE_SYSCTLS:
                yield f"{ref(owner)}: unsafe sysctl {sysctl.get('name')}"
        for key, value in (meta.get("annotations") or {}).items():
            if key.startswith("container.apparmor.security.beta.kubernetes.io/") and not (
                value == "runtime/default" or str(value).startswith("localhost/")
            ):
                yield f"{ref(owner)}: AppArmor annotation {key}={value}"
        scopes: list[tuple[str, Obj]] = [("pod", psc)]
        scopes += [(f"{s}/{c['name']}", c.get("securityContext") or {}) for s, c in containers(spec)]
        for where, sc in scopes:
            if sc.get("procMount") not in (None, "Default"):
                yield f"{ref(owner)} {where}: procMount {sc['procMount']}"
            selinux = sc.get("seLinuxOptions") or {}
            if selinux.get("user") or selinux.get("role") or selinux.get("type", "") not in ALLOWED_SELINUX_TYPES:
                yield f"{ref(owner)} {where}: seLinuxOptions {selinux}"
            apparmor = (sc.get("appArmorProfile") or {}).get("type")
            if apparmor not in (None, "RuntimeDefault", "Localhost"):
                yield f"{ref(owner)} {where}: appArmorProfile {apparmor}"
        for section, c in containers(spec):
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                handler = c.get(probe) or {}
                for action in ("httpGet", "tcpSocket"):
                    if (handler.get(action) or {}).get("host"):
                        yield f"{ref(owner)} {section}/{c['name']}: {probe}.{action}.host is set"


# --- hardening beyond PSS -------------------------------------------------------------------------------------------


@rule("read-only-root-fs")
def read_only_root_fs(manifest: Manifest) -> Iterator[str]:
    """readOnlyRootFilesystem true on every container (opt-out: securityContext.readOnlyRootFilesystem=false)."""
    if "read-only-root-fs" in allowed_deviations(manifest):
        return
    for owner, _, spec in manifest.pod_templates():
        for section, c in containers(spec):
            if (c.get("securityContext") or {}).get("readOnlyRootFilesystem") is not True:
                yield f"{ref(owner)} {section}/{c['name']}: readOnlyRootFilesystem is not true"


@rule("no-sa-token-automount")
def no_sa_token(manifest: Manifest) -> Iterator[str]:
    """automountServiceAccountToken false on every pod (opt-in: serviceAccount.automountToken=true)."""
    if "no-sa-token-automount" in allowed_deviations(manifest):
        return
    for owner, _, spec in manifest.pod_templates():
        if spec.get("automountServiceAccountToken") is not False:
            yield f"{ref(owner)}: spec.automountServiceAccountToken is not false"
    for sa in manifest.by_kind("ServiceAccount"):
        if sa.get("automountServiceAccountToken") is not False:
            yield f"{ref(sa)}: automountServiceAccountToken is not false"


@rule("resources")
def resources(manifest: Manifest) -> Iterator[str]:
    """cpu and memory requests and limits on every container; GPUs only as limits."""
    gpu_resource = str(value_at(manifest.values, "gpu.resourceName", "nvidia.com/gpu"))
    for owner, _, spec in manifest.pod_templates():
        for section, c in containers(spec):
            res = c.get("resources") or {}
            for part in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in (res.get(part) or {}):
                        yield f"{ref(owner)} {section}/{c['name']}: no {resource} in resources.{part}"
            for gpu in {gpu_resource, "nvidia.com/gpu", "amd.com/gpu"}:
                if gpu in (res.get("requests") or {}):
                    yield f"{ref(owner)} {section}/{c['name']}: {gpu} in resources.requests (GPUs go in limits only)"


@rule("probes")
def probes(manifest: Manifest) -> Iterator[str]:  # noqa: PLR0912 - one branch per probe property
    """readiness and liveness probes on every container of every pod, helm test pods included (AKS Deployment
    Safeguards); a startup probe too on the server container; liveness != readiness; probe ports exist."""
    server = str(value_at(manifest.values, "containerName", "server"))
    for owner, _, spec in manifest.pod_templates():
        for c in spec.get("containers") or []:
            ports = c.get("ports") or []
            names = {p.get("name") for p in ports}
            numbers = {p.get("containerPort") for p in ports}
            for p in ports:
                if not p.get("name"):
                    yield f"{ref(owner)} container/{c['name']}: port {p.get('containerPort')} has no name"
            for probe in SAFEGUARD_PROBES:
                if not any(action in (c.get(probe) or {}) for action in SAFEGUARD_PROBE_HANDLERS):
                    yield f"{ref(owner)} container/{c['name']}: no {probe} with {'/'.join(SAFEGUARD_PROBE_HANDLERS)}"
            if c["name"] == server and owner["kind"] != "Pod":
                for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                    if not c.get(probe):
                        yield f"{ref(owner)} container/{server}: no {probe}"
                if c.get("livenessProbe") and c.get("livenessProbe") == c.get("readinessProbe"):
                    yield f"{ref(owner)} container/{server}: livenessProbe is identical to readinessProbe"
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                handler = c.get(probe) or {}
                for action in ("httpGet", "tcpSocket", "grpc"):
                    if action not in handler:
                        continue
                    port = handler[action].get("port")
                    if isinstance(port, str) and port not in names:
                        where = f"{ref(owner)} container/{c['name']}"
                        yield f"{where}: {probe} port {port!r} is not a named port {sorted(names)}"
                    if isinstance(port, int) and action != "grpc":  # a gRPC probe takes a number only
                        yield f"{ref(owner)} container/{c['name']}: {probe} uses port number {port}; use the port name"
                    if port is None or (isinstance(port, int) and port not in numbers):
                        yield f"{ref(owner)} container/{c['name']}: {probe} port {port!r} is not a container port"


@rule("image-pinned")
def image_pinned(manifest: Manifest) -> Iterator[str]:
    """Every image has a tag or digest, and the tag is never `latest`."""
    for owner, _, spec in manifest.pod_templates():
        for section, c in containers(spec):
            image = str(c.get("image") or "")
            _, tag, digest = image_reference(image)
            if not tag and not digest:
                yield f"{ref(owner)} {section}/{c['name']}: image {image!r} has neither tag nor digest"
            if tag == "latest":
                yield f"{ref(owner)} {section}/{c['name']}: image {image!r} uses the latest tag"
            if digest and not re.fullmatch(r"sha256:[a-f0-9]{64}", digest):
                yield f"{ref(owner)} {section}/{c['name']}: image {image!r} has a malformed digest"


# --- labels, selectors, namespaces ----------------------------------------------------------------------------------


@rule("standard-labels")
def standard_labels(manifest: Manifest) -> Iterator[str]:
    """app.kubernetes.io/{name,instance,managed-by} and helm.sh/chart on every object and pod template."""
    for obj in manifest.objects:
        labels = obj.get("metadata", {}).get("labels") or {}
        missing = [label for label in REQUIRED_LABELS if not labels.get(label)]
        if missing:
            yield f"{ref(obj)}: missing labels {missing}"
    for owner, meta, _ in manifest.pod_templates():
        if owner["kind"] == "Pod":
            continue
        labels = meta.get("labels") or {}
        missing = [label for label in REQUIRED_LABELS if not labels.get(label)]
        if missing:
            yield f"{ref(owner)} pod template: missing labels {missing}"


def _selectors(manifest: Manifest) -> Iterator[tuple[Obj, str, dict[str, str]]]:
    for obj in manifest.objects:
        kind, spec = obj["kind"], obj.get("spec") or {}
        if kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "PodDisruptionBudget"}:
            yield obj, "spec.selector.matchLabels", dict((spec.get("selector") or {}).get("matchLabels") or {})
        elif kind == "Service":
            yield obj, "spec.selector", dict(spec.get("selector") or {})
        elif kind == "NetworkPolicy":
            yield obj, "spec.podSelector.matchLabels", dict((spec.get("podSelector") or {}).get("matchLabels") or {})
        elif kind == "ServiceMonitor":
            yield obj, "spec.selector.matchLabels", dict((spec.get("selector") or {}).get("matchLabels") or {})


@rule("selectors")
def selectors(manifest: Manifest) -> Iterator[str]:
    """Selectors are non-empty, select the chart's pods (Service/PDB/NetworkPolicy), never hold chart or version."""
    pods = pod_label_sets(manifest)
    services = {s["metadata"]["name"]: dict(s["metadata"].get("labels") or {}) for s in manifest.by_kind("Service")}
    for obj, where, selector in _selectors(manifest):
        if not selector:
            yield f"{ref(obj)}: {where} is empty"
            continue
        for volatile in ("helm.sh/chart", "app.kubernetes.io/version"):
            if volatile in selector:
                yield f"{ref(obj)}: {where} contains {volatile} (changes on every upgrade)"
        if obj["kind"] == "ServiceMonitor":
            if not any(selects(selector, labels) for labels in services.values()):
                yield f"{ref(obj)}: {where} {selector} selects none of the chart's Services"
            continue
        if obj["kind"] in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}:
            labels = (obj["spec"]["template"].get("metadata") or {}).get("labels") or {}
            if not selects(selector, labels):
                yield f"{ref(obj)}: {where} {selector} is not a subset of the pod labels {labels}"
        elif pods and not any(selects(selector, labels) for _, labels in pods):
            yield f"{ref(obj)}: {where} {selector} selects none of the chart's pods"


@rule("service-selectors-unique")
def service_selectors_unique(manifest: Manifest) -> Iterator[str]:
    """No two Services share a selector (AKS Deployment Safeguards)."""
    seen: dict[tuple[tuple[str, str], ...], str] = {}
    for svc in manifest.by_kind("Service"):
        key = tuple(sorted((svc.get("spec", {}).get("selector") or {}).items()))
        if key in seen:
            yield f"{ref(svc)}: selector {dict(key)} is the same as Service/{seen[key]}"
        seen[key] = svc["metadata"]["name"]


@rule("namespace-rendered")
def namespace_rendered(manifest: Manifest) -> Iterator[str]:
    """metadata.namespace is the release namespace on every namespaced object."""
    for obj in manifest.objects:
        if obj["kind"] in CLUSTER_SCOPED:
            continue
        namespace = obj.get("metadata", {}).get("namespace")
        if namespace != manifest.request.namespace:
            yield f"{ref(obj)}: metadata.namespace is {namespace!r}, want {manifest.request.namespace!r}"


@rule("no-aks-labels")
def no_aks_labels(manifest: Manifest) -> Iterator[str]:
    """No kubernetes.azure.com/* labels on objects or pod templates (AKS Deployment Safeguards)."""
    for obj in manifest.objects:
        for key in obj.get("metadata", {}).get("labels") or {}:
            if key.startswith("kubernetes.azure.com/"):
                yield f"{ref(obj)}: label {key}"
    for owner, meta, _ in manifest.pod_templates():
        for key in meta.get("labels") or {}:
            if key.startswith("kubernetes.azure.com/"):
                yield f"{ref(owner)} pod template: label {key}"


# --- availability ---------------------------------------------------------------------------------------------------


@rule("ha-pdb-spread")
def ha_pdb_spread(manifest: Manifest) -> Iterator[str]:
    """With more than one possible replica: a PDB selects the pods, and topology spread or pod anti-affinity is set."""
    pdbs = manifest.by_kind("PodDisruptionBudget")
    for deployment in manifest.by_kind("Deployment"):
        if not replicas_can_exceed_one(manifest, deployment):
            continue
        template = deployment["spec"]["template"]
        labels = (template.get("metadata") or {}).get("labels") or {}
        if not any(selects((p["spec"].get("selector") or {}).get("matchLabels") or {}, labels) for p in pdbs):
            yield f"{ref(deployment)}: more than one replica can run but no PodDisruptionBudget selects its pods"
        spec = template["spec"]
        anti = (spec.get("affinity") or {}).get("podAntiAffinity")
        if not spec.get("topologySpreadConstraints") and not anti:
            yield f"{ref(deployment)}: several replicas can run but no topologySpreadConstraints or podAntiAffinity"


@rule("hpa-no-replicas")
def hpa_no_replicas(manifest: Manifest) -> Iterator[str]:
    """A Deployment scaled by an HPA leaves spec.replicas out (else every upgrade resets the scale)."""
    for deployment in manifest.by_kind("Deployment"):
        if targeting_hpas(manifest, deployment) and "replicas" in deployment["spec"]:
            yield f"{ref(deployment)}: spec.replicas is set although an HPA scales it"
    for hpa in manifest.by_kind("HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        if not manifest.has(target.get("kind", ""), target.get("name")):
            yield f"{ref(hpa)}: scaleTargetRef {target} is not rendered"


# --- secrets --------------------------------------------------------------------------------------------------------


@rule("no-secret-material-csi")
def no_secret_material_csi(manifest: Manifest) -> Iterator[str]:
    """In csi mode no Secret carries data (Key Vault is the only source); synced Secrets are created by the driver."""
    if value_at(manifest.values, "secrets.provider") != "csi":
        return
    for secret in manifest.by_kind("Secret"):
        if secret.get("data") or secret.get("stringData"):
            yield f"{ref(secret)}: holds secret material in csi mode"


@rule("no-literal-secret-env")
def no_literal_secret_env(manifest: Manifest) -> Iterator[str]:
    """No literal secret-looking env values or ConfigMap entries; secrets come by secretKeyRef or file."""
    for owner, _, spec in manifest.pod_templates():
        for section, c in containers(spec):
            for env in c.get("env") or []:
                if "value" not in env:
                    continue
                value = str(env.get("value") or "")
                names_a_file = FILE_REFERENCE.search(env["name"]) and value.startswith("/")
                if (SECRETISH_NAME.search(env["name"]) and value and not names_a_file) or SECRETISH_VALUE.search(value):
                    yield f"{ref(owner)} {section}/{c['name']}: env {env['name']} has a literal secret-looking value"
    for cm in manifest.by_kind("ConfigMap"):
        for key, value in (cm.get("data") or {}).items():
            if (SECRETISH_NAME.search(key) and value) or SECRETISH_VALUE.search(str(value)):
                yield f"{ref(cm)}: data.{key} looks like a secret"


# --- template hygiene -----------------------------------------------------------------------------------------------


@rule("no-null-fields")
def no_null_fields(manifest: Manifest) -> Iterator[str]:
    """No field renders as null (an empty template expression, e.g. `targetPort: {{ .Values.missing }}`)."""

    def walk(node: object, path: str) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if value is None:
                    yield f"{path}.{key}"
                else:
                    yield from walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                if item is None:
                    yield f"{path}[{index}]"
                else:
                    yield from walk(item, f"{path}[{index}]")

    for obj in manifest.objects:
        for path in walk(obj, ""):
            yield f"{ref(obj)}: {path.lstrip('.')} is null"


@rule("service-target-port")
def service_target_port(manifest: Manifest) -> Iterator[str]:
    """Service ports target a named port (or number) that the selected pods expose."""
    for svc in manifest.by_kind("Service"):
        selector = svc["spec"].get("selector") or {}
        specs = [
            spec
            for owner, meta, spec in manifest.pod_templates()
            if owner["kind"] != "Pod" and selects(selector, meta.get("labels") or {})
        ]
        ports = [p for spec in specs for c in spec.get("containers") or [] for p in c.get("ports") or []]
        for port in svc["spec"].get("ports") or []:
            target = port.get("targetPort", port.get("port"))
            if isinstance(target, str) and target not in {p.get("name") for p in ports}:
                yield f"{ref(svc)}: targetPort {target!r} is not a named port of the selected pods"
            if isinstance(target, int) and target not in {p.get("containerPort") for p in ports}:
                yield f"{ref(svc)}: targetPort {target} is not a container port of the selected pods"


# The Gateway API, canary, KEDA and AGC rules register themselves into RULES.
from harness import rules_routing  # noqa: E402, F401
