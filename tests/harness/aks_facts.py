"""AKS facts checked on every render: settings that render and install fine but fail quietly on an AKS cluster.

Each rule is a small named function `(Manifest) -> Iterator[str]` registered in `AKS_RULES`, yielding one message per
violation that names the object (`Kind/name`). The source of each fact is cited on its rule.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from harness.manifest import ref
from harness.rules import replicas_can_exceed_one, selects, value_at

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from harness.render import Manifest, Obj

AKS_RULES: dict[str, Callable[[Manifest], Iterator[str]]] = {}

# Azure IDs in examples are obviously fake; this tenant is real and must never be an example.
FAKE_ID = re.compile(r"00000000-0000-0000-0000-00000000000[0-9]")
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
ID_FIELD = re.compile(r"(tenant|client)[-_]?id$", re.IGNORECASE)
REAL_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
# Azure/prometheus-collector otelcollector/customresources/service-monitor-template.yaml
MANAGED_PROMETHEUS_GROUP = "azmonitoring.coreos.com"
MANAGED_PROMETHEUS_LIMITS = {"labelLimit": 63, "labelNameLengthLimit": 511, "labelValueLengthLimit": 1023}
# The pods that scrape ServiceMonitor targets for Azure Managed Prometheus: Deployment ama-metrics in kube-system
# (Azure/prometheus-collector otelcollector/deploy/addon-chart/azure-monitor-metrics-addon/templates/
# ama-metrics-deployment.yaml, pod label rsName: ama-metrics).
MANAGED_PROMETHEUS_SCRAPER = ({"kubernetes.io/metadata.name": "kube-system"}, {"rsName": "ama-metrics"})
SINGLE_NODE_ACCESS_MODES = frozenset({"ReadWriteOnce", "ReadWriteOncePod"})
NGINX_TIMEOUTS = ("nginx.ingress.kubernetes.io/proxy-read-timeout", "nginx.ingress.kubernetes.io/proxy-send-timeout")
APP_ROUTING_CLASS = "webapprouting.kubernetes.azure.com"
AGIC_CERTIFICATE = "appgw.ingress.kubernetes.io/appgw-ssl-certificate"
AGIC_WAF_POLICY = "appgw.ingress.kubernetes.io/waf-policy-for-path"


def aks_rule(name: str) -> Callable[[Callable[[Manifest], Iterator[str]]], Callable[[Manifest], Iterator[str]]]:
    """Register a rule under `name` (the name appears in test ids and failure messages)."""

    def register(func: Callable[[Manifest], Iterator[str]]) -> Callable[[Manifest], Iterator[str]]:
        AKS_RULES[name] = func
        return func

    return register


def check_aks(manifest: Manifest, name: str) -> list[str]:
    """Run one AKS rule; messages are prefixed with the rule name."""
    return [f"[{name}] {msg}" for msg in AKS_RULES[name](manifest)]


# --- helpers -------------------------------------------------------------------------------------------------------


def id_fields(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """`(path, value)` of every string under a key named like a tenant or client ID, and of every env var so named."""
    if isinstance(node, dict):
        if isinstance(node.get("name"), str) and ID_FIELD.search(node["name"]) and isinstance(node.get("value"), str):
            yield f"{path}[{node['name']}]", node["value"]
        for key, value in node.items():
            if isinstance(value, str) and ID_FIELD.search(str(key)):
                yield f"{path}.{key}", value
            else:
                yield from id_fields(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from id_fields(item, f"{path}[{index}]")


def label_selector_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A LabelSelector (matchLabels and matchExpressions) matches `labels`; an empty selector matches everything."""
    if not all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        present = key in labels
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and present and labels[key] in values):
            return False
        if (op == "Exists" and not present) or (op == "DoesNotExist" and present):
            return False
    return True


def peer_admits(peer: Obj, policy_namespace: str, namespace_labels: dict[str, str], pod_labels: dict[str, str]) -> bool:
    """A NetworkPolicyPeer admits a pod with these labels in a namespace with these labels."""
    if "ipBlock" in peer:
        return False
    if "namespaceSelector" in peer:
        if not label_selector_matches(peer["namespaceSelector"] or {}, namespace_labels):
            return False
    elif namespace_labels.get("kubernetes.io/metadata.name") != policy_namespace:
        return False  # a podSelector alone selects pods of the policy's own namespace
    return label_selector_matches(peer.get("podSelector") or {}, pod_labels)


def rule_covers_port(rule: Obj, ports: set[str | int]) -> bool:
    """An ingress rule's ports include one of `ports` (no ports: every port)."""
    listed = rule.get("ports") or []
    return not listed or any(p.get("port") in ports or "port" not in p for p in listed)


def scraped_pod_labels(manifest: Manifest, monitor: Obj) -> list[dict[str, str]]:
    """Pod template labels of the workloads behind the Services the ServiceMonitor selects."""
    selector = (monitor["spec"].get("selector") or {}).get("matchLabels") or {}
    services = [s for s in manifest.by_kind("Service") if selects(selector, s["metadata"].get("labels") or {})]
    return [
        dict(pod.meta.get("labels") or {})
        for pod in manifest.pod_templates()
        if pod.owner["kind"] != "Pod"
        and any(selects(s["spec"].get("selector") or {}, pod.meta.get("labels") or {}) for s in services)
    ]


def scrape_ports(manifest: Manifest, monitor: Obj) -> set[str | int]:
    """Names and numbers of the pod ports the ServiceMonitor's endpoints reach (through the selected Services)."""
    selector = (monitor["spec"].get("selector") or {}).get("matchLabels") or {}
    wanted = {e.get("port") for e in monitor["spec"].get("endpoints") or []}
    targets: set[str | int] = set()
    for svc in manifest.by_kind("Service"):
        if selects(selector, svc["metadata"].get("labels") or {}):
            for port in svc["spec"].get("ports") or []:
                if port.get("name") in wanted:
                    targets.add(port.get("targetPort", port.get("port")))
    for p in (port for c in manifest.containers() for port in c.spec.get("ports") or []):
        if p.get("name") in targets or p.get("containerPort") in targets:
            targets |= {p["name"], p["containerPort"]} - {None}
    return targets


def admits_scraper(policy: Obj, ports: set[str | int], scraper: tuple[dict[str, str], dict[str, str]]) -> bool:
    """The NetworkPolicy admits the scraper pod to one of `ports` (or does not restrict ingress at all)."""
    spec = policy.get("spec") or {}
    if "Ingress" not in (spec.get("policyTypes") or ["Ingress"]):
        return True
    namespace = policy["metadata"].get("namespace", "")
    for rule in spec.get("ingress") or []:
        peers = rule.get("from")
        if rule_covers_port(rule, ports) and (not peers or any(peer_admits(p, namespace, *scraper) for p in peers)):
            return True
    return False


# --- rules ---------------------------------------------------------------------------------------------------------


@aks_rule("fake-azure-ids")
def fake_azure_ids(manifest: Manifest) -> Iterator[str]:
    """No real tenant anywhere; every GUID in a tenant or client ID field is an obviously fake one."""
    if REAL_TENANT in manifest.text:
        yield f"render of {manifest.request.describe()}: contains the real tenant ID {REAL_TENANT}"
    for obj in manifest.objects:
        for path, value in id_fields(obj):
            for guid in GUID.findall(value):
                if not FAKE_ID.fullmatch(guid):
                    yield f"{ref(obj)}: {path.lstrip('.')} is {guid}, not a fake 00000000-0000-0000-0000-00000000000N"


@aks_rule("keyvault-tenantID")
def keyvault_tenant_id(manifest: Manifest) -> Iterator[str]:
    """The Azure Key Vault provider's parameter is `tenantID`; `tenantId` is deprecated
    (Azure/secrets-store-csi-driver-provider-azure pkg/provider/types/parameters.go, GetTenantID)."""
    for spc in manifest.by_kind("SecretProviderClass"):
        if spc["spec"].get("provider") != "azure":
            continue
        params = spc["spec"].get("parameters") or {}
        if "tenantId" in params:
            yield f"{ref(spc)}: spec.parameters.tenantId is deprecated; render tenantID"
        if not params.get("tenantID"):
            yield f"{ref(spc)}: spec.parameters.tenantID is missing"


@aks_rule("managed-prometheus-limits")
def managed_prometheus_limits(manifest: Manifest) -> Iterator[str]:
    """A ServiceMonitor for Azure Managed Prometheus carries the label limits Azure's template sets."""
    for monitor in manifest.by_kind("ServiceMonitor"):
        if not str(monitor.get("apiVersion", "")).startswith(MANAGED_PROMETHEUS_GROUP + "/"):
            continue
        for field, value in MANAGED_PROMETHEUS_LIMITS.items():
            if monitor["spec"].get(field) != value:
                yield f"{ref(monitor)}: spec.{field} is {monitor['spec'].get(field)!r}, want {value}"


@aks_rule("networkpolicy-admits-scraper")
def networkpolicy_admits_scraper(manifest: Manifest) -> Iterator[str]:
    """With a ServiceMonitor and a NetworkPolicy, the policy admits the scraper to the metrics port: Azure Managed
    Prometheus's collector for azmonitoring.coreos.com, the `networkPolicy.metricsFrom` peers otherwise."""
    for monitor in manifest.by_kind("ServiceMonitor"):
        ports = scrape_ports(manifest, monitor)
        scraped = scraped_pod_labels(manifest, monitor)
        for policy in manifest.by_kind("NetworkPolicy"):
            spec = policy["spec"]
            if not any(selects((spec.get("podSelector") or {}).get("matchLabels") or {}, pod) for pod in scraped):
                continue  # a policy of pods the ServiceMonitor does not scrape (the endpoint picker's)
            if str(monitor["apiVersion"]).startswith(MANAGED_PROMETHEUS_GROUP + "/"):
                if not admits_scraper(policy, ports, MANAGED_PROMETHEUS_SCRAPER):
                    yield f"{ref(policy)}: does not admit Azure Managed Prometheus (kube-system, rsName: ama-metrics)"
                continue
            wanted = value_at(manifest.values, "networkPolicy.metricsFrom") or []
            rules = [r for r in spec.get("ingress") or [] if rule_covers_port(r, ports)]
            if not wanted or not all(any(peer in (r.get("from") or []) for r in rules) for peer in wanted):
                yield f"{ref(policy)}: nothing admits the scraper of {ref(monitor)} (networkPolicy.metricsFrom)"


@aks_rule("rwo-cache-single-pod")
def rwo_cache_single_pod(manifest: Manifest) -> Iterator[str]:
    """A ReadWriteOnce claim (an Azure Disk: one node at a time, AKS concepts-storage.md) is mounted by one pod only:
    no second replica, no rolling update that starts the new pod before the old one stops."""
    single_node: set[str] = {
        str(pvc["metadata"]["name"])
        for pvc in manifest.by_kind("PersistentVolumeClaim")
        if SINGLE_NODE_ACCESS_MODES & set(pvc["spec"].get("accessModes") or [])
    }
    for deployment in manifest.by_kind("Deployment"):
        volumes = deployment["spec"]["template"]["spec"].get("volumes") or []
        claims = {str((v.get("persistentVolumeClaim") or {}).get("claimName")) for v in volumes} & single_node
        for claim in sorted(claims):
            if replicas_can_exceed_one(manifest, deployment):
                yield f"{ref(deployment)}: more than one pod can mount the ReadWriteOnce claim {claim}"
            strategy = deployment["spec"].get("strategy") or {}
            surge = str((strategy.get("rollingUpdate") or {}).get("maxSurge", "25%"))
            # maxSurge 0: the old pod stops before the new one starts (Kubernetes' default maxSurge is 25%)
            if strategy.get("type", "RollingUpdate") == "RollingUpdate" and surge not in {"0", "0%"}:
                yield f"{ref(deployment)}: a rolling update starts a second pod on the ReadWriteOnce claim {claim}"


@aks_rule("agic-certificate-without-tls-spec")
def agic_certificate_without_tls_spec(manifest: Manifest) -> Iterator[str]:
    """AGIC ignores appgw-ssl-certificate when the Ingress has a TLS spec
    (Azure/application-gateway-kubernetes-ingress docs/annotations.md)."""
    for ingress in manifest.by_kind("Ingress"):
        if AGIC_CERTIFICATE in (ingress["metadata"].get("annotations") or {}) and ingress["spec"].get("tls"):
            yield f"{ref(ingress)}: {AGIC_CERTIFICATE} is ignored because spec.tls is set"


@aks_rule("agic-waf-needs-waf-v2")
def agic_waf_needs_waf_v2(manifest: Manifest) -> Iterator[str]:
    """A WAF policy attaches only to a WAF_v2 Application Gateway (Azure WAF docs, ag/policy-overview)."""
    sku = value_at(manifest.values, "ingress.agic.gatewaySku")
    for ingress in manifest.by_kind("Ingress"):
        if AGIC_WAF_POLICY in (ingress["metadata"].get("annotations") or {}) and sku != "WAF_v2":
            yield f"{ref(ingress)}: {AGIC_WAF_POLICY} on a {sku} gateway (ingress.agic.gatewaySku)"


@aks_rule("nginx-timeout-within-lb-idle")
def nginx_timeout_within_lb_idle(manifest: Manifest) -> Iterator[str]:
    """Application routing's nginx timeouts do not outlast the Azure Load Balancer idle timeout in front of it
    (default 4 minutes, at most 30: AKS configure-load-balancer-standard.md)."""
    minutes = int(value_at(manifest.values, "ingress.nginx.loadBalancerIdleTimeoutMinutes", 4))
    for ingress in manifest.by_kind("Ingress"):
        if ingress["spec"].get("ingressClassName") != APP_ROUTING_CLASS:
            continue
        notes = ingress["metadata"].get("annotations") or {}
        for key in NGINX_TIMEOUTS:
            seconds = int(notes.get(key, 60))
            if seconds > min(minutes, 30) * 60:
                yield f"{ref(ingress)}: {key} {seconds} s outlasts the load balancer's {minutes}-minute idle timeout"
