{{/*
Checks of value combinations that values.schema.json cannot express. Every problem adds one line
"ai-inference: <key>: <what is wrong>; <what is allowed>" and the render fails once with all of them.
Called from deployment.yaml, which every render includes.
*/}}
{{- define "ai-inference.validate" -}}
{{- $v := .Values }}
{{- $errors := list }}
{{- $csi := eq $v.secrets.provider "csi" }}

{{- /* The switches (also in values.schema.json; checked here too for --skip-schema-validation) */}}
{{- if not (has $v.secrets.provider (list "native" "csi")) }}
{{- $errors = append $errors (printf "secrets.provider: %q is not supported; allowed: native, csi" (toString $v.secrets.provider)) }}
{{- end }}
{{- if not (has $v.ingress.controller (list "nginx" "agic")) }}
{{- $errors = append $errors (printf "ingress.controller: %q is not supported; allowed: nginx, agic" (toString $v.ingress.controller)) }}
{{- end }}

{{- /* Secrets */}}
{{- if $csi }}
{{- range $key := list "keyvaultName" "tenantId" "clientId" }}
{{- if not (index $v.secrets.csi $key) }}
{{- $errors = append $errors (printf "secrets.csi.%s: required when secrets.provider is csi; set the Key Vault's %s" $key (index (dict "keyvaultName" "name" "tenantId" "Microsoft Entra tenant ID" "clientId" "workload identity client ID") $key)) }}
{{- end }}
{{- end }}
{{- if not $v.secrets.csi.objects }}
{{- $errors = append $errors "secrets.csi.objects: at least one Key Vault object is required when secrets.provider is csi" }}
{{- end }}
{{- if or $v.secrets.native.data $v.secrets.native.existingSecret }}
{{- $errors = append $errors "secrets.native: must be empty when secrets.provider is csi; the chart renders no secret material in csi mode (put the values in Key Vault)" }}
{{- end }}
{{- if and $v.secrets.env (not $v.secrets.csi.syncSecret.enabled) }}
{{- $errors = append $errors "secrets.env: needs secrets.csi.syncSecret.enabled=true when secrets.provider is csi (env vars read a synced Secret); or read the files under secrets.mountPath" }}
{{- end }}
{{- if and (not $v.serviceAccount.create) (not $v.serviceAccount.name) }}
{{- $errors = append $errors "serviceAccount.name: required when serviceAccount.create is false and secrets.provider is csi (workload identity federates with a named ServiceAccount)" }}
{{- end }}
{{- $keys := list }}
{{- range $v.secrets.csi.objects }}{{ $keys = append $keys (include "ai-inference.objectKey" .) }}{{ end }}
{{- if $v.secrets.csi.syncSecret.enabled }}
{{- range $env, $key := $v.secrets.env }}
{{- if not (has $key $keys) }}
{{- $errors = append $errors (printf "secrets.env.%s: key %q is not a Key Vault object; allowed: the objectAlias or objectName of secrets.csi.objects (%s)" $env $key (join ", " $keys)) }}
{{- end }}
{{- end }}
{{- end }}
{{- else }}
{{- if $v.secrets.env }}
{{- if not (or $v.secrets.native.data $v.secrets.native.existingSecret) }}
{{- $errors = append $errors "secrets.env: needs secrets.native.data or secrets.native.existingSecret when secrets.provider is native" }}
{{- else if not $v.secrets.native.existingSecret }}
{{- range $env, $key := $v.secrets.env }}
{{- if not (hasKey $v.secrets.native.data $key) }}
{{- $errors = append $errors (printf "secrets.env.%s: key %q is not in secrets.native.data; allowed: %s" $env $key (join ", " (keys $v.secrets.native.data | sortAlpha))) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if and $v.secrets.native.data $v.secrets.native.existingSecret }}
{{- $errors = append $errors "secrets.native: set either data or existingSecret, not both" }}
{{- end }}
{{- end }}

{{- range $name := keys $v.secrets.env | sortAlpha }}
{{- if hasKey $v.config $name }}
{{- $errors = append $errors (printf "secrets.env.%s: also a config key; an environment variable can come from one place only" $name) }}
{{- end }}
{{- end }}

{{- /* GPU */}}
{{- $gpu := $v.gpu.resourceName }}
{{- if hasKey ($v.resources.requests | default dict) $gpu }}
{{- $errors = append $errors (printf "resources.requests.%s: GPUs are requested with gpu.enabled and gpu.count (set as a limit); remove the request" $gpu) }}
{{- end }}
{{- if hasKey ($v.resources.limits | default dict) $gpu }}
{{- $errors = append $errors (printf "resources.limits.%s: set GPUs with gpu.enabled=true and gpu.count instead" $gpu) }}
{{- end }}

{{- /* Ingress */}}
{{- if $v.ingress.enabled }}
{{- $tls := $v.ingress.tls }}
{{- if not $v.ingress.hosts }}
{{- $errors = append $errors "ingress.hosts: at least one host is required when ingress.enabled is true" }}
{{- end }}
{{- if eq $v.ingress.controller "agic" }}
{{- if $tls.keyVaultUri }}
{{- $errors = append $errors "ingress.tls.keyVaultUri: Key Vault TLS through application routing needs ingress.controller=nginx; with agic install the certificate on the Application Gateway and set ingress.tls.appGatewayCertificate" }}
{{- end }}
{{- if and $tls.enabled (not (or $tls.secretName $tls.appGatewayCertificate)) }}
{{- $errors = append $errors "ingress.tls: with agic, TLS needs ingress.tls.secretName or ingress.tls.appGatewayCertificate" }}
{{- end }}
{{- else }}
{{- if $tls.appGatewayCertificate }}
{{- $errors = append $errors "ingress.tls.appGatewayCertificate: only with ingress.controller=agic; with nginx use ingress.tls.keyVaultUri or ingress.tls.secretName" }}
{{- end }}
{{- if and $tls.enabled (not (or $tls.secretName $tls.keyVaultUri)) }}
{{- $errors = append $errors "ingress.tls: with nginx, TLS needs ingress.tls.secretName or ingress.tls.keyVaultUri" }}
{{- end }}
{{- if and $tls.keyVaultUri $tls.secretName (ne $tls.secretName (printf "keyvault-%s" (include "ai-inference.ingressName" .))) }}
{{- $errors = append $errors (printf "ingress.tls.secretName: must be empty or keyvault-%s with ingress.tls.keyVaultUri (application routing writes the certificate to that Secret)" (include "ai-inference.ingressName" .)) }}
{{- end }}
{{- end }}
{{- if and (or $tls.keyVaultUri $tls.appGatewayCertificate) (not $tls.enabled) }}
{{- $errors = append $errors "ingress.tls.enabled: must be true when a TLS certificate source is set" }}
{{- end }}
{{- end }}
{{- if and $v.networkPolicy.enabled $v.ingress.enabled (eq $v.ingress.controller "agic") (not $v.networkPolicy.appGatewaySubnetCIDR) }}
{{- $errors = append $errors "networkPolicy.appGatewaySubnetCIDR: required with networkPolicy.enabled and ingress.controller=agic (the Application Gateway reaches the pods from its subnet)" }}
{{- end }}

{{- /* Service */}}
{{- $target := toString $v.service.targetPort }}
{{- if not (has $target (list "http" (toString $v.containerPort))) }}
{{- $errors = append $errors (printf "service.targetPort: %q is not a port of the server container; allowed: http or containerPort (%v)" $target $v.containerPort) }}
{{- end }}

{{- /* Scaling, disruption, storage */}}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- $errors = append $errors (printf "autoscaling.minReplicas: %d is greater than autoscaling.maxReplicas (%d); allowed: minReplicas <= maxReplicas" (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- end }}
{{- if and $v.autoscaling.enabled (not (or $v.autoscaling.targetCPUUtilizationPercentage $v.autoscaling.targetMemoryUtilizationPercentage $v.autoscaling.metrics)) }}
{{- $errors = append $errors "autoscaling: needs at least one of targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage or metrics" }}
{{- end }}
{{- if and $v.podDisruptionBudget.enabled (eq (toString $v.podDisruptionBudget.minAvailable) "") (eq (toString $v.podDisruptionBudget.maxUnavailable) "0") }}
{{- $errors = append $errors "podDisruptionBudget.maxUnavailable: 0 blocks every node drain and cluster upgrade; allowed: at least 1 (or a percentage)" }}
{{- end }}
{{- $minAvailable := $v.podDisruptionBudget.minAvailable }}
{{- $pods := ternary $v.autoscaling.minReplicas $v.replicaCount $v.autoscaling.enabled | int }}
{{- if and $v.podDisruptionBudget.enabled (not (kindIs "string" $minAvailable)) (ge (int $minAvailable) $pods) (include "ai-inference.multiReplica" .) }}
{{- $errors = append $errors (printf "podDisruptionBudget.minAvailable: %d leaves no pod to evict with %d replicas; allowed: fewer than replicaCount (or autoscaling.minReplicas), or a percentage below 100%%" (int $minAvailable) $pods) }}
{{- end }}
{{- if and $v.podDisruptionBudget.enabled (eq (toString $minAvailable) "100%") (include "ai-inference.multiReplica" .) }}
{{- $errors = append $errors "podDisruptionBudget.minAvailable: 100% leaves no pod to evict; allowed: fewer than replicaCount (or autoscaling.minReplicas), or a percentage below 100%" }}
{{- end }}
{{- $cache := $v.modelCache }}
{{- if $cache.enabled }}
{{- if and (eq $cache.type "existingClaim") (not $cache.existingClaim) }}
{{- $errors = append $errors "modelCache.existingClaim: required when modelCache.type is existingClaim" }}
{{- end }}
{{- if and (eq $cache.type "pvc") (eq $cache.accessMode "ReadWriteOnce") (eq $v.strategy.type "RollingUpdate") (include "ai-inference.multiReplica" .) }}
{{- $errors = append $errors "modelCache.accessMode: a ReadWriteOnce PVC cannot be shared by several pods; with more than one replica use ReadWriteMany (azurefile-csi) or strategy.type=Recreate with replicaCount 1" }}
{{- end }}
{{- end }}

{{- /* Labels reserved by AKS (Deployment Safeguards reject them on workloads) */}}
{{- range $key, $_ := merge (dict) $v.podLabels $v.commonLabels $v.selectorLabels }}
{{- if hasPrefix "kubernetes.azure.com" $key }}
{{- $errors = append $errors (printf "podLabels/commonLabels/selectorLabels: label %q uses the kubernetes.azure.com prefix, reserved for AKS (Deployment Safeguards reject it); use another label" $key) }}
{{- end }}
{{- end }}

{{- if $errors }}
{{- $lines := list }}
{{- range sortAlpha $errors | uniq }}{{ $lines = append $lines (printf "ai-inference: %s" .) }}{{ end }}
{{- fail (join "\n" $lines) }}
{{- end }}
{{- end }}
