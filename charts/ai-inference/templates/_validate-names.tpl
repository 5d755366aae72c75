{{/* Names and labels: labels reserved by AKS (Deployment Safeguards reject them on workloads).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.names" -}}
{{- $v := .Values }}
{{- range $key, $_ := merge (dict) $v.podLabels $v.commonLabels $v.selectorLabels }}
{{- if hasPrefix "kubernetes.azure.com" $key }}
{{- printf "\npodLabels/commonLabels/selectorLabels: label %q uses the kubernetes.azure.com prefix, reserved for AKS (Deployment Safeguards reject it); use another label" $key }}
{{- end }}
{{- end }}
{{- $managed := merge (include "ai-inference.selectorLabels" . | fromYaml) (dict "helm.sh/chart" "" "app.kubernetes.io/name" "" "app.kubernetes.io/instance" "" "app.kubernetes.io/managed-by" "" "app.kubernetes.io/part-of" "" "app.kubernetes.io/version" "" "azure.workload.identity/use" "") }}
{{- range $map := list "podLabels" "commonLabels" }}
{{- range $key := keys (index $v $map) | sortAlpha }}
{{- if and (hasKey $managed $key) (not (and (eq $map "commonLabels") (hasKey $v.selectorLabels $key))) }}
{{- printf "\n%s.%s: the chart sets this label itself (selector, recommended or workload identity labels); allowed: another key" $map $key }}
{{- end }}
{{- end }}
{{- end }}
{{- $fullname := include "ai-inference.fullname" . }}
{{- range $suffix := list "config" "secrets" "kv" "kv-sync" "model-cache" }}
{{- if gt (len (printf "%s-%s" $fullname $suffix)) 63 }}
{{- printf "\nfullnameOverride: %q with the chart's suffix -%s is longer than 63 characters; allowed: a shorter fullnameOverride or release name" $fullname $suffix }}
{{- end }}
{{- end }}
{{- $service := include "ai-inference.serviceName" . }}
{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $service) }}
{{- printf "\nservice.name: %q is not a DNS-1035 label (a Service name starts with a letter); allowed: set service.name or a release name that starts with a letter" $service }}
{{- end }}
{{- end }}
