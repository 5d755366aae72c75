"""Rules on every pod and container the chart renders: Pod Security "restricted", hardening, resources, probes,
images, secrets in env. PSS sources are the Pod Security admission checks in kubernetes/kubernetes
`staging/src/k8s.io/pod-security-admission/policy/` (file named per rule)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from harness.rules.registry import api_clients, container_rule, pod_rule, value_at

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.manifest import Container, Manifest, Obj, PodTemplate

# check_restrictedVolumes.go: the volume sources "restricted" allows inline
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
# check_sysctls.go: the safe sysctls of the baseline profile (policy version 1.32)
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
# check_seLinuxOptions.go (policy version 1.31, the oldest Kubernetes the chart supports)
ALLOWED_SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})
# check_capabilities_baseline.go: what baseline lets a container add ("restricted": NET_BIND_SERVICE only)
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
PROBES = ("startupProbe", "readinessProbe", "livenessProbe")
# AKS Deployment Safeguards: readiness and liveness probes on every container of every Pod (policy kind Pod, so helm
# test pods too), each with one of these handlers; init containers are not checked, grpc does not count
# (Azure/azure-policy samples/KubernetesService/container-enforce-probes/template.yaml, initiative requiredProbes).
SAFEGUARD_PROBES = ("readinessProbe", "livenessProbe")
SAFEGUARD_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket")
SECRETISH_NAME = re.compile(
    r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|CONN(ECTION)?_?STR)", re.I
)
# `*_FILE=/mnt/secrets/x` names where a secret is, not the secret
FILE_REFERENCE = re.compile(r"_(FILE|PATH|DIR)$", re.I)
SECRETISH_VALUE = re.compile(
    r"(^sk-[A-Za-z0-9_-]{6,}|^gh[pousr]_[A-Za-z0-9]{20,}|^hf_[A-Za-z0-9]{20,}|AccountKey=|SharedAccessKey=|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----|^eyJ[A-Za-z0-9_-]{10,}\.)"
)


class Required(NamedTuple):
    """A securityContext setting every container must have."""

    rule: str
    key: str  # securityContext field; `a.b` looks into a nested object
    want: object
    inherited: bool  # True: the pod's securityContext counts when the container sets nothing
    unless: str | None = None  # the securityExceptions name that lifts the requirement


REQUIRED_SECURITY_CONTEXT = (
    # check_allowPrivilegeEscalation.go (unset fails restricted); CKV_K8S_20
    Required(
        "pss-allow-privilege-escalation",
        "allowPrivilegeEscalation",
        False,
        inherited=False,
        unless="privilegeEscalation",
    ),
    # check_runAsNonRoot.go; CKV_K8S_23; AKS Deployment Safeguards (pod and container run as non-root)
    Required("pss-run-as-non-root", "runAsNonRoot", True, inherited=True, unless="runAsRoot"),
    # check_seccompProfile_restricted.go; CKV_K8S_31
    Required("pss-seccomp", "seccompProfile.type", "RuntimeDefault", inherited=True),
    # CKV_K8S_22; kube-score container-security-context-readonlyrootfilesystem (opt-out documented in values.yaml)
    Required("read-only-root-fs", "readOnlyRootFilesystem", True, inherited=False, unless="writableRootFilesystem"),
)


def _setting(container: Container, required: Required) -> object:
    head, _, rest = required.key.partition(".")
    value = container.security(head) if required.inherited else (container.spec.get("securityContext") or {}).get(head)
    return (value or {}).get(rest) if rest else value


def _register_required(required: Required) -> None:
    @container_rule(required.rule, unless=required.unless)
    def setting(container: Container, _: Manifest) -> Iterator[str]:
        value = _setting(container, required)
        if value != required.want:
            scope = "pod or container" if required.inherited else "container"
            yield f"securityContext.{required.key} is {value!r} ({scope}), want {required.want!r}"


for _required in REQUIRED_SECURITY_CONTEXT:
    _register_required(_required)


def _own(container: Container) -> Obj:
    return container.spec.get("securityContext") or {}


# --- Pod Security Standards (restricted) ------------------------------------------------------------------------


@pod_rule("pss-run-as-non-root", unless="runAsRoot")
def pod_run_as_user(pod: PodTemplate, _: Manifest) -> Iterator[str]:
    """check_runAsUser.go: no runAsUser 0 on the pod."""
    if (pod.spec.get("securityContext") or {}).get("runAsUser") == 0:
        yield "spec.securityContext.runAsUser is 0"


@container_rule("pss-run-as-non-root", unless="runAsRoot")
def container_run_as_user(container: Container, _: Manifest) -> Iterator[str]:
    """check_runAsUser.go: no runAsUser 0 on a container."""
    if _own(container).get("runAsUser") == 0:
        yield "securityContext.runAsUser is 0"


@container_rule("pss-run-as-non-root")
def root_that_cannot_start(container: Container, _: Manifest) -> Iterator[str]:
    """Whatever the exceptions: UID 0 with runAsNonRoot true (each as the kubelet applies it) never starts."""
    if container.security("runAsUser") == 0 and container.security("runAsNonRoot") is True:
        yield "runAsUser 0 with runAsNonRoot true: the kubelet refuses to start it"


@container_rule("pss-capabilities", unless="baselineCapabilities")
def capabilities(container: Container, _: Manifest) -> Iterator[str]:
    """check_capabilities_restricted.go: drop ALL; add nothing but NET_BIND_SERVICE. CKV_K8S_28, CKV_K8S_37."""
    caps = _own(container).get("capabilities") or {}
    if "ALL" not in (caps.get("drop") or []):
        yield f"capabilities.drop must include ALL, got {caps.get('drop')}"
    extra = set(caps.get("add") or []) - {"NET_BIND_SERVICE"}
    if extra:
        yield f"capabilities.add {sorted(extra)} beyond NET_BIND_SERVICE"


@container_rule("pss-capabilities")
def baseline_capabilities(container: Container, _: Manifest) -> Iterator[str]:
    """check_capabilities_baseline.go, whatever the exceptions: nothing added beyond the baseline set. CKV_K8S_25."""
    extra = set((_own(container).get("capabilities") or {}).get("add") or []) - BASELINE_CAPABILITIES
    if extra:
        yield f"capabilities.add {sorted(extra)} beyond the Pod Security baseline set"


@pod_rule("pss-privileged")
def pod_host_process(pod: PodTemplate, _: Manifest) -> Iterator[str]:
    """check_windowsHostProcess.go on the pod."""
    if ((pod.spec.get("securityContext") or {}).get("windowsOptions") or {}).get("hostProcess"):
        yield "windowsOptions.hostProcess"


@container_rule("pss-privileged")
def privileged(container: Container, _: Manifest) -> Iterator[str]:
    """check_privileged.go, check_windowsHostProcess.go; CKV_K8S_16; AKS Deployment Safeguards."""
    if _own(container).get("privileged"):
        yield "privileged"
    if (_own(container).get("windowsOptions") or {}).get("hostProcess"):
        yield "windowsOptions.hostProcess"


@pod_rule("pss-host-namespaces-ports")
def host_namespaces(pod: PodTemplate, _: Manifest) -> Iterator[str]:
    """check_hostNamespaces.go: no hostNetwork, hostPID, hostIPC. CKV_K8S_17/18/19; AKS Deployment Safeguards."""
    for name in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.spec.get(name):
            yield f"spec.{name} is set"


@container_rule("pss-host-namespaces-ports")
def host_ports(container: Container, _: Manifest) -> Iterator[str]:
    """check_hostPorts.go: no hostPort. CKV_K8S_26."""
    for port in container.spec.get("ports") or []:
        if port.get("hostPort"):
            yield f"hostPort {port['hostPort']}"


@pod_rule("pss-volume-types")
def volume_types(pod: PodTemplate, _: Manifest) -> Iterator[str]:
    """check_restrictedVolumes.go: only the allowed volume sources (no hostPath, no inline azureFile/azureDisk)."""
    for volume in pod.spec.get("volumes") or []:
        bad = set(volume) - {"name"} - ALLOWED_VOLUME_TYPES
        if bad:
            yield f"volume {volume['name']} uses {sorted(bad)}"


def _override_problems(security_context: Obj) -> Iterator[str]:
    """check_procMount.go, check_seLinuxOptions.go, check_appArmorProfile.go on one securityContext."""
    if security_context.get("procMount") not in (None, "Default"):
        yield f"procMount {security_context['procMount']}"
    selinux = security_context.get("seLinuxOptions") or {}
    if selinux.get("user") or selinux.get("role") or selinux.get("type", "") not in ALLOWED_SELINUX_TYPES:
        yield f"seLinuxOptions {selinux}"
    apparmor = (security_context.get("appArmorProfile") or {}).get("type")
    if apparmor not in (None, "RuntimeDefault", "Localhost"):
        yield f"appArmorProfile {apparmor}"


@pod_rule("pss-no-overrides")
def pod_overrides(pod: PodTemplate, _: Manifest) -> Iterator[str]:
    """check_sysctls.go, check_appArmorProfile.go (annotations) and the pod-level overrides."""
    security_context = pod.spec.get("securityContext") or {}
    for sysctl in security_context.get("sysctls") or []:
        if sysctl.get("name") not in SAFE_SYSCTLS:
            yield f"unsafe sysctl {sysctl.get('name')}"
    for key, value in (pod.meta.get("annotations") or {}).items():
        if key.startswith("container.apparmor.security.beta.kubernetes.io/") and not (
            value == "runtime/default" or str(value).startswith("localhost/")
        ):
            yield f"AppArmor annotation {key}={value}"
    yield from (f"pod {problem}" for problem in _override_problems(security_context))


@container_rule("pss-no-overrides")
def container_overrides(container: Container, _: Manifest) -> Iterator[str]:
    """Container-level overrides, and check_hostProbesAndhostLifecycle.go: no probe `host`."""
    yield from _override_problems(_own(container))
    for probe in PROBES:
        handler = container.spec.get(probe) or {}
        for action in ("httpGet", "tcpSocket"):
            if (handler.get(action) or {}).get("host"):
                yield f"{probe}.{action}.host is set"


# --- hardening, resources, probes, images ---------------------------------------------------------------------


@pod_rule("no-sa-token-automount", unless="serviceAccountToken")
def no_sa_token(pod: PodTemplate, manifest: Manifest) -> Iterator[str]:
    """automountServiceAccountToken false on every pod, and no projected ServiceAccount token volume either
    (opt-in: serviceAccount.automountToken=true with serviceAccountToken in securityExceptions), but on the pods of a
    ServiceAccount the chart binds to a Role (the endpoint picker, which reads the API). CKV_K8S_38."""
    if pod.spec.get("serviceAccountName") in api_clients(manifest):
        return
    if pod.spec.get("automountServiceAccountToken") is not False:
        yield "spec.automountServiceAccountToken is not false"
    for volume in pod.spec.get("volumes") or []:
        if any("serviceAccountToken" in source for source in (volume.get("projected") or {}).get("sources") or []):
            yield f"volume {volume['name']} projects a ServiceAccount token"


@container_rule("resources")
def resources(container: Container, manifest: Manifest) -> Iterator[str]:
    """cpu and memory requests and limits; GPUs only as limits. CKV_K8S_10-13; kube-score container-resources;
    AKS Deployment Safeguards (resource requests and limits)."""
    gpu_resource = str(value_at(manifest.values, "gpu.resourceName", "nvidia.com/gpu"))
    res = container.spec.get("resources") or {}
    for part in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in (res.get(part) or {}):
                yield f"no {resource} in resources.{part}"
    for gpu in sorted({gpu_resource, "nvidia.com/gpu", "amd.com/gpu"}):
        if gpu in (res.get("requests") or {}):
            yield f"{gpu} in resources.requests (GPUs go in limits only)"


def _probe_port_problems(container: Container, probe: str) -> Iterator[str]:
    ports = container.spec.get("ports") or []
    names = {p.get("name") for p in ports}
    handler: dict[str, Any] = container.spec.get(probe) or {}
    for action in ("httpGet", "tcpSocket", "grpc"):
        if action not in handler:
            continue
        port = handler[action].get("port")
        if isinstance(port, str) and port not in names:
            yield f"{probe} port {port!r} is not a named port {sorted(names, key=str)}"
        if isinstance(port, int) and action != "grpc":  # a gRPC probe takes a number only
            yield f"{probe} uses port number {port}; use the port name"
        if port is None or (isinstance(port, int) and port not in {p.get("containerPort") for p in ports}):
            yield f"{probe} port {port!r} is not a container port"


@container_rule("probes")
def probes(container: Container, manifest: Manifest) -> Iterator[str]:
    """Readiness and liveness probes on every container of every pod, helm test pods included (AKS Deployment
    Safeguards); a startup probe too on the server container, and liveness != readiness; every probe targets a named
    port of its container; every port is named. CKV_K8S_8/9; kube-score pod-probes, pod-probes-identical."""
    for port in container.spec.get("ports") or []:
        if not port.get("name"):
            yield f"port {port.get('containerPort')} has no name"
    if container.section == "containers":
        for probe in SAFEGUARD_PROBES:
            if not any(action in (container.spec.get(probe) or {}) for action in SAFEGUARD_PROBE_HANDLERS):
                yield f"no {probe} with {'/'.join(SAFEGUARD_PROBE_HANDLERS)}"
    is_server = container.section == "containers" and container.pod.owner["kind"] != "Pod"
    if is_server and container.name == str(value_at(manifest.values, "containerName", "server")):
        yield from (f"no {probe}" for probe in PROBES if not container.spec.get(probe))
        liveness = container.spec.get("livenessProbe")
        if liveness and liveness == container.spec.get("readinessProbe"):
            yield "livenessProbe is identical to readinessProbe"
    for probe in PROBES:
        yield from _probe_port_problems(container, probe)


def image_reference(image: str) -> tuple[str, str, str]:
    """Split an image reference into (repository, tag, digest); missing parts are empty."""
    digest = ""
    if "@" in image:
        image, digest = image.split("@", 1)
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    repository = image[: len(image) - len(tag) - 1] if tag else image
    return repository, tag, digest


@container_rule("image-pinned")
def image_pinned(container: Container, _: Manifest) -> Iterator[str]:
    """A tag or digest, never `latest`; a well-formed digest. CKV_K8S_14, CKV_K8S_43; kube-score container-image-tag;
    AKS Deployment Safeguards (no latest tag)."""
    image = str(container.spec.get("image") or "")
    _repository, tag, digest = image_reference(image)
    if not tag and not digest:
        yield f"image {image!r} has neither tag nor digest"
    if tag == "latest":
        yield f"image {image!r} uses the latest tag"
    if digest and not re.fullmatch(r"sha256:[a-f0-9]{64}", digest):
        yield f"image {image!r} has a malformed digest"


@container_rule("no-literal-secret-env")
def no_literal_secret_env(container: Container, _: Manifest) -> Iterator[str]:
    """No literal secret-looking env values; secrets come by secretKeyRef or as files. CKV_K8S_35."""
    for env in container.spec.get("env") or []:
        if "value" not in env:
            continue
        value = str(env.get("value") or "")
        names_a_file = FILE_REFERENCE.search(env["name"]) and value.startswith("/")
        if (SECRETISH_NAME.search(env["name"]) and value and not names_a_file) or SECRETISH_VALUE.search(value):
            yield f"env {env['name']} has a literal secret-looking value"
