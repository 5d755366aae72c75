"""The InferencePool part of the bad-input catalog (tests/render/test_bad_inputs.py): the Gateway API Inference
Extension mode, its gateways, its pool and its endpoint picker."""

from __future__ import annotations

from harness.cases import AGC_REFERENCE, CANARY_MINIMUM, INFERENCE_POOL, ROUTE_MINIMUM
from harness.helm_messages import PATTERN, Bad, chart_error, extra, maximum, minimum, one_of, schema_error

PICKER = "inferencePool.endpointPicker"
AGC_POOL = {**INFERENCE_POOL, **AGC_REFERENCE}

INFERENCE_CATALOG: list[Bad] = [
    # --- the route and the gateway ---
    Bad(
        "pool-without-route",
        {"inferencePool.enabled": True},
        (chart_error("inferencePool.enabled", "HTTPRoute, which is off; allowed: httpRoute.enabled=true"),),
    ),
    Bad(
        "pool-on-approuting-istio",
        {**ROUTE_MINIMUM, "inferencePool.enabled": True},
        (chart_error("inferencePool.enabled", "approuting-istio.*allowed: gateway.className=azure-alb-external"),),
    ),
    Bad(
        "pool-h2c-on-agc",
        {**AGC_POOL, "inferencePool.appProtocol": "kubernetes.io/h2c"},
        (chart_error("inferencePool.appProtocol", "v1.3.1 InferencePool CRD.*allowed: empty"),),
    ),
    Bad(
        "pool-app-protocol-unknown",
        {**INFERENCE_POOL, "inferencePool.appProtocol": "http2"},
        (schema_error("inferencePool.appProtocol", one_of("kubernetes.io/h2c")),),
    ),
    Bad(
        "pool-with-agc-health-check",
        {**AGC_POOL, "gateway.agc.healthCheck.enabled": True},
        (chart_error("gateway.agc.healthCheck.enabled", "route's backend is the InferencePool.*allowed: false"),),
    ),
    Bad(
        "pool-with-canary-mirror",
        {**CANARY_MINIMUM, **INFERENCE_POOL, "canary.mirror.enabled": True},
        (chart_error("canary.mirror.enabled", "InferencePools.*allowed: false"),),
    ),
    Bad(
        "pool-unknown-key",
        {**INFERENCE_POOL, "inferencePool.selector": {"app": "other"}},
        (schema_error("inferencePool", extra("selector")),),
    ),
    # --- the pool: pods to select, the port they serve ---
    Bad(
        "pool-selects-no-pod",
        {**INFERENCE_POOL, "replicaCount": 0},
        (chart_error("replicaCount", "without a pod to select.*allowed: 1 or more"),),
    ),
    Bad(
        "pool-port-mismatch",
        {**INFERENCE_POOL, "service.targetPort": 8080},
        (chart_error("service.targetPort", "8080 is not a container port.*allowed: http"),),
    ),
    Bad(
        "pool-port-name-unknown",
        {**INFERENCE_POOL, "service.targetPort": "metrics"},
        (chart_error("service.targetPort", "metrics is not a container port"),),
    ),
    Bad(
        "pool-picker-selector-like-server",
        {**INFERENCE_POOL, "selectorLabels": {"app.kubernetes.io/instance": "ai"}},
        (chart_error("selectorLabels", "picker's selector labels.*allowed: a selectorLabels key besides"),),
    ),
    Bad(
        "pool-name-invalid",
        {**INFERENCE_POOL, "inferencePool.name": "Pool_1"},
        (schema_error("inferencePool.name", PATTERN),),
    ),
    # --- the endpoint picker ---
    Bad(
        "picker-fail-close-single-replica",
        {**INFERENCE_POOL, f"{PICKER}.replicaCount": 1},
        (chart_error(f"{PICKER}.replicaCount", "FailClose.*allowed: 2 or more, or failureMode FailOpen"),),
    ),
    Bad(
        "picker-failure-mode-unknown",
        {**INFERENCE_POOL, f"{PICKER}.failureMode": "FailSafe"},
        (schema_error(f"{PICKER}.failureMode", one_of("FailClose", "FailOpen")),),
    ),
    Bad(
        "picker-existing-without-name",
        {**INFERENCE_POOL, f"{PICKER}.create": False},
        (chart_error(f"{PICKER}.name", "required with endpointPicker.create=false"),),
    ),
    Bad(
        "picker-existing-with-canary",
        {**CANARY_MINIMUM, **INFERENCE_POOL, f"{PICKER}.create": False, f"{PICKER}.name": "epp"},
        (chart_error(f"{PICKER}.create", "the canary's pool needs its own"),),
    ),
    Bad(
        "picker-without-rbac",
        {**INFERENCE_POOL, f"{PICKER}.rbac": {"create": False}},
        (schema_error(PICKER, extra("rbac")),),
    ),
    Bad(
        "picker-rule-writes",
        {**INFERENCE_POOL, f"{PICKER}.extraRules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"]}]},
        (schema_error(f"{PICKER}.extraRules.0.verbs.0", one_of("get", "list", "watch")),),
    ),
    Bad(
        "picker-rule-wildcard",
        {**INFERENCE_POOL, f"{PICKER}.extraRules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]}]},
        (schema_error(f"{PICKER}.extraRules.0.apiGroups.0", PATTERN),),
    ),
    Bad(
        "picker-ports-collide",
        {**INFERENCE_POOL, f"{PICKER}.metricsPort": 9002},
        (chart_error(f"{PICKER}.port", "9002 is also endpointPicker.metricsPort; allowed: three different ports"),),
    ),
    Bad(
        "picker-port-out-of-range",
        {**INFERENCE_POOL, f"{PICKER}.port": 70000},
        (schema_error(f"{PICKER}.port", maximum(65535)),),
    ),
    Bad(
        "picker-replicas-zero",
        {**INFERENCE_POOL, f"{PICKER}.replicaCount": 0},
        (schema_error(f"{PICKER}.replicaCount", minimum(1)),),
    ),
    Bad(
        "picker-flag-set-by-chart",
        {**INFERENCE_POOL, f"{PICKER}.extraArgs": ["--pool-name=other"]},
        (chart_error(f"{PICKER}.extraArgs", "--pool-name is set by the chart"),),
    ),
    Bad(
        "picker-arg-not-a-flag",
        {**INFERENCE_POOL, f"{PICKER}.extraArgs": ["serve"]},
        (schema_error(f"{PICKER}.extraArgs.0", PATTERN),),
    ),
    Bad(
        "picker-without-memory-limit",
        {**INFERENCE_POOL, f"{PICKER}.resources.limits.memory": None},
        (chart_error(f"{PICKER}.resources.limits", "no memory.*allowed: a quantity"),),
    ),
    Bad(
        "picker-image-latest",
        {**INFERENCE_POOL, f"{PICKER}.image.tag": "latest"},
        (schema_error(f"{PICKER}.image.tag", "(?:Must not validate the schema|'not' failed)"),),
    ),
    Bad(
        "picker-image-without-tag",
        {**INFERENCE_POOL, f"{PICKER}.image.tag": ""},
        (schema_error(f"{PICKER}.image.tag", "(?:String length must be greater than or equal to 1|minLength)"),),
    ),
]
