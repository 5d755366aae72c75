{{/* Canary: the traffic split lives on the HTTPRoute; the canary must differ from the stable Deployment, its pods must
be selectable apart from the stable ones, and it shares the stable pod template's volumes.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.canary" -}}
{{- $v := .Values }}
{{- $c := $v.canary }}
{{- if $c.enabled }}
{{- if not $v.httpRoute.enabled }}
{{- print "\ncanary.enabled: the traffic split is set on the HTTPRoute's backendRefs (an Ingress sends everything to the stable Service); allowed: httpRoute.enabled=true" }}
{{- end }}
{{- $sum := add (int $c.weights.stable) (int $c.weights.canary) }}
{{- if ne $sum 100 }}
{{- printf "\ncanary.weights: stable (%d) + canary (%d) = %d; allowed: two percentages that add up to 100 (for example 90 and 10)" (int $c.weights.stable) (int $c.weights.canary) $sum }}
{{- end }}
{{- $sameImage := and (eq (toString $c.image.tag) (toString $v.image.tag)) (eq (toString $c.image.digest) (toString $v.image.digest)) }}
{{- if or (not (or $c.image.tag $c.image.digest $c.args)) (and $sameImage (or (not $c.args) (eq (toJson $c.args) (toJson $v.args)))) }}
{{- print "\ncanary.image: the canary would run the stable image and arguments; allowed: canary.image.tag or canary.image.digest (a new model-server version), or canary.args (another model)" }}
{{- end }}
{{- if eq (include "ai-inference.canarySelectorLabels" . | trim) (include "ai-inference.selectorLabels" . | trim) }}
{{- print "\nselectorLabels: the canary's selector labels are the stable ones with -canary appended to every value except app.kubernetes.io/instance, so they would equal the stable selector and its Service would select canary pods; allowed: a selectorLabels key besides app.kubernetes.io/instance (for example app)" }}
{{- end }}
{{- $minAvailable := $v.podDisruptionBudget.minAvailable }}
{{- if and $v.podDisruptionBudget.enabled (not (kindIs "string" $minAvailable)) (gt (int $c.replicaCount) 1) (ge (int $minAvailable) (int $c.replicaCount)) }}
{{- printf "\npodDisruptionBudget.minAvailable: %d leaves no canary pod to evict with canary.replicaCount %d; allowed: fewer than canary.replicaCount, or a percentage below 100%%" (int $minAvailable) (int $c.replicaCount) }}
{{- end }}
{{- if and $v.modelCache.enabled (ne $v.modelCache.type "emptyDir") (eq $v.modelCache.accessMode "ReadWriteOnce") }}
{{- print "\nmodelCache.accessMode: the canary's pods mount the same model-cache claim as the stable ones, and a ReadWriteOnce volume attaches to one node only; allowed: ReadWriteMany (azurefile-csi) or modelCache.type=emptyDir" }}
{{- end }}
{{- end }}
{{- end }}
