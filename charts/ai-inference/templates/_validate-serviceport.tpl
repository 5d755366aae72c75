{{/* Service port name: Kubernetes allows an unnamed port only on a Service with a single port
(kubernetes/kubernetes pkg/apis/core/validation/validation.go, validateServicePort: the name is required when
requireName, i.e. when the Service has more than one port).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.serviceport" -}}
{{- $v := .Values }}
{{- if and (not $v.service.portName) $v.service.extraPorts }}
{{- print "\nservice.portName: empty, but service.extraPorts adds more Service ports; allowed: a name (e.g. http) when the Service has several ports" }}
{{- end }}
{{- end }}
