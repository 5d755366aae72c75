{{/* Which Prometheus reads the metrics: KEDA's default query asks an Azure Monitor workspace for the series a
ServiceMonitor scrape labels, and Azure Managed Prometheus reads only ServiceMonitors of azmonitoring.coreos.com
(Azure Monitor docs prometheus-metrics-scrape-crd).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.prometheus" -}}
{{- $v := .Values }}
{{- $k := $v.keda }}
{{- $azure := regexMatch "^https://[^/]+\\.prometheus\\.monitor\\.azure\\.(com|cn|us)(/|$)" (toString $k.prometheus.serverAddress) }}
{{- if and $k.enabled $azure (not $k.prometheus.query) $v.serviceMonitor.enabled (ne $v.serviceMonitor.apiVersion "azmonitoring.coreos.com/v1") }}
{{- printf "\nserviceMonitor.apiVersion: %s is ignored by Azure Managed Prometheus, whose workspace keda.prometheus.serverAddress asks, so KEDA's default query finds no series and never scales; allowed: azmonitoring.coreos.com/v1, or your own keda.prometheus.query" $v.serviceMonitor.apiVersion }}
{{- end }}
{{- end }}
