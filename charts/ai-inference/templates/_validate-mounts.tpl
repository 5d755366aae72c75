{{/* Mounts: the chart mounts /tmp and /dev/shm itself, secrets at secrets.mountPath and the model cache at
modelCache.mountPath, and extraVolumeMounts; two volumes at one path are rejected by the API server (mountPath must be unique).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.mounts" -}}
{{- $v := .Values }}
{{- $taken := dict "/tmp" "the chart's /tmp volume" "/dev/shm" "the chart's /dev/shm volume" }}
{{- if include "ai-inference.mountsSecrets" . }}
{{- $path := trimSuffix "/" $v.secrets.mountPath }}
{{- if hasKey $taken $path }}
{{- printf "\nsecrets.mountPath: %q is %s; allowed: another absolute path" $path (get $taken $path) }}
{{- end }}
{{- $_ := set $taken $path "secrets.mountPath" }}
{{- end }}
{{- if $v.modelCache.enabled }}
{{- $path := trimSuffix "/" $v.modelCache.mountPath }}
{{- if hasKey $taken $path }}
{{- printf "\nmodelCache.mountPath: %q is already used by %s; allowed: another absolute path" $path (get $taken $path) }}
{{- end }}
{{- $_ := set $taken $path "modelCache.mountPath" }}
{{- end }}
{{- range $i, $mount := $v.extraVolumeMounts }}
{{- $path := trimSuffix "/" (toString $mount.mountPath) }}
{{- if hasKey $taken $path }}
{{- printf "\nextraVolumeMounts[%d].mountPath: %q is already used by %s; allowed: another absolute path" $i $path (get $taken $path) }}
{{- end }}
{{- $_ := set $taken $path (printf "extraVolumeMounts[%d]" $i) }}
{{- end }}
{{- end }}
