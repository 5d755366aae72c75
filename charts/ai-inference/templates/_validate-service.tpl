{{/* Service: the target port must be a port of the server container.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.service" -}}
{{- $v := .Values }}
{{- $target := toString $v.service.targetPort }}
{{- if not (has $target (list "http" (toString $v.containerPort))) }}
{{- printf "\nservice.targetPort: %q is not a port of the server container; allowed: http or containerPort (%v)" $target $v.containerPort }}
{{- end }}
{{- end }}
