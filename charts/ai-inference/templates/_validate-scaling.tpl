{{/* Scaling, disruption and storage: autoscaler bounds, PodDisruptionBudget, model cache access mode.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.scaling" -}}
{{- $v := .Values }}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- printf "\nautoscaling.minReplicas: %d is greater than autoscaling.maxReplicas (%d); allowed: minReplicas <= maxReplicas" (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas) }}
{{- end }}
{{- if and $v.autoscaling.enabled (not (or $v.autoscaling.targetCPUUtilizationPercentage $v.autoscaling.targetMemoryUtilizationPercentage $v.autoscaling.metrics)) }}
{{- print "\nautoscaling: needs at least one of targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage or metrics" }}
{{- end }}
{{- if and $v.podDisruptionBudget.enabled (eq (toString $v.podDisruptionBudget.minAvailable) "") (eq (toString $v.podDisruptionBudget.maxUnavailable) "0") }}
{{- print "\npodDisruptionBudget.maxUnavailable: 0 blocks every node drain and cluster upgrade; allowed: at least 1 (or a percentage)" }}
{{- end }}
{{- $minAvailable := $v.podDisruptionBudget.minAvailable }}
{{- $pods := ternary $v.autoscaling.minReplicas $v.replicaCount $v.autoscaling.enabled | int }}
{{- if $v.keda.enabled }}{{ $pods = $v.keda.scaleToZero | ternary 0 $v.keda.minReplicas | int }}{{ end }}
{{- if and $v.podDisruptionBudget.enabled (not (kindIs "string" $minAvailable)) (ge (int $minAvailable) $pods) (include "ai-inference.multiReplica" .) }}
{{- printf "\npodDisruptionBudget.minAvailable: %d leaves no pod to evict with %d replicas; allowed: fewer than replicaCount (or autoscaling.minReplicas, keda.minReplicas), or a percentage below 100%%" (int $minAvailable) $pods }}
{{- end }}
{{- if and $v.podDisruptionBudget.enabled (eq (toString $minAvailable) "100%") (include "ai-inference.multiReplica" .) }}
{{- print "\npodDisruptionBudget.minAvailable: 100% leaves no pod to evict; allowed: fewer than replicaCount (or autoscaling.minReplicas), or a percentage below 100%" }}
{{- end }}
{{- $cache := $v.modelCache }}
{{- if $cache.enabled }}
{{- if and (eq $cache.type "existingClaim") (not $cache.existingClaim) }}
{{- print "\nmodelCache.existingClaim: required when modelCache.type is existingClaim" }}
{{- end }}
{{- /* A ReadWriteOnce Azure Disk is available to a single node only (MicrosoftDocs/azure-aks-docs articles/aks/concepts-storage.md):
a second pod on another node hangs in ContainerCreating (Multi-Attach), whatever the update strategy. */}}
{{- if and (eq $cache.type "pvc") (has $cache.accessMode (list "ReadWriteOnce" "ReadWriteOncePod")) }}
{{- if include "ai-inference.multiReplica" . }}
{{- printf "\nmodelCache.accessMode: %s (an Azure Disk) attaches to one node at a time, so with more than one replica (replicaCount or autoscaling) the pods on other nodes hang in ContainerCreating (Multi-Attach), whatever strategy.type is; allowed: ReadWriteMany (azurefile-csi) for several replicas, or replicaCount 1 with strategy.type=Recreate" $cache.accessMode }}
{{- else if and (eq $v.strategy.type "RollingUpdate") (not (has (toString $v.strategy.maxSurge) (list "0" "0%"))) }}
{{- printf "\nstrategy.type: RollingUpdate starts the new pod before the old one stops, and on another node it cannot attach the %s model cache (Multi-Attach); allowed: Recreate, strategy.maxSurge=0 with strategy.maxUnavailable=1 (the old pod stops first), or modelCache.accessMode=ReadWriteMany" $cache.accessMode }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
