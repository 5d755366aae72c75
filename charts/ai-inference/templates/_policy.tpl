{{/*
Scanner skip annotations (checkov, kube-score) for deliberate, opt-in deviations.
Each skip is rendered only when the value that causes it is set, and carries its reason.
Usage: {{ include "ai-inference.policyAnnotations" (dict "object" "workload" "context" $) }}
object: workload (Deployment and its pod template) | testPod | service | ingress
Renders YAML map entries (possibly none), to be placed under an annotations map.
*/}}
{{- define "ai-inference.policyAnnotations" -}}
{{- end }}
