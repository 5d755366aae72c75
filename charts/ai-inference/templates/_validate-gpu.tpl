{{/* GPU: GPUs are requested through gpu.enabled and gpu.count only.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.gpu" -}}
{{- $v := .Values }}
{{- $gpu := $v.gpu.resourceName }}
{{- if hasKey ($v.resources.requests | default dict) $gpu }}
{{- printf "\nresources.requests.%s: GPUs are requested with gpu.enabled and gpu.count (set as a limit); remove the request" $gpu }}
{{- end }}
{{- if hasKey ($v.resources.limits | default dict) $gpu }}
{{- printf "\nresources.limits.%s: set GPUs with gpu.enabled=true and gpu.count instead" $gpu }}
{{- end }}
{{- end }}
