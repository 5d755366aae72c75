{{/* Memory: /dev/shm is a memory-backed emptyDir, whose pages count against the container's memory limit and whose
size the kubelet caps at the pod's memory limit (Kubernetes docs concepts/storage/volumes, emptyDir), so a sizeLimit
above the memory limit promises space the server cannot use. (Negative quantities are refused by the schema.)
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.quantities" -}}
{{- $v := .Values }}
{{- $key := ternary "gpu.shmSize" "shmSize" $v.gpu.enabled }}
{{- $shm := ternary $v.gpu.shmSize $v.shmSize $v.gpu.enabled }}
{{- with ($v.resources.limits | default dict).memory }}
{{- $limit := include "ai-inference.quantity" . }}
{{- $size := include "ai-inference.quantity" $shm }}
{{- if and $limit $size (gt (float64 $size) (float64 $limit)) }}
{{- printf "\n%s: %v of memory-backed /dev/shm is more than resources.limits.memory (%v): its pages count against the container's memory limit, so the server is killed (OOM) before /dev/shm is full; allowed: at most the memory limit (%v), or a higher resources.limits.memory" $key $shm . . }}
{{- end }}
{{- end }}
{{- end }}
