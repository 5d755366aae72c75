{{/* Environment: one source per variable name (config, secrets.env, extraEnv); the chart's own defaults (HOME,
HF_HOME) yield to any of them.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.env" -}}
{{- $v := .Values }}
{{- $sources := dict }}
{{- range $name := keys $v.config | sortAlpha }}{{ $_ := set $sources $name "config" }}{{ end }}
{{- range $name := keys $v.secrets.env | sortAlpha }}{{ $_ := set $sources $name "secrets.env" }}{{ end }}
{{- range $index, $env := $v.extraEnv }}
{{- if hasKey $sources $env.name }}
{{- printf "\nextraEnv[%d].name: %q is also set by %s; an environment variable can come from one place only" $index $env.name (get $sources $env.name) }}
{{- end }}
{{- $_ := set $sources $env.name "extraEnv" }}
{{- end }}
{{- end }}
