"""The schema part of the bad-input catalog (tests/render/test_bad_inputs.py): wrong types, unknown keys, bounds,
enums and patterns, each rejected by values.schema.json with a message naming the key and what is allowed."""

from __future__ import annotations

from harness.cases import CSI_MINIMUM, INGRESS_MINIMUM
from harness.helm_messages import (
    PATTERN,
    Bad,
    allowed,
    bad_name,
    extra,
    maximum,
    minimum,
    one_of,
    required,
    schema_error,
    typ,
)

SCHEMA_CATALOG: list[Bad] = [
    # --- types and unknown keys (schema) ---
    Bad("replicaCount-string", {"replicaCount": "three"}, (schema_error("replicaCount", typ("integer")),)),
    Bad("replicaCount-negative", {"replicaCount": -1}, (schema_error("replicaCount", minimum(0)),)),
    Bad("gpu.enabled-string", {"gpu.enabled": "yes"}, (schema_error("gpu.enabled", typ("boolean")),)),
    Bad("unknown-top-level-key", {"replicas": 3}, (schema_error("", extra("replicas")),)),
    Bad("unknown-nested-key", {"image.name": "roo-vision"}, (schema_error("image", extra("name")),)),
    Bad(
        "unknown-key-in-list-item",
        {"gpu.tolerations": [{"key": "sku", "operatr": "Equal", "value": "gpu", "effect": "NoSchedule"}]},
        (schema_error("gpu.tolerations.0", extra("operatr")),),
    ),
    Bad(
        "unknown-probe-field",
        {"probes.liveness.initialDelay": 5},
        (schema_error("probes.liveness", extra("initialDelay")),),
    ),
    # --- bounds ---
    Bad("gpu.count-zero", {"gpu.enabled": True, "gpu.count": 0}, (schema_error("gpu.count", minimum(1)),)),
    Bad("gpu.count-negative", {"gpu.enabled": True, "gpu.count": -2}, (schema_error("gpu.count", minimum(1)),)),
    Bad("containerPort-zero", {"containerPort": 0}, (schema_error("containerPort", minimum(1)),)),
    Bad("containerPort-too-big", {"containerPort": 70000}, (schema_error("containerPort", maximum(65535)),)),
    Bad("service.port-too-big", {"service.port": 65536}, (schema_error("service.port", maximum(65535)),)),
    Bad(
        "minReplicas-zero",
        {"autoscaling.enabled": True, "autoscaling.minReplicas": 0},
        (schema_error("autoscaling.minReplicas", minimum(1)),),
    ),
    # --- enums ---
    Bad(
        "secrets.provider-unknown",
        {"secrets.provider": "vault"},
        (schema_error("secrets.provider", one_of("native", "csi")),),
    ),
    Bad(
        "ingress.controller-unknown",
        {**INGRESS_MINIMUM, "ingress.controller": "traefik"},
        (schema_error("ingress.controller", one_of("nginx", "agic")),),
    ),
    Bad(
        "image.pullPolicy-unknown",
        {"image.pullPolicy": "Sometimes"},
        (schema_error("image.pullPolicy", one_of("IfNotPresent", "Always", "Never")),),
    ),
    Bad(
        "service.type-ExternalName",
        {"service.type": "ExternalName"},
        (schema_error("service.type", one_of("ClusterIP", "NodePort", "LoadBalancer")),),
    ),
    Bad(
        "ingress.pathType-unknown",
        {"ingress.pathType": "Regex"},
        (schema_error("ingress.pathType", one_of("Prefix", "Exact", "ImplementationSpecific")),),
    ),
    Bad(
        "agic.backendProtocol-grpc",
        {"ingress.agic.backendProtocol": "grpc"},
        (schema_error("ingress.agic.backendProtocol", one_of("http", "https")),),
    ),
    Bad(
        "strategy.type-unknown",
        {"strategy.type": "BlueGreen"},
        (schema_error("strategy.type", one_of("RollingUpdate", "Recreate")),),
    ),
    Bad(
        "modelCache.type-hostPath",
        {"modelCache.type": "hostPath"},
        (schema_error("modelCache.type", one_of("emptyDir", "existingClaim", "pvc")),),
    ),
    Bad(
        "csi-objectType-unknown",
        {**CSI_MINIMUM, "secrets.csi.objects": [{"objectName": "OpenAIKey", "objectType": "password"}]},
        (schema_error("secrets.csi.objects.0.objectType", one_of("secret", "key", "cert")),),
    ),
    Bad(
        "csi-object-without-name",
        {**CSI_MINIMUM, "secrets.csi.objects": [{"objectType": "secret"}]},
        (schema_error("secrets.csi.objects.0", required("objectName")),),
    ),
    # --- patterns ---
    Bad("digest-malformed", {"image.digest": "sha256:abc123"}, (schema_error("image.digest", PATTERN),)),
    Bad("digest-without-algorithm", {"image.digest": "a" * 64}, (schema_error("image.digest", PATTERN),)),
    Bad("image.tag-latest", {"image.tag": "latest"}, (schema_error("image.tag", allowed("a fixed tag")),)),
    Bad(
        "gpu.imageTag-latest",
        {"gpu.enabled": True, "gpu.imageTag": "latest"},
        (schema_error("gpu.imageTag", allowed("a fixed tag")),),
    ),
    Bad(
        "helmTest.image-latest",
        {"helmTest.image.tag": "latest"},
        (schema_error("helmTest.image.tag", allowed("a fixed tag")),),
    ),
    Bad(
        "helmTest.image-untagged",
        {"helmTest.image.tag": ""},
        (schema_error("helmTest.image.tag", allowed("a fixed tag")),),
    ),
    Bad(
        "tenantId-not-guid",
        {**CSI_MINIMUM, "secrets.csi.tenantId": "contoso.onmicrosoft.com"},
        (schema_error("secrets.csi.tenantId", allowed("a GUID such as")),),
    ),
    Bad(
        "clientId-not-guid",
        {**CSI_MINIMUM, "secrets.csi.clientId": "my-identity"},
        (schema_error("secrets.csi.clientId", allowed("a GUID such as")),),
    ),
    Bad(
        "keyvaultName-too-long",
        {**CSI_MINIMUM, "secrets.csi.keyvaultName": "k" * 30},
        (schema_error("secrets.csi.keyvaultName", PATTERN),),
    ),
    # Helm 4 prints a bad property *name* at path '' on the line after its map's path: match both lines
    Bad(
        "config-key-starts-with-digit",
        {"config": {"1WORKERS": "4"}},
        (schema_error("config", extra("1WORKERS")), bad_name("config", "1WORKERS")),
    ),
    Bad(
        "config-key-with-dash",
        {"config": {"LOG-LEVEL": "info"}},
        (schema_error("config", extra("LOG-LEVEL")), bad_name("config", "LOG-LEVEL")),
    ),
    Bad("config-value-number", {"config": {"WORKERS": 4}}, (schema_error("config.WORKERS", typ("string")),)),
    Bad(
        "secrets.env-bad-name",
        {"secrets.env": {"api-key": "api-key"}},
        (schema_error("secrets.env", extra("api-key")), bad_name("secrets.env", "api-key")),
    ),
    Bad("extraEnv-bad-name", {"extraEnv": [{"name": "1X", "value": "y"}]}, (schema_error("extraEnv.0.name", PATTERN),)),
    Bad(
        "keyVaultUri-not-a-vault",
        {**INGRESS_MINIMUM, "ingress.tls.enabled": True, "ingress.tls.keyVaultUri": "https://example.com/cert"},
        (schema_error("ingress.tls.keyVaultUri", PATTERN),),
    ),
    Bad(
        "quantity-malformed",
        {"resources.limits.memory": "2 GB"},
        (schema_error("resources.limits.memory", allowed("a non-negative Kubernetes quantity")),),
    ),
]
