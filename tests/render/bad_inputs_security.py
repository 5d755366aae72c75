"""The security part of the bad-input catalog (tests/render/test_bad_inputs.py): Pod Security "restricted" and the AKS
Deployment Safeguards on every container and pod (server, init containers, sidecars), settings blocks set to null, and
ServiceAccount tokens; bad_inputs_exposure.py holds reserved metadata, extraObjects, network exposure and integer
bounds. Each input is refused with a message naming its key; tests/render/test_security.py renders the inputs of the
same classes that the chart accepts (with the relaxation `securityExceptions` names) and holds them to every rule."""

from __future__ import annotations

from typing import Any

from harness.helm_messages import Bad, allowed, chart_error, extra, required, schema_error

RESOURCES = {"requests": {"cpu": "10m", "memory": "16Mi"}, "limits": {"cpu": "100m", "memory": "32Mi"}}
ALIVE = {"exec": {"command": ["true"]}}
SIDECAR = {
    "name": "proxy",
    "image": "busybox:1.37.0",
    "resources": RESOURCES,
    "readinessProbe": ALIVE,
    "livenessProbe": ALIVE,
}
INIT = {"name": "warm", "command": ["true"], "resources": RESOURCES}
ROOT = {"securityExceptions": ["runAsRoot"]}


def sidecar(**fields: Any) -> dict[str, Any]:  # noqa: ANN401 - Container fields are free-form
    """`sidecars` with one sidecar that passes everything but `fields`."""
    return {"sidecars": [{**SIDECAR, **fields}]}


def init(**fields: Any) -> dict[str, Any]:  # noqa: ANN401 - Container fields are free-form
    """`initContainers` with one init container that passes everything but `fields`."""
    return {"initContainers": [{**INIT, **fields}]}


POD_SECURITY: list[Bad] = [
    # --- settings blocks set to null are refused (the schema requires them) ---
    Bad("securityContext-null", {"securityContext": None}, (schema_error("", required("securityContext")),)),
    Bad("podSecurityContext-null", {"podSecurityContext": None}, (schema_error("", required("podSecurityContext")),)),
    Bad(
        "securityContext.capabilities-null",
        {"securityContext.capabilities": None},
        (chart_error("securityContext.capabilities.drop", r"\[\] does not include ALL; allowed: a list with ALL"),),
    ),
    Bad(
        "securityContext.readOnlyRootFilesystem-null",
        {"securityContext.readOnlyRootFilesystem": None},
        (chart_error("securityContext.readOnlyRootFilesystem", "unset leaves the root filesystem writable"),),
    ),
    Bad(
        "runAsNonRoot-null-everywhere",
        {"securityContext.runAsNonRoot": None, "podSecurityContext.runAsNonRoot": None},
        (chart_error("securityContext.runAsNonRoot", "unset here and in podSecurityContext; allowed: true"),),
    ),
    Bad(
        "seccompProfile-null-everywhere",
        {"podSecurityContext.seccompProfile": None},
        (chart_error("securityContext.seccompProfile", "unset here and in podSecurityContext; allowed: type Runtime"),),
    ),
    Bad(
        "resources-null",
        {"resources.requests": None, "resources.limits": {"cpu": None}},
        (
            chart_error("resources.requests.memory", "missing; allowed: a quantity .*AKS Deployment Safeguards"),
            chart_error("resources.limits.cpu", "missing; allowed: a quantity"),
        ),
    ),
    Bad(
        "securityExceptions-unknown-name",
        {"securityExceptions": ["everything"]},
        (schema_error("securityExceptions.0", r"(?:must be one of|value must be one of).*runAsRoot"),),
    ),
    # --- what "restricted" forbids, without the exception that names it ---
    Bad(
        "allowPrivilegeEscalation-true",
        {"securityContext.allowPrivilegeEscalation": True},
        (
            chart_error(
                "securityContext.allowPrivilegeEscalation", "true.*or true with privilegeEscalation in securityE"
            ),
        ),
    ),
    Bad(
        "capabilities-add-sys-admin-drop-none",
        {"securityContext.capabilities": {"add": ["SYS_ADMIN"], "drop": []}},
        (
            chart_error("securityContext.capabilities.add", "SYS_ADMIN is beyond the Pod Security baseline set"),
            chart_error("securityContext.capabilities.drop", r"\[\] does not include ALL"),
        ),
    ),
    Bad(
        "capabilities-add-baseline-one",
        {"securityContext.capabilities.add": ["CHOWN"]},
        (chart_error("securityContext.capabilities.add", "CHOWN fails Pod Security restricted; allowed: NET_BIND"),),
    ),
    Bad(
        "capabilities-sys-admin-despite-baselineCapabilities",
        {"securityContext.capabilities.add": ["SYS_ADMIN"], "securityExceptions": ["baselineCapabilities"]},
        (chart_error("securityContext.capabilities.add", "SYS_ADMIN is beyond the Pod Security baseline set"),),
    ),
    Bad(
        "root-user-with-runAsNonRoot-false",
        {"podSecurityContext.runAsUser": 0, "podSecurityContext.runAsNonRoot": False},
        (
            chart_error("podSecurityContext.runAsUser", "0 runs the containers as root; allowed: a UID from 1"),
            chart_error("podSecurityContext.runAsNonRoot", "false lets the containers run as root"),
        ),
    ),
    Bad(
        "container-root-user-with-runAsNonRoot-false",
        {"securityContext.runAsUser": 0, "securityContext.runAsNonRoot": False},
        (
            chart_error("securityContext.runAsUser", "0 runs the container as root"),
            chart_error("securityContext.runAsNonRoot", "false lets the container run as root"),
        ),
    ),
    Bad(
        "root-user-with-runAsNonRoot-true",
        {**ROOT, "podSecurityContext.runAsUser": 0},
        (chart_error("podSecurityContext.runAsUser", "0 with runAsNonRoot: true, which the kubelet refuses"),),
    ),
    Bad(
        "container-root-user-with-runAsNonRoot-true",
        {**ROOT, "securityContext.runAsUser": 0},
        (chart_error("securityContext.runAsUser", r"0 with runAsNonRoot: true \(here or in podSecurityContext\)"),),
    ),
    Bad(
        "pod-root-user-under-container-runAsNonRoot",
        {**ROOT, "podSecurityContext.runAsUser": 0, "podSecurityContext.runAsNonRoot": False},
        (chart_error("securityContext.runAsNonRoot", "true with podSecurityContext.runAsUser 0, which the kubelet"),),
    ),
    Bad(
        "readOnlyRootFilesystem-false",
        {"securityContext.readOnlyRootFilesystem": False},
        (chart_error("securityContext.readOnlyRootFilesystem", "or false with writableRootFilesystem in security"),),
    ),
    # --- what "baseline" forbids: refused whatever the exceptions ---
    Bad(
        "privileged",
        {"securityContext.privileged": True, "securityExceptions": ["runAsRoot", "privilegeEscalation"]},
        (chart_error("securityContext.privileged", r"baseline forbids it\); allowed: false or unset"),),
    ),
    Bad(
        "seccomp-unconfined",
        {"securityContext.seccompProfile.type": "Unconfined"},
        (chart_error("securityContext.seccompProfile.type", "Unconfined .*allowed: RuntimeDefault or Localhost"),),
    ),
    Bad(
        "pod-seccomp-unconfined",
        {"podSecurityContext.seccompProfile.type": "Unconfined"},
        (chart_error("podSecurityContext.seccompProfile.type", "allowed: RuntimeDefault or Localhost"),),
    ),
    Bad(
        "procMount-unmasked",
        {"securityContext.procMount": "Unmasked"},
        (chart_error("securityContext.procMount", "Unmasked unmasks /proc; allowed: Default"),),
    ),
    Bad(
        "hostProcess",
        {"securityContext.windowsOptions.hostProcess": True},
        (chart_error("securityContext.windowsOptions.hostProcess", "allowed: false or unset"),),
    ),
    Bad(
        "pod-hostProcess",
        {"podSecurityContext.windowsOptions.hostProcess": True},
        (chart_error("podSecurityContext.windowsOptions.hostProcess", "allowed: false or unset"),),
    ),
    Bad(
        "selinux-spc_t",
        {"securityContext.seLinuxOptions.type": "spc_t"},
        (chart_error("securityContext.seLinuxOptions.type", '"spc_t" escapes .*allowed: empty or container_t'),),
    ),
    Bad(
        "pod-selinux-user-role",
        {"podSecurityContext.seLinuxOptions": {"user": "system_u", "role": "system_r"}},
        (
            chart_error("podSecurityContext.seLinuxOptions.user", "set; allowed: unset"),
            chart_error("podSecurityContext.seLinuxOptions.role", "set; allowed: unset"),
        ),
    ),
    Bad(
        "apparmor-unconfined",
        {"securityContext.appArmorProfile.type": "Unconfined"},
        (chart_error("securityContext.appArmorProfile.type", "allowed: RuntimeDefault or Localhost"),),
    ),
    Bad(
        "pod-apparmor-unconfined",
        {"podSecurityContext.appArmorProfile.type": "Unconfined"},
        (chart_error("podSecurityContext.appArmorProfile.type", "allowed: RuntimeDefault or Localhost"),),
    ),
    Bad(
        "apparmor-annotation-in-podAnnotations",
        {"podAnnotations": {"container.apparmor.security.beta.kubernetes.io/server": "unconfined"}},
        (chart_error("podAnnotations.container.apparmor", "allowed: runtime/default or localhost/<profile>"),),
    ),
    Bad(
        "apparmor-annotation-in-commonAnnotations",
        {"commonAnnotations": {"container.apparmor.security.beta.kubernetes.io/wget": "unconfined"}},
        (chart_error("commonAnnotations.container.apparmor", "allowed: runtime/default or localhost/<profile>"),),
    ),
    # --- init containers and sidecars: their own securityContext is checked like the server's ---
    Bad(
        "sidecar-privileged",
        sidecar(securityContext={"privileged": True}),
        (chart_error("sidecars[0] (proxy).securityContext.privileged", "allowed: false or unset"),),
    ),
    Bad(
        "init-privileged",
        init(securityContext={"privileged": True}),
        (
            chart_error("initContainers[0] (warm).securityContext.privileged", "allowed: false or unset"),
            chart_error("initContainers[0] (warm).securityContext.allowPrivilegeEscalation", "unset"),
            chart_error("initContainers[0] (warm).securityContext.capabilities.drop", "does not include ALL"),
        ),
    ),
    Bad(
        "sidecar-allowPrivilegeEscalation",
        sidecar(securityContext={"allowPrivilegeEscalation": True, "capabilities": {"drop": ["ALL"]}}),
        (chart_error("sidecars[0] (proxy).securityContext.allowPrivilegeEscalation", "true"),),
    ),
    Bad(
        "init-root-user",
        init(securityContext={"runAsUser": 0, "allowPrivilegeEscalation": False}),
        (chart_error("initContainers[0] (warm).securityContext.runAsUser", "0 runs the container as root"),),
    ),
    Bad(
        "sidecar-without-probes",
        {"sidecars": [{**SIDECAR, "readinessProbe": None, "livenessProbe": {"grpc": {"port": 9000}}}]},
        (
            chart_error("sidecars[0] (proxy).readinessProbe", "missing, or without an exec, httpGet or tcpSocket"),
            chart_error("sidecars[0] (proxy).livenessProbe", "missing, or without an exec, httpGet or tcpSocket"),
        ),
    ),
    Bad(
        "sidecar-untagged-image",
        sidecar(image="busybox"),
        (chart_error("sidecars[0] (proxy).image", '"busybox" has no tag or the latest tag'),),
    ),
    Bad(
        "init-latest-image",
        init(image="busybox:latest"),
        (schema_error("initContainers.0.image", allowed("an image reference with a fixed tag or a digest")),),
    ),
    Bad(
        "sidecar-probe-host",
        sidecar(readinessProbe={"httpGet": {"host": "169.254.169.254", "path": "/", "port": 80}}),
        (chart_error("sidecars[0] (proxy).readinessProbe", "sets a host, .*allowed: no host"),),
    ),
    Bad(
        "sidecar-hostPort",
        sidecar(ports=[{"name": "web", "containerPort": 8080, "hostPort": 8080}]),
        (schema_error("sidecars.0.ports.0", extra("hostPort")),),
    ),
    # --- ServiceAccount tokens ---
    Bad(
        "automountToken-without-exception",
        {"serviceAccount.automountToken": True},
        (chart_error("serviceAccount.automountToken", "true mounts a Kubernetes API token into every container"),),
    ),
    Bad(
        "projected-token-without-automount",
        {"extraVolumes": [{"name": "token", "projected": {"sources": [{"serviceAccountToken": {"path": "t"}}]}}]},
        (chart_error("extraVolumes[0] (token).projected.sources[0].serviceAccountToken", "automountToken is false"),),
    ),
]

SECURITY_CATALOG: list[Bad] = POD_SECURITY
