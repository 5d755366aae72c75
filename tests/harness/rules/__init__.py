"""Security and reliability rules applied to every render.

Each rule is a named check `(Manifest) -> Iterator[str]` in `RULES` that yields one message per violation, naming
the object (`Kind/name`) and, where it applies, the container (`Kind/name section/container`). Container rules are
written once per property and run on every container of every pod the chart renders (`Manifest.containers()`);
pod rules on every pod template, the `helm test` Pod included; `routing` holds the Gateway API, canary, KEDA and AGC
rules, `inference` those of the InferencePool mode, `exposure` what a render exposes (load balancers,
NetworkPolicy peers, hooks, cluster-scoped objects, scanner suppressions, keys written twice). A deliberate
deviation is accepted only when the values name it in `securityExceptions` (`allowed_deviations`).

Sources, cited per rule: the Pod Security Standards "restricted" profile as the Kubernetes Pod Security admission
enforces it (kubernetes/kubernetes `staging/src/k8s.io/pod-security-admission/policy/check_*.go`), AKS Deployment
Safeguards (https://learn.microsoft.com/azure/aks/deployment-safeguards), and the checkov (`CKV_K8S_*`) and
kube-score check ids the ecosystem tier runs for real.
"""

from harness.rules import exposure, inference, objects, pods, routing
from harness.rules.registry import (
    RULES,
    allowed_deviations,
    check,
    replicas_can_exceed_one,
    selects,
    targeting_autoscalers,
    value_at,
)

__all__ = [
    "RULES",
    "allowed_deviations",
    "check",
    "exposure",
    "inference",
    "objects",
    "pods",
    "replicas_can_exceed_one",
    "routing",
    "selects",
    "targeting_autoscalers",
    "value_at",
]
