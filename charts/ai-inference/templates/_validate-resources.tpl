{{/* Resources: a request above its limit is rejected by the API server (k8s.io/kubernetes pkg/apis/core/validation
ValidateResourceRequirements: "must be less than or equal to <name> limit"); checked here so the render names it.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.resources" -}}
{{- $requests := .Values.resources.requests | default dict }}
{{- $limits := .Values.resources.limits | default dict }}
{{- range $name := keys $requests | sortAlpha }}
{{- if hasKey $limits $name }}
{{- $request := include "ai-inference.quantity" (index $requests $name) }}
{{- $limit := include "ai-inference.quantity" (index $limits $name) }}
{{- if and $request $limit (gt (float64 $request) (float64 $limit)) }}
{{- printf "\nresources.requests.%s: %v is more than its limit %v; allowed: at most resources.limits.%s" $name (index $requests $name) (index $limits $name) $name }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* A Kubernetes quantity as a float ("500m" -> 0.5, "1Gi" -> 1073741824); empty for forms it does not read
(exponents such as 1e3), which are then not compared. */}}
{{- define "ai-inference.quantity" -}}
{{- $text := toString . }}
{{- $number := regexFind "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)" $text }}
{{- $factors := dict "" 1.0 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 }}
{{- $suffix := trimPrefix $number $text }}
{{- if and $number (hasKey $factors $suffix) }}
{{- mulf (float64 $number) (get $factors $suffix) }}
{{- end }}
{{- end }}
