{{/*
Scanner skip annotations (checkov, kube-score) for deliberate, opt-in deviations.
Each skip is rendered only when the value that causes it is set, and carries its reason.
Usage: {{ include "ai-inference.policyAnnotations" (dict "object" "workload" "context" $) }}
object: workload (Deployment and its pod template; "variant" "canary" for the canary's) | testPod | service | ingress
Renders YAML map entries (possibly none), to be placed under an annotations map.

checkov: `checkov.io/skip<N>: <check id>=<reason>`; checkov splits the value on "=", so a reason never contains one.
kube-score: `kube-score/ignore: <check>,<check>` (no reason field: the reasons are in the README's exceptions table,
which tests/ecosystem/test_policy.py keeps in step with this file).
*/}}
{{- define "ai-inference.policyAnnotations" -}}
{{- $v := .context.Values -}}
{{- $checkov := list -}}
{{- $kubeScore := list -}}
{{- $canary := eq (.variant | default "stable") "canary" -}}
{{- $digest := $canary | ternary $v.canary.image.digest $v.image.digest -}}
{{- $multi := include "ai-inference.variantMultiReplica" (dict "variant" (.variant | default "stable") "context" .context) -}}
{{- if eq .object "workload" -}}
  {{- /* Image reference: a tag by default; image.digest (canary.image.digest) pins it. */ -}}
  {{- if not $digest -}}
    {{- $checkov = append $checkov (list "CKV_K8S_43" ($canary | ternary "canary image referenced by tag; set canary.image.digest to pin it by digest" "image referenced by tag; set image.digest to pin the model-server image by digest")) -}}
  {{- end -}}
  {{- if ne $v.image.pullPolicy "Always" -}}
    {{- if not $digest -}}
      {{- $checkov = append $checkov (list "CKV_K8S_15" "image.pullPolicy is not Always: multi-GB model images are pulled once per node; pin image.digest so the cached image is the intended one") -}}
    {{- end -}}
    {{- $kubeScore = append $kubeScore "container-image-pull-policy" -}}
  {{- end -}}
  {{- /* Secrets as environment variables are the opt-in (files under secrets.mountPath are the default). */ -}}
  {{- $secretEnv := not (empty $v.secrets.env) -}}
  {{- range $v.extraEnv -}}
    {{- if and (kindIs "map" .) (kindIs "map" .valueFrom) (hasKey (.valueFrom | default dict) "secretKeyRef") -}}
      {{- $secretEnv = true -}}
    {{- end -}}
  {{- end -}}
  {{- if $secretEnv -}}
    {{- $checkov = append $checkov (list "CKV_K8S_35" "secrets.env or extraEnv maps secret keys to environment variables on request; the files under secrets.mountPath stay the default") -}}
  {{- end -}}
  {{- /* Writable root filesystem: some GPU setups (NVIDIA CDI hook) need it. */ -}}
  {{- $sc := $v.securityContext | default dict -}}
  {{- if not $sc.readOnlyRootFilesystem -}}
    {{- $checkov = append $checkov (list "CKV_K8S_22" "securityContext.readOnlyRootFilesystem is false on request (NVIDIA CDI hook setups need a writable root filesystem)") -}}
    {{- $kubeScore = append $kubeScore "container-security-context-readonlyrootfilesystem" -}}
  {{- end -}}
  {{- /* ServiceAccount token: off unless the server calls the Kubernetes API. */ -}}
  {{- if $v.serviceAccount.automountToken -}}
    {{- $checkov = append $checkov (list "CKV_K8S_38" "serviceAccount.automountToken is true on request: the server calls the Kubernetes API") -}}
  {{- end -}}
  {{- /* UID/GID below 10000: images built for a fixed low UID (for example 1000). */ -}}
  {{- $psc := $v.podSecurityContext | default dict -}}
  {{- $uid := int (coalesce $sc.runAsUser $psc.runAsUser 0) -}}
  {{- $gid := int (coalesce $sc.runAsGroup $psc.runAsGroup 0) -}}
  {{- if lt $uid 10000 -}}
    {{- $checkov = append $checkov (list "CKV_K8S_40" "runAsUser below 10000 on request: the image needs its built-in UID") -}}
  {{- end -}}
  {{- if or (lt $uid 10000) (lt $gid 10000) -}}
    {{- $kubeScore = append $kubeScore "container-security-context-user-group-id" -}}
  {{- end -}}
  {{- /* NetworkPolicy: opt-in, because the allowed callers are cluster-specific; when on, it restricts ingress only. */ -}}
  {{- if not $v.networkPolicy.enabled -}}
    {{- $checkov = append $checkov (list "CKV2_K8S_6" "networkPolicy.enabled is false: the allowed callers are cluster-specific; enable it or rely on namespace policies") -}}
  {{- end -}}
  {{- $kubeScore = append $kubeScore "pod-networkpolicy" -}}
  {{- /* Availability: one replica by default (a GPU each); HA is replicaCount 2+ or an autoscaler. A canary runs
  canary.replicaCount pods of a model version under trial. */ -}}
  {{- if $canary -}}
    {{- if lt (int $v.canary.replicaCount) 2 -}}
      {{- $kubeScore = append $kubeScore "deployment-replicas" -}}
    {{- end -}}
  {{- else if and (not (include "ai-inference.autoscaled" .context)) (lt (int $v.replicaCount) 2) -}}
    {{- $kubeScore = append $kubeScore "deployment-replicas" -}}
  {{- else if $v.keda.enabled -}}
    {{- /* kube-score knows HPAs only; KEDA's ScaledObject creates the Deployment's HPA on the cluster. */ -}}
    {{- $kubeScore = append $kubeScore "deployment-replicas" -}}
  {{- end -}}
  {{- if and $multi (not ($v.affinity | default dict).podAntiAffinity) -}}
    {{- $kubeScore = append $kubeScore "deployment-has-host-podantiaffinity" -}}
  {{- end -}}
  {{- if eq $v.strategy.type "Recreate" -}}
    {{- $kubeScore = append $kubeScore "deployment-strategy" -}}
  {{- end -}}
  {{- if and $v.probes.livePath (eq $v.probes.livePath $v.probes.readyPath) -}}
    {{- $kubeScore = append $kubeScore "pod-probes-identical" -}}
  {{- end -}}
{{- else if eq .object "testPod" -}}
  {{- if not $v.helmTest.image.digest -}}
    {{- $checkov = append $checkov (list "CKV_K8S_43" "helmTest.image referenced by tag; set helmTest.image.digest to pin it") -}}
  {{- end -}}
  {{- $checkov = append $checkov (list "CKV2_K8S_6" "helm test pod is a short-lived client with no listening port") -}}
  {{- $kubeScore = append $kubeScore "pod-networkpolicy" -}}
  {{- /* Its probes exist for the Deployment Safeguards; a client serves nothing, so both only check that it runs. */ -}}
  {{- $kubeScore = append $kubeScore "pod-probes-identical" -}}
{{- else if eq .object "service" -}}
  {{- if eq $v.service.type "NodePort" -}}
    {{- $kubeScore = append $kubeScore "service-type" -}}
  {{- end -}}
{{- end -}}
{{- $lines := list -}}
{{- range $i, $skip := $checkov -}}
  {{- $lines = append $lines (printf "checkov.io/skip%d: %s" (add1 $i) (printf "%s=%s" (index $skip 0) (index $skip 1) | quote)) -}}
{{- end -}}
{{- with $kubeScore -}}
  {{- $lines = append $lines (printf "kube-score/ignore: %s" (join "," . | quote)) -}}
{{- end -}}
{{- join "\n" $lines -}}
{{- end }}
