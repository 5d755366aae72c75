{{/*
Reserved metadata: no user map of labels or annotations may carry a key Helm interprets (the helm.sh and meta.helm.sh
domains: hooks, which take objects out of the release's manifest; resource-policy; release ownership) or a key the
chart writes itself on the objects the map reaches (which would be dropped, or written twice). The labels the chart
sets are refused in podLabels and commonLabels by ai-inference.validate.names; here selectorLabels (beyond the two
selector labels it replaces) and serviceMonitor.labels follow the same rule.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them.
*/}}
{{- define "ai-inference.validate.metadata" -}}
{{- $v := .Values }}
{{- $agc := include "ai-inference.agc" . }}
{{- /* map -> the keys (exact) or domains (ending in "/") the chart writes on the objects it reaches */}}
{{- $reserved := dict
  "commonAnnotations" (list "checksum/" "azure.workload.identity/" "nginx.ingress.kubernetes.io/" "appgw.ingress.kubernetes.io/" "alb.networking.azure.io/" "kubernetes.azure.com/")
  "podAnnotations" (list "checksum/")
  "deploymentAnnotations" (list)
  "service.annotations" (list)
  "ingress.annotations" (list)
  "serviceAccount.annotations" (ternary (list "azure.workload.identity/client-id") (list) (eq $v.secrets.provider "csi"))
  "httpRoute.annotations" (list)
  "gateway.annotations" (ternary (list "alb.networking.azure.io/") (list) (not (empty $agc)))
  "gateway.infrastructureAnnotations" (list)
  "commonLabels" (list)
  "podLabels" (list)
  "serviceMonitor.labels" (include "ai-inference.chartLabelKeys" (dict "selector" true "context" .) | fromJsonArray)
}}
{{- range $map := keys $reserved | sortAlpha }}
{{- $values := $v }}
{{- range splitList "." $map }}{{ $values = index $values . }}{{ end }}
{{- range $key := keys ($values | default dict) | sortAlpha }}
{{- if include "ai-inference.helmKey" $key }}
{{- printf "\n%s.%s: a key Helm interprets (hooks, resource policy, release ownership), which changes how Helm manages the release; allowed: a key outside helm.sh and meta.helm.sh" $map $key }}
{{- else if include "ai-inference.matchesKey" (dict "key" $key "reserved" (get $reserved $map)) }}
{{- printf "\n%s.%s: the chart writes this key itself (on the objects this map reaches); allowed: another key (%s)" $map $key (join ", " (get $reserved $map)) }}
{{- end }}
{{- end }}
{{- end }}
{{- $selector := include "ai-inference.chartLabelKeys" (dict "selector" false "context" .) | fromJsonArray }}
{{- $selector = concat (without $selector "app.kubernetes.io/name" "app.kubernetes.io/instance") (list "app.kubernetes.io/component" "azure.workload.identity/use") }}
{{- range $key := keys $v.selectorLabels | sortAlpha }}
{{- if or (has $key $selector) (include "ai-inference.helmKey" $key) }}
{{- printf "\nselectorLabels.%s: the chart sets this label itself (its value changes with upgrades or modes, and a selector cannot change); allowed: another key, or app.kubernetes.io/name and app.kubernetes.io/instance" $key }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Keys of the labels the chart sets on its objects, commonLabels left out; with "selector" false the user's
selectorLabels too (the chart's own selector labels instead). A JSON list.
Usage: include "ai-inference.chartLabelKeys" (dict "selector" true "context" $) | fromJsonArray
*/}}
{{- define "ai-inference.chartLabelKeys" -}}
{{- $values := omit .context.Values "commonLabels" "selectorLabels" | merge (dict "commonLabels" dict "selectorLabels" (ternary .context.Values.selectorLabels dict .selector)) }}
{{- include "ai-inference.labels" (dict "Values" $values "Chart" .context.Chart "Release" .context.Release) | fromYaml | keys | sortAlpha | toJson }}
{{- end }}

{{/* "true" when a label or annotation key is in Helm's domains (helm.sh, meta.helm.sh, or a subdomain of helm.sh). */}}
{{- define "ai-inference.helmKey" -}}
{{- $prefix := first (splitList "/" .) }}
{{- if and (contains "/" .) (or (eq $prefix "helm.sh") (hasSuffix ".helm.sh" $prefix)) }}true{{ end }}
{{- end }}

{{/* "true" when .key is one of .reserved (exact keys, or domains ending in "/"). */}}
{{- define "ai-inference.matchesKey" -}}
{{- range .reserved }}
{{- if or (eq . $.key) (and (hasSuffix "/" .) (hasPrefix . $.key)) }}true{{ end }}
{{- end }}
{{- end }}
