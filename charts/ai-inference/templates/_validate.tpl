{{/*
Checks of value combinations that values.schema.json cannot express, one partial per concern
(`_validate-<concern>.tpl`, define "ai-inference.validate.<concern>"). Each prints one line per problem,
"<key>: <what is wrong>; <what is allowed>"; this aggregator prefixes them with "ai-inference: " and fails the render
once with all of them. Called from deployment.yaml, which every render includes.
*/}}
{{- define "ai-inference.validate" -}}
{{- $lines := list }}
{{- range $concern := list "switches" "secrets" "gpu" "ingress" "service" "scaling" "names" "metrics" "ports" "routing" "pod" "rollout" "gateway" "inference" "canary" "keda" "env" "placement" "mounts" "resources" "security" "metadata" "extraobjects" "exposure" "server" "images" "config" "prometheus" "quantities" }}
{{- range splitList "\n" (include (printf "ai-inference.validate.%s" $concern) $) }}
{{- if . }}{{ $lines = append $lines (printf "ai-inference: %s" .) }}{{ end }}
{{- end }}
{{- end }}
{{- if $lines }}
{{- fail (sortAlpha $lines | uniq | join "\n") }}
{{- end }}
{{- end }}

{{/* The switches (also in values.schema.json; checked here too, so --skip-schema-validation cannot let an unknown mode through).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.switches" -}}
{{- $v := .Values }}
{{- if not (has $v.secrets.provider (list "native" "csi")) }}
{{- printf "\nsecrets.provider: %q is not supported; allowed: native, csi" (toString $v.secrets.provider) }}
{{- end }}
{{- if not (has $v.ingress.controller (list "nginx" "agic")) }}
{{- printf "\ningress.controller: %q is not supported; allowed: nginx, agic" (toString $v.ingress.controller) }}
{{- end }}
{{- end }}
