{{/* Placement: tolerations in the shapes the API server accepts (k8s.io/kubernetes pkg/apis/core/validation
validateTolerations): an empty key needs operator Exists; Exists takes no value; tolerationSeconds only with NoExecute.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.placement" -}}
{{- range $list := list "gpu.tolerations" "tolerations" }}
{{- $items := ternary $.Values.gpu.tolerations $.Values.tolerations (eq $list "gpu.tolerations") }}
{{- range $index, $t := $items }}
{{- $operator := default "Equal" $t.operator }}
{{- if and (not $t.key) (ne $operator "Exists") }}
{{- printf "\n%s[%d].operator: an empty key tolerates every taint only with operator Exists; allowed: a key, or operator Exists" $list $index }}
{{- end }}
{{- if and (eq $operator "Exists") $t.value }}
{{- printf "\n%s[%d].value: must be empty with operator Exists; allowed: operator Equal with a value, or no value" $list $index }}
{{- end }}
{{- if and (hasKey $t "tolerationSeconds") (ne (toString $t.effect) "NoExecute") }}
{{- printf "\n%s[%d].tolerationSeconds: only with effect NoExecute; allowed: effect NoExecute, or no tolerationSeconds" $list $index }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
