{{/* Metrics: a NetworkPolicy must admit whoever scrapes the ServiceMonitor.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.metrics" -}}
{{- $v := .Values }}
{{- if and $v.networkPolicy.enabled $v.serviceMonitor.enabled (not $v.networkPolicy.metricsFrom) (ne $v.serviceMonitor.apiVersion "azmonitoring.coreos.com/v1") }}
{{- printf "\nnetworkPolicy.metricsFrom: empty with networkPolicy.enabled and a %s ServiceMonitor, so the NetworkPolicy blocks the Prometheus that scrapes it; allowed: that Prometheus's pods as NetworkPolicyPeer objects (e.g. [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]), or serviceMonitor.apiVersion=azmonitoring.coreos.com/v1 (Azure Managed Prometheus, admitted by default)" $v.serviceMonitor.apiVersion }}
{{- end }}
{{- end }}
