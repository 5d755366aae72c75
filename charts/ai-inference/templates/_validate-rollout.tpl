{{/* Rollouts and scaling signals: the rolling update can move, the startup probe fits in the progress deadline, and an
HPA given custom metrics does not keep a CPU or memory target beside them. Prints one line per problem,
"<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.rollout" -}}
{{- $v := .Values }}
{{- $zero := list "0" "0%" }}
{{- if and (eq $v.strategy.type "RollingUpdate") (has (toString $v.strategy.maxSurge) $zero) (has (toString $v.strategy.maxUnavailable) $zero) }}
{{- print "\nstrategy.maxSurge/strategy.maxUnavailable: both are 0, so a rolling update could never replace a pod; allowed: maxSurge at least 1 (a spare node), or maxSurge 0 with maxUnavailable at least 1 (a full GPU pool)" }}
{{- end }}
{{- $budget := include "ai-inference.startupBudget" . | int }}
{{- if gt $budget (int $v.progressDeadlineSeconds) }}
{{- printf "\nprogressDeadlineSeconds: %d is shorter than the startup probe's budget of %d s (probes.startup initialDelaySeconds + periodSeconds x failureThreshold), so a rollout is reported failed while the model still loads; allowed: at least %d, or a shorter probes.startup" (int $v.progressDeadlineSeconds) $budget $budget }}
{{- end }}
{{- with $v.autoscaling }}
{{- if and .enabled .metrics (or .targetCPUUtilizationPercentage .targetMemoryUtilizationPercentage) }}
{{- print "\nautoscaling.metrics: the HPA would keep the CPU/memory target (autoscaling.targetCPUUtilizationPercentage, autoscaling.targetMemoryUtilizationPercentage) beside these metrics and scale on whichever asks for more replicas; allowed: set both targets to 0 with metrics (list a Resource metric in autoscaling.metrics to keep CPU)" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Seconds the startup probe allows before it fails the container: initialDelaySeconds + periodSeconds x failureThreshold. */}}
{{- define "ai-inference.startupBudget" -}}
{{- with .Values.probes.startup }}
{{- add (int (.initialDelaySeconds | default 0)) (mul (int .periodSeconds) (int .failureThreshold)) }}
{{- end }}
{{- end }}
