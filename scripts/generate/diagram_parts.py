"""Drawing vocabulary and node parts of the architecture pictures (scripts/generate/diagram.py): the Graphviz DOT
writer, the `Scene` read from rendered manifests, and one function per part of the picture (Azure, controllers,
routing, configuration, node pool)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

NAMESPACE = "inference"
AZURE = "#0078d4"
K8S = "#326ce5"
GPU = "#76b900"


GREY_KINDS = (
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "NetworkPolicy",
    "ServiceMonitor",
    "PersistentVolumeClaim",
    "ScaledObject",
    "TriggerAuthentication",
    "HealthCheckPolicy",
    "RoutePolicy",
    "WebApplicationFirewallPolicy",
)


def q(text: str) -> str:
    """A DOT string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class Graph:
    lines: list[str] = field(default_factory=list)

    def node(self, name: str, label: str, **attrs: str) -> None:
        extra = "".join(f", {k}={q(v)}" for k, v in sorted(attrs.items()))
        self.lines.append(f"    {q(name)} [label={q(label)}{extra}];")

    def edge(self, src: str, dst: str, label: str = "", **attrs: str) -> None:
        attrs = {"label": label, **attrs} if label else attrs
        extra = ", ".join(f"{k}={q(v)}" for k, v in sorted(attrs.items()))
        self.lines.append(f"    {q(src)} -> {q(dst)}" + (f" [{extra}]" if extra else "") + ";")

    def open(self, name: str, label: str, color: str, style: str = "rounded") -> None:
        self.lines.append(f"  subgraph {q('cluster_' + name)} {{")
        self.lines.append(f"    label={q(label)}; color={q(color)}; fontcolor={q(color)}; style={q(style)};")

    def close(self) -> None:
        self.lines.append("  }")


def first(docs: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next((d for d in docs if d.get("kind") == kind), None)


def every(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d.get("kind") == kind]


def registry_of(image: str) -> str:
    """The registry host of an image reference (Docker Hub when the first part is not a host)."""
    first_part = image.split("/", maxsplit=1)[0]
    return first_part if "/" in image and ("." in first_part or ":" in first_part) else "docker.io"


def name_of(doc: dict[str, Any]) -> str:
    return str(doc["metadata"]["name"])


def variant_of(doc: dict[str, Any]) -> str:
    """ "canary" for the canary's objects (their component label), else "stable"."""
    return str((doc["metadata"].get("labels") or {}).get("app.kubernetes.io/component", "stable"))


def is_picker(doc: dict[str, Any]) -> bool:
    """An object of the endpoint picker (inferencePool): drawn by diagram_inference.py, not as the server's."""
    return (doc["metadata"].get("labels") or {}).get("app.kubernetes.io/component") == "endpoint-picker"


def node_id(kind: str, doc: dict[str, Any]) -> str:
    """ "deployment" / "service" for the stable objects, "deployment:canary" / "service:canary" for the canary's."""
    return kind if variant_of(doc) == "stable" else f"{kind}:{variant_of(doc)}"


@dataclass
class Scene:
    """The rendered objects the picture is drawn from."""

    docs: list[dict[str, Any]]

    def __post_init__(self) -> None:
        servers = [d for d in every(self.docs, "Deployment") if not is_picker(d)]
        self.deployments = sorted(servers, key=lambda d: variant_of(d) != "stable")
        if not self.deployments:
            raise ValueError("the rendered chart has no Deployment")
        self.services = [svc for svc in every(self.docs, "Service") if not is_picker(svc)]
        self.pools = every(self.docs, "InferencePool")
        self.pickers = [d for d in every(self.docs, "Deployment") if is_picker(d)]
        self.ingress = first(self.docs, "Ingress")
        self.gateway = first(self.docs, "Gateway")
        self.routes = every(self.docs, "HTTPRoute") + every(self.docs, "GRPCRoute")
        self.spc = first(self.docs, "SecretProviderClass")
        self.scaled = first(self.docs, "ScaledObject")

    @property
    def pod(self) -> dict[str, Any]:
        return self.deployments[0]["spec"]["template"]["spec"]  # type: ignore[no-any-return]

    @property
    def gpus(self) -> dict[str, Any]:
        limits = self.pod["containers"][0].get("resources", {}).get("limits", {})
        return {k: v for k, v in limits.items() if "gpu" in k}

    def annotations(self, doc: dict[str, Any] | None) -> dict[str, str]:
        return dict((doc or {}).get("metadata", {}).get("annotations") or {})

    @property
    def ingress_controller(self) -> str | None:
        if self.ingress is None:
            return None
        agic = self.ingress["spec"].get("ingressClassName") == "azure-application-gateway"
        return "agic" if agic or any(k.startswith("appgw.ingress") for k in self.annotations(self.ingress)) else "nginx"

    @property
    def gateway_class(self) -> str | None:
        """The route's implementation: the chart's Gateway's class, "existing" for a Gateway the chart does not own."""
        if self.gateway is not None:
            return str(self.gateway["spec"]["gatewayClassName"])
        return "existing" if self.routes else None

    def weights(self) -> dict[str, str]:
        """Service name -> "90%" from the HTTPRoute's weighted backendRefs."""
        out: dict[str, str] = {}
        for route in self.routes[:1]:
            refs = route["spec"]["rules"][0]["backendRefs"]
            total = sum(int(r.get("weight", 1)) for r in refs) or 1
            if len(refs) > 1:
                out = {str(r["name"]): f"{100 * int(r.get('weight', 1)) // total}%" for r in refs}
        return out


def azure_part(g: Graph, s: Scene) -> None:
    """Azure services outside the cluster: registry, gateways, Key Vault, identity, Managed Prometheus."""
    registry = registry_of(str(s.pod["containers"][0]["image"]))
    if not registry.endswith(".azurecr.io"):
        g.node("acr", f"Container registry\n{registry}", shape="cylinder")
    g.open("azure", "Azure", AZURE, "dashed")
    if registry.endswith(".azurecr.io"):
        g.node("acr", f"Container registry\n{registry}", shape="cylinder", color=AZURE)
    if s.ingress_controller == "agic":
        annotations = s.annotations(s.ingress)
        timeout = annotations.get("appgw.ingress.kubernetes.io/request-timeout", "30")
        waf = "\n+ WAF policy" if "appgw.ingress.kubernetes.io/waf-policy-for-path" in annotations else ""
        g.node("appgw", f"Application Gateway v2\nrequest timeout {timeout}s{waf}", shape="box3d", color=AZURE)
    if s.gateway_class == "azure-alb-external":
        alb = s.annotations(s.gateway)
        where = (
            alb.get("alb.networking.azure.io/alb-name") or alb.get("alb.networking.azure.io/alb-id", "").rsplit("/")[-1]
        )
        waf = "\n+ WAF policy" if first(s.docs, "WebApplicationFirewallPolicy") else ""
        g.node("agc", f"Application Gateway for Containers\n{where}{waf}", shape="box3d", color=AZURE)
    if s.spc is not None:
        params = s.spc["spec"].get("parameters", {})
        objects = yaml.safe_load(params.get("objects", "array: []")).get("array", [])
        names = [str(yaml.safe_load(o).get("objectName")) for o in objects]
        label = f"Azure Key Vault\n{params.get('keyvaultName', '')}\n" + ", ".join(names)
        g.node("kv", label, shape="cylinder", color=AZURE)
        g.node("entra", "Microsoft Entra ID\nmanaged identity +\nfederated credential", shape="box", color=AZURE)
    if key_vault_tls(s):
        g.node("kvtls", "Azure Key Vault\n(TLS certificate)", shape="cylinder", color=AZURE)
    if s.scaled is not None and managed_prometheus(s):
        g.node("prometheus", "Azure Monitor workspace\n(Managed Prometheus)", shape="cylinder", color=AZURE)
    g.close()


def key_vault_tls(s: Scene) -> bool:
    if "kubernetes.azure.com/tls-cert-keyvault-uri" in s.annotations(s.ingress):
        return True
    listeners = (s.gateway or {}).get("spec", {}).get("listeners") or []
    return any(
        "kubernetes.azure.com/tls-cert-keyvault-uri" in (li.get("tls") or {}).get("options", {}) for li in listeners
    )


def managed_prometheus(s: Scene) -> bool:
    address = str((s.scaled or {})["spec"]["triggers"][0]["metadata"].get("serverAddress", ""))
    return ".prometheus.monitor.azure." in address


def controllers_part(g: Graph, s: Scene) -> None:
    """In-cluster controllers and proxies: application routing nginx, AGIC, the approuting-istio gateway, Prometheus."""
    if s.ingress_controller == "nginx":
        g.open("approuting", "app-routing-system", K8S, "dashed")
        label = "application routing\nmanaged nginx\nwebapprouting.kubernetes.azure.com"
        g.node("nginx", label, shape="component", color=K8S)
        g.close()
    elif s.ingress_controller == "agic":
        g.open("agic", "kube-system", K8S, "dashed")
        g.node("agic", "AGIC add-on\n(ingress-appgw)", shape="component", color=K8S)
        g.close()
    if s.gateway_class == "approuting-istio":
        g.open("istio", "aks-istio-system", K8S, "dashed")
        g.node("istiod", "application routing\nGateway API (istiod)\napprouting-istio", shape="component", color=K8S)
        g.close()
    elif s.gateway_class == "azure-alb-external":
        g.open("alb", "kube-system", K8S, "dashed")
        how = "Helm, albController.aiGateway" if s.pools else "AKS add-on"
        g.node("albctl", f"ALB Controller\n({how})", shape="component", color=K8S)
        g.close()
    elif s.gateway_class == "existing":
        refs = s.routes[0]["spec"]["parentRefs"]
        names = ", ".join(f"{r.get('namespace', NAMESPACE)}/{r['name']}" for r in refs)
        g.node("extgw", f"existing Gateway\n{names}", shape="component", color=K8S)
    if s.scaled is not None and not managed_prometheus(s):
        g.node("prometheus", "Prometheus", shape="cylinder", color=K8S)
    if s.scaled is not None:
        g.node("keda", "KEDA add-on\n(kube-system)", shape="component", color=K8S)


def routing_nodes(g: Graph, s: Scene) -> None:
    """Ingress, Gateway (and the gateway pods approuting-istio provisions), routes, Services."""
    if s.ingress is not None:
        routes = [
            f"Ingress {name_of(i)}\n" + ", ".join(r.get("host", "*") for r in i["spec"].get("rules", []))
            for i in every(s.docs, "Ingress")
        ]
        g.node("ingress", "\n".join(routes), shape="box", color=K8S)
    if s.gateway is not None:
        listeners = ", ".join(f"{li['name']}:{li['port']}" for li in s.gateway["spec"]["listeners"])
        g.node("gateway", f"Gateway {name_of(s.gateway)}\n{s.gateway_class}\n{listeners}", shape="box", color=K8S)
        if s.gateway_class == "approuting-istio":
            label = f"{name_of(s.gateway)}-approuting-istio\ngateway pods + LoadBalancer"
            g.node("gwpods", label, shape="component", color=K8S)
    for route in s.routes:
        hosts = ", ".join(route["spec"].get("hostnames") or ["*"])
        timeouts = route["spec"]["rules"][0].get("timeouts", {})
        extra = "".join(f"\n{k} timeout {v}" for k, v in timeouts.items())
        g.node(f"route:{route['kind']}", f"{route['kind']} {name_of(route)}\n{hosts}{extra}", shape="box", color=K8S)
    weights = s.weights()
    for service in s.services:
        ports = " ".join(
            f"{p['name']}:{p['port']}" if p.get("name") else str(p["port"]) for p in service["spec"]["ports"]
        )
        share = f"\n{weights[name_of(service)]} of the route" if name_of(service) in weights else ""
        label = f"Service {name_of(service)}\n{service['spec'].get('type', 'ClusterIP')} {ports}{share}"
        g.node(node_id("service", service), label, shape="ellipse", color=K8S)


def config_nodes(g: Graph, s: Scene) -> None:
    """ConfigMap, Secrets, SecretProviderClass, ServiceAccount and the supporting objects (grey)."""
    for cm in every(s.docs, "ConfigMap"):
        g.node(f"cm:{name_of(cm)}", f"ConfigMap\n{name_of(cm)}", shape="note", color=K8S)
    for secret in every(s.docs, "Secret"):
        g.node(f"secret:{name_of(secret)}", f"Secret\n{name_of(secret)}", shape="folder", color=K8S)
    if s.spc is not None:
        g.node("spc", f"SecretProviderClass\n{name_of(s.spc)}", shape="folder", color=K8S)
    sa = next((a for a in every(s.docs, "ServiceAccount") if not is_picker(a)), None)
    if sa is not None:
        client = s.annotations(sa).get("azure.workload.identity/client-id")
        label = f"ServiceAccount {name_of(sa)}" + ("\nworkload identity" if client else "")
        g.node("sa", label, shape="box", color=K8S)
    for doc in s.docs:
        if doc["kind"] in GREY_KINDS and not is_picker(doc):
            label = f"{doc['kind']}\n{name_of(doc)}"
            g.node(f"{doc['kind']}:{name_of(doc)}", label, shape="box", color="#888888", fontcolor="#555555")


def pool_part(g: Graph, s: Scene) -> None:
    """The node pool the pods are placed on, with each Deployment."""
    selector = s.pod.get("nodeSelector") or {}
    tolerations = s.pod.get("tolerations") or []
    if s.gpus:
        taints = ", ".join(f"{t.get('key')}={t.get('value', '')}:{t.get('effect', '')}" for t in tolerations)
        labels = ", ".join(f"{k}={v}" for k, v in selector.items())
        g.open("pool", f"GPU node pool\n{labels}\ntolerates {taints or 'no taint'}", GPU, "rounded,bold")
    else:
        avoid = "\n(required affinity: not on GPU nodes)" if s.pod.get("affinity") else ""
        g.open("pool", f"CPU node pool{avoid}", K8S, "rounded")
    hpa = first(s.docs, "HorizontalPodAutoscaler")
    gpu_text = "\n" + ", ".join(f"{v} x {k}" for k, v in s.gpus.items()) if s.gpus else ""
    for deployment in s.deployments:
        if variant_of(deployment) == "stable" and hpa:
            replicas = f"HPA {hpa['spec']['minReplicas']}-{hpa['spec']['maxReplicas']} replicas"
        elif variant_of(deployment) == "stable" and s.scaled:
            replicas = f"KEDA {s.scaled['spec']['minReplicaCount']}-{s.scaled['spec']['maxReplicaCount']} replicas"
        else:
            replicas = f"{deployment['spec'].get('replicas', 1)} replica(s)"
        image = str(deployment["spec"]["template"]["spec"]["containers"][0]["image"]).rsplit("/", maxsplit=1)[-1]
        label = f"Deployment {name_of(deployment)}\n{replicas}\n{image}{gpu_text}"
        g.node(node_id("deployment", deployment), label, shape="box3d", color=GPU if s.gpus else K8S, penwidth="2")
    g.close()
