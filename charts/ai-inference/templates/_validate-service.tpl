{{/* Service: the target port must be a port of the server container; an unnamed port only on a Service with a
single port (kubernetes/kubernetes pkg/apis/core/validation/validation.go, validateServicePort: the name is required
when the Service has more than one port).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.service" -}}
{{- $v := .Values }}
{{- $target := toString $v.service.targetPort }}
{{- if not (has $target (list "http" (toString $v.containerPort))) }}
{{- printf "\nservice.targetPort: %q is not a port of the server container; allowed: http or containerPort (%v)" $target $v.containerPort }}
{{- end }}
{{- if and (not $v.service.portName) $v.service.extraPorts }}
{{- print "\nservice.portName: empty, but service.extraPorts adds more Service ports; allowed: a name (e.g. http) when the Service has several ports" }}
{{- end }}
{{- end }}
