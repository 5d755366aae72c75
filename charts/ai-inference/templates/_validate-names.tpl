{{/* Names and labels: labels reserved by AKS (Deployment Safeguards reject them on workloads).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.names" -}}
{{- $v := .Values }}
{{- range $key, $_ := merge (dict) $v.podLabels $v.commonLabels $v.selectorLabels }}
{{- if hasPrefix "kubernetes.azure.com" $key }}
{{- printf "\npodLabels/commonLabels/selectorLabels: label %q uses the kubernetes.azure.com prefix, reserved for AKS (Deployment Safeguards reject it); use another label" $key }}
{{- end }}
{{- end }}
{{- end }}
