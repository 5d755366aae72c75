"""Storage a values file expects, made on the cluster under test: PersistentVolumes provisioned statically.

The local cluster runs no storage provisioner, and a pod whose claim stays unbound is never scheduled (and
`helm install --wait` waits for claims to be bound). For every claim the release's pods mount, a PersistentVolume
pre-bound to it (`claimRef`) with the claim's class, access modes and size is created; a claim the chart does not
render (`modelCache.existingClaim`, `extraVolumes`) is created first, as its owner would before installing, on an
Azure Files class. The volumes are hostPath-backed (Pod Security applies to pods, not to PersistentVolumes; kind can
mount them), retained, and removed by `delete_volumes`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubernetes import client

if TYPE_CHECKING:
    from .kube import Kube

# A claim the user brings (an Azure Files share holding a model repository, say).
EXISTING_CLAIM_CLASS = "azurefile-csi"
EXISTING_CLAIM_SIZE = "10Gi"


def mounted_claims(objects: list[dict[str, Any]]) -> set[str]:
    """Names of the PersistentVolumeClaims the rendered workloads' pods mount."""
    claims: set[str] = set()
    for obj in objects:
        if obj["kind"] != "Deployment":
            continue
        for volume in obj["spec"]["template"]["spec"].get("volumes") or []:
            if "persistentVolumeClaim" in volume:
                claims.add(volume["persistentVolumeClaim"]["claimName"])
    return claims


def _claim_spec(kube: Kube, namespace: str, name: str, rendered: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The claim's spec: the rendered one, else a claim created here as the user would."""
    if name in rendered:
        spec: dict[str, Any] = rendered[name]["spec"]
        return spec
    spec = {
        "accessModes": ["ReadWriteMany"],
        "storageClassName": EXISTING_CLAIM_CLASS,
        "resources": {"requests": {"storage": EXISTING_CLAIM_SIZE}},
    }
    body: Any = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name},
        "spec": spec,
    }  # the client takes plain dicts too
    kube.core.create_namespaced_persistent_volume_claim(namespace, body)
    return spec


def provide_claims(kube: Kube, namespace: str, objects: list[dict[str, Any]]) -> list[str]:
    """Create a pre-bound PersistentVolume for every claim the pods mount; return the volumes' names."""
    rendered = {o["metadata"]["name"]: o for o in objects if o["kind"] == "PersistentVolumeClaim"}
    created: list[str] = []
    for claim in sorted(mounted_claims(objects)):
        spec = _claim_spec(kube, namespace, claim, rendered)
        name = f"{namespace}-{claim}"[:253]
        volume: Any = {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": name, "labels": {"app.kubernetes.io/part-of": "ai-inference-smoke"}},
            "spec": {
                "capacity": {"storage": spec["resources"]["requests"]["storage"]},
                "accessModes": spec["accessModes"],
                "storageClassName": spec.get("storageClassName", ""),
                "persistentVolumeReclaimPolicy": "Retain",
                "claimRef": {"namespace": namespace, "name": claim},
                "hostPath": {"path": f"/tmp/ai-inference-smoke/{name}", "type": "DirectoryOrCreate"},  # noqa: S108
            },
        }
        kube.core.create_persistent_volume(volume)
        created.append(name)
    return created


def delete_volumes(kube: Kube, names: list[str]) -> None:
    """Remove volumes made by `provide_claims` (retained volumes outlive their namespace)."""
    for name in names:
        try:
            kube.core.delete_persistent_volume(name)
        except client.ApiException as exc:
            if exc.status != 404:
                raise
