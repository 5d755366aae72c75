"""Rules on what a render exposes or hands to other tools, for any values: no scanner suppression the values did not
write, no map with a key twice, no public load balancer, no NetworkPolicy peer that admits everything, no Helm hook
but the chart's test pod, no cluster-scoped object. Each lifted only by its `securityExceptions` name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from harness.manifest import ref
from harness.rules.registry import rule

if TYPE_CHECKING:
    from collections.abc import Iterator

    from harness.manifest import Manifest, Obj

# Per-object suppressions of the scanners users run: checkov (`checkov.io/skipN`), kube-score (`kube-score/ignore`),
# Polaris (`polaris.fairwinds.com/<check>-exempt`), kube-linter (`ignore-check.kube-linter.io/<check>`).
SCANNER_SKIP_PREFIXES = ("checkov.io/", "kube-score/", "polaris.fairwinds.com/", "ignore-check.kube-linter.io/")
INTERNAL_LB = "service.beta.kubernetes.io/azure-load-balancer-internal"
HOOK = "helm.sh/hook"
# Kinds the API server serves cluster-scoped (`kubectl api-resources --namespaced=false`, Kubernetes 1.31-1.36) and
# the AKS add-ons' cluster-scoped kinds; any kind named Cluster* counts too.
CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "ComponentStatus",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "APIService",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "StorageClass",
        "CSIDriver",
        "CSINode",
        "VolumeAttachment",
        "PriorityClass",
        "RuntimeClass",
        "IngressClass",
        "CertificateSigningRequest",
        "ClusterTrustBundle",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "IPAddress",
        "ServiceCIDR",
        "DeviceClass",
        "ResourceSlice",
        "TokenReview",
        "SelfSubjectReview",
        "SelfSubjectAccessReview",
        "SelfSubjectRulesReview",
        "SubjectAccessReview",
        "StorageVersionMigration",
        "VolumeAttributesClass",
        "GatewayClass",
        "NginxIngressController",
    }
)


def cluster_scoped(kind: str) -> bool:
    """A kind whose objects live outside any namespace."""
    return kind in CLUSTER_SCOPED or kind.startswith("Cluster")


def _keys_in(node: Any) -> Iterator[str]:  # noqa: ANN401 - values are free-form
    if isinstance(node, dict):
        for key, value in node.items():
            yield str(key)
            yield from _keys_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keys_in(item)


def _annotated(manifest: Manifest) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, annotations) of every object and pod template."""
    for obj in manifest.objects:
        yield ref(obj), (obj.get("metadata") or {}).get("annotations") or {}
    for pod in manifest.pod_templates():
        if pod.owner.get("kind") != "Pod":
            yield f"{ref(pod.owner)} pod template", pod.meta.get("annotations") or {}


@rule("no-scanner-skips")
def no_scanner_skips(manifest: Manifest) -> Iterator[str]:
    """The chart never silences a scanner: a suppression annotation appears only where the values wrote its key."""
    written = set(_keys_in(manifest.values))
    for where, notes in _annotated(manifest):
        for key in notes:
            if key.startswith(SCANNER_SKIP_PREFIXES) and key not in written:
                yield f"{where}: scanner suppression {key} that the values did not set"


class _DuplicateKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a mapping with a key twice (PyYAML, like helm's parser, keeps the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        twice = sorted({str(key) for key in keys if keys.count(key) > 1})
        if twice:
            raise yaml.constructor.ConstructorError(None, None, f"keys {twice} twice", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _scalar(node: yaml.Node, *path: str) -> str:
    """The scalar at `path` of a composed mapping (`kind`, `metadata.name`), or "?"."""
    for key in path:
        found = [value for name, value in getattr(node, "value", []) if getattr(name, "value", None) == key]
        if not found or not isinstance(node, yaml.MappingNode):
            return "?"
        node = found[0]
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


@rule("no-duplicate-keys")
def no_duplicate_keys(manifest: Manifest) -> Iterator[str]:
    """No rendered map holds a key twice (one of the two would be dropped without a word)."""
    for document in yaml.compose_all(manifest.text, Loader=yaml.SafeLoader):
        if document is None:
            continue
        try:
            _DuplicateKeyLoader("").construct_document(document)
        except yaml.constructor.ConstructorError as error:
            line = error.problem_mark.line + 1 if error.problem_mark else "?"
            yield f"{_scalar(document, 'kind')}/{_scalar(document, 'metadata', 'name')}: {error.problem} (line {line})"


@rule("internal-load-balancer", unless="publicLoadBalancer")
def internal_load_balancer(manifest: Manifest) -> Iterator[str]:
    """A LoadBalancer Service carries the AKS internal-load-balancer annotation (else it gets a public IP)."""
    for svc in manifest.by_kind("Service"):
        annotations = svc["metadata"].get("annotations") or {}
        if svc["spec"].get("type") == "LoadBalancer" and annotations.get(INTERNAL_LB) != "true":
            yield f"{ref(svc)}: LoadBalancer without {INTERNAL_LB}: 'true' (a public IP)"


def _empty(selector: Obj | None) -> bool:
    return selector is not None and not selector.get("matchLabels") and not selector.get("matchExpressions")


def _peer_problems(peer: Obj) -> Iterator[str]:
    if not peer:
        yield "an empty peer"
    pods, namespaces = peer.get("podSelector"), peer.get("namespaceSelector")
    if _empty(namespaces) and (pods is None or _empty(pods)):
        yield f"{peer} admits every pod of the cluster"
    if namespaces is None and _empty(pods):
        yield f"{peer} admits every pod of the namespace"
    if str((peer.get("ipBlock") or {}).get("cidr", "")).endswith("/0"):
        yield f"{peer} admits every address"


@rule("no-match-all-peers", unless="openNetworkPeers")
def no_match_all_peers(manifest: Manifest) -> Iterator[str]:
    """Every ingress rule of a NetworkPolicy names its peers (a rule without `from` admits everyone), and no peer
    selects every pod or address."""
    for policy in manifest.by_kind("NetworkPolicy"):
        for index, ingress in enumerate(policy["spec"].get("ingress") or []):
            if not ingress.get("from"):
                yield f"{ref(policy)}: ingress[{index}] has no from: it admits everyone"
            for peer in ingress.get("from") or []:
                yield from (f"{ref(policy)}: ingress[{index}]: {problem}" for problem in _peer_problems(peer))


@rule("no-hooks", unless="hookObjects")
def no_hooks(manifest: Manifest) -> Iterator[str]:
    """Every object is part of the release's manifest, except the chart's own `helm test` Pod."""
    for obj in manifest.objects:
        meta = obj.get("metadata") or {}
        hook = (meta.get("annotations") or {}).get(HOOK)
        is_test_pod = obj["kind"] == "Pod" and (meta.get("labels") or {}).get("app.kubernetes.io/component") == "test"
        if hook and not (hook == "test" and is_test_pod):
            yield f"{ref(obj)}: a Helm hook ({hook})"


@rule("namespaced-objects", unless="clusterScopedObjects")
def namespaced_objects(manifest: Manifest) -> Iterator[str]:
    """Nothing reaches beyond the release's namespace: no object of a cluster-scoped kind."""
    for obj in manifest.objects:
        if cluster_scoped(str(obj["kind"])):
            yield f"{ref(obj)}: a cluster-scoped kind"
