{{/* Chart name, overridable with nameOverride. */}}
{{- define "ai-inference.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: fullnameOverride, else the release name when it already
contains the chart name, else "<release>-<chart>". Truncated to 63 characters (DNS label).
*/}}
{{- define "ai-inference.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "ai-inference.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A derived object name: an explicit name, else "<fullname>-<suffix>".
{{ include "ai-inference.nameFor" (dict "name" .Values.configMapName "suffix" "config" "context" $) }}
*/}}
{{- define "ai-inference.nameFor" -}}
{{- if .name }}
{{- .name }}
{{- else }}
{{- printf "%s-%s" (include "ai-inference.fullname" .context) .suffix | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* Chart label value: name-version, "+" replaced (not allowed in label values). */}}
{{- define "ai-inference.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Pod selector labels (immutable on a Deployment): selectorLabels, else name + instance. */}}
{{- define "ai-inference.selectorLabels" -}}
{{- toYaml (.Values.selectorLabels | default (dict "app.kubernetes.io/name" (include "ai-inference.name" .) "app.kubernetes.io/instance" .Release.Name)) }}
{{- end }}

{{/* Labels on every object: the recommended app.kubernetes.io set, the selector labels and commonLabels. */}}
{{- define "ai-inference.labels" -}}
{{- $labels := dict
  "helm.sh/chart" (include "ai-inference.chart" .)
  "app.kubernetes.io/name" (include "ai-inference.name" .)
  "app.kubernetes.io/instance" .Release.Name
  "app.kubernetes.io/managed-by" .Release.Service
  "app.kubernetes.io/part-of" "ai-inference"
}}
{{- with include "ai-inference.version" . }}
{{- $_ := set $labels "app.kubernetes.io/version" . }}
{{- end }}
{{- toYaml (merge (include "ai-inference.selectorLabels" . | fromYaml) $labels .Values.commonLabels) }}
{{- end }}

{{/*
Standard metadata of a namespaced object: name, namespace, labels (the object's own `labels` over the release's, as
one map), and annotations (the object's own `annotations` map over `commonAnnotations`, as one map: no key twice).
Optional "labels": extra labels of this object; "variant": "canary" for the canary's objects (their labels,
ai-inference.variantLabels).
Usage: include "ai-inference.metadata" (dict "name" $name "annotations" $map "context" $)
*/}}
{{- define "ai-inference.metadata" -}}
name: {{ .name | quote }}
namespace: {{ .context.Release.Namespace | quote }}
labels:
  {{- include "ai-inference.variantLabels" (dict "variant" (.variant | default "stable") "context" .context) | fromYaml | merge (deepCopy (.labels | default dict)) | toYaml | nindent 2 }}
{{- with merge (dict) (.annotations | default dict) .context.Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The model-server Deployments: "stable", and "canary" with canary.enabled (a JSON list; fromJsonArray it). */}}
{{- define "ai-inference.variants" -}}
{{- toJson (ternary (list "stable" "canary") (list "stable") (.Values.canary.enabled | default false)) }}
{{- end }}

{{/*
Selector labels of the canary's pods: the stable ones with "-canary" appended to every value except
app.kubernetes.io/instance. The stable Deployment, Service, PDB and NetworkPolicy select on every stable key, so none
of them selects a canary pod (AKS Deployment Safeguards: unique Service selectors), and the release's instance label
still finds both. {app: roo-vision} becomes {app: roo-vision-canary}.
*/}}
{{- define "ai-inference.canarySelectorLabels" -}}
{{- $labels := dict }}
{{- range $key, $value := include "ai-inference.selectorLabels" . | fromYaml }}
{{- $_ := set $labels $key (eq $key "app.kubernetes.io/instance" | ternary $value (printf "%s-canary" ($value | trunc 56 | trimSuffix "-"))) }}
{{- end }}
{{- toYaml $labels }}
{{- end }}

{{/* Selector labels of one variant. Usage: include "ai-inference.variantSelectorLabels" (dict "variant" "canary" "context" $) */}}
{{- define "ai-inference.variantSelectorLabels" -}}
{{- if eq .variant "canary" }}
{{- include "ai-inference.canarySelectorLabels" .context }}
{{- else }}
{{- include "ai-inference.selectorLabels" .context }}
{{- end }}
{{- end }}

{{/* Labels of one variant's objects: a canary's carry its selector labels and app.kubernetes.io/component: canary. */}}
{{- define "ai-inference.variantLabels" -}}
{{- if eq .variant "canary" }}
{{- $canary := merge (include "ai-inference.canarySelectorLabels" .context | fromYaml) (dict "app.kubernetes.io/component" "canary") }}
{{- toYaml (merge $canary (include "ai-inference.labels" (include "ai-inference.canaryContext" .context | fromYaml | merge (dict "Chart" .context.Chart "Release" .context.Release)) | fromYaml)) }}
{{- else }}
{{- include "ai-inference.labels" .context }}
{{- end }}
{{- end }}

{{/* A variant's object name: the stable name, or "<name>-canary". Usage: include "ai-inference.variantName" (dict "name" $n "variant" $v) */}}
{{- define "ai-inference.variantName" -}}
{{- if eq .variant "canary" }}
{{- printf "%s-canary" (.name | trunc 56 | trimSuffix "-") }}
{{- else }}
{{- .name }}
{{- end }}
{{- end }}

{{/* ServiceAccount used by the pods. */}}
{{- define "ai-inference.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ai-inference.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Tag of the server image: gpu.imageTag when GPU is on, else image.tag, else the chart's appVersion; empty when only a
digest pins the image (image.digest set, image.tag empty).
*/}}
{{- define "ai-inference.imageTag" -}}
{{- if and .Values.gpu.enabled .Values.gpu.imageTag }}
{{- .Values.gpu.imageTag }}
{{- else if .Values.image.tag }}
{{- .Values.image.tag }}
{{- else if not .Values.image.digest }}
{{- .Chart.AppVersion }}
{{- end }}
{{- end }}

{{/*
Server image: [registry/]repository[:tag][@digest]. The registry is global.imageRegistry (a parent chart's), else
image.registry; when both are empty the repository is used as written (it may name its own registry host,
e.g. nvcr.io/nvidia/tritonserver; a repository with a host and a registry is refused, _validate-images.tpl).
A digest is appended to the tag when both are set (repository:tag@sha256:...).
*/}}
{{- define "ai-inference.image" -}}
{{- $repo := .Values.image.repository }}
{{- with coalesce (.Values.global).imageRegistry .Values.image.registry }}
{{- $repo = printf "%s/%s" . $repo }}
{{- end }}
{{- with include "ai-inference.imageTag" . }}
{{- $repo = printf "%s:%s" $repo . }}
{{- end }}
{{- with .Values.image.digest }}
{{- $repo = printf "%s@%s" $repo . }}
{{- end }}
{{- $repo }}
{{- end }}

{{/*
The registry host a repository names itself, or "" (the distribution reference rule: a first path component with a
"." or ":", or "localhost", is a host; otherwise the repository is on Docker Hub). Usage: include "ai-inference.repositoryHost" "nvcr.io/nvidia/tritonserver"
*/}}
{{- define "ai-inference.repositoryHost" -}}
{{- $parts := splitList "/" (toString .) }}
{{- if and (gt (len $parts) 1) (or (contains "." (first $parts)) (contains ":" (first $parts)) (eq (first $parts) "localhost")) }}
{{- first $parts }}
{{- end }}
{{- end }}

{{/* The host the server image is pulled from: the registry's (global.imageRegistry, image.registry), else the one the
repository names, else docker.io. */}}
{{- define "ai-inference.imageHost" -}}
{{- with coalesce (.Values.global).imageRegistry .Values.image.registry }}
{{- first (splitList "/" .) }}
{{- else }}
{{- include "ai-inference.repositoryHost" .Values.image.repository | default "docker.io" }}
{{- end }}
{{- end }}

{{/* The helm test pod's image: [registry/]repository:tag[@digest], the registry being global.imageRegistry when set,
else helmTest.image.registry (the same precedence as the server image). */}}
{{- define "ai-inference.testImage" -}}
{{- $img := .Values.helmTest.image }}
{{- $image := printf "%s:%s" $img.repository $img.tag }}
{{- with coalesce (.Values.global).imageRegistry $img.registry }}{{ $image = printf "%s/%s" . $image }}{{ end }}
{{- with $img.digest }}{{ $image = printf "%s@%s" $image . }}{{ end }}
{{- $image }}
{{- end }}

{{/*
The app.kubernetes.io/version label: the tag of the image that runs (else its digest), as a valid label value
(characters outside [-A-Za-z0-9_.] become "_", at most 63 characters, alphanumeric at both ends).
*/}}
{{- define "ai-inference.version" -}}
{{- regexReplaceAll "[^-A-Za-z0-9_.]" (include "ai-inference.imageTag" . | default .Values.image.digest) "_" | trunc 63 | trimAll "-_." }}
{{- end }}

{{/*
Pull secrets of the pods: global.imagePullSecrets (a parent chart's; names or {name: ...}) and imagePullSecrets,
each name once, in that order.
*/}}
{{- define "ai-inference.imagePullSecrets" -}}
{{- $names := list }}
{{- range concat ((.Values.global).imagePullSecrets | default list) .Values.imagePullSecrets }}
{{- $name := . }}
{{- if kindIs "map" . }}{{ $name = .name }}{{ end }}
{{- $names = append $names $name }}
{{- end }}
{{- range $names | uniq }}
- name: {{ . | quote }}
{{- end }}
{{- end }}

{{/* Object names. */}}
{{- define "ai-inference.configMapName" -}}
{{- include "ai-inference.nameFor" (dict "name" .Values.configMapName "suffix" "config" "context" .) }}
{{- end }}

{{- define "ai-inference.serviceName" -}}
{{- default (include "ai-inference.fullname" .) .Values.service.name }}
{{- end }}

{{- define "ai-inference.httpRouteName" -}}
{{- default (include "ai-inference.fullname" .) .Values.httpRoute.name }}
{{- end }}

{{- define "ai-inference.grpcRouteName" -}}
{{- include "ai-inference.nameFor" (dict "name" .Values.httpRoute.grpc.name "suffix" "grpc" "context" .) }}
{{- end }}

{{- define "ai-inference.gatewayName" -}}
{{- default (include "ai-inference.fullname" .) .Values.gateway.name }}
{{- end }}

{{- define "ai-inference.ingressName" -}}
{{- default (include "ai-inference.fullname" .) .Values.ingress.name }}
{{- end }}

{{- define "ai-inference.modelCacheClaimName" -}}
{{- include "ai-inference.nameFor" (dict "name" "" "suffix" "model-cache" "context" .) }}
{{- end }}

{{- define "ai-inference.secretProviderClassName" -}}
{{- include "ai-inference.nameFor" (dict "name" .Values.secrets.csi.name "suffix" "kv" "context" .) }}
{{- end }}

{{/*
The Secret that secrets.env reads from and that is mounted in native mode:
native: existingSecret, else the rendered Secret; csi: the Secret synced from Key Vault.
*/}}
{{- define "ai-inference.secretName" -}}
{{- if eq .Values.secrets.provider "csi" }}
{{- include "ai-inference.nameFor" (dict "name" .Values.secrets.csi.syncSecret.name "suffix" "kv-sync" "context" .) }}
{{- else if .Values.secrets.native.existingSecret }}
{{- .Values.secrets.native.existingSecret }}
{{- else }}
{{- include "ai-inference.nameFor" (dict "name" .Values.secrets.native.name "suffix" "secrets" "context" .) }}
{{- end }}
{{- end }}

{{/* "true" when the chart renders a native Secret from values. */}}
{{- define "ai-inference.rendersSecret" -}}
{{- if and (eq .Values.secrets.provider "native") .Values.secrets.native.data (not .Values.secrets.native.existingSecret) }}true{{ end }}
{{- end }}

{{/* "true" when pods mount a secrets volume (a native Secret, or Key Vault through CSI). */}}
{{- define "ai-inference.mountsSecrets" -}}
{{- if or (eq .Values.secrets.provider "csi") .Values.secrets.native.data .Values.secrets.native.existingSecret }}true{{ end }}
{{- end }}

{{/* "true" when an autoscaler (HPA or KEDA ScaledObject) owns the stable Deployment's replica count. */}}
{{- define "ai-inference.autoscaled" -}}
{{- if or .Values.autoscaling.enabled .Values.keda.enabled }}true{{ end }}
{{- end }}

{{/* "true" when more than one pod can run at once (replicas >= 2, an HPA, or a ScaledObject up to 2 or more). */}}
{{- define "ai-inference.multiReplica" -}}
{{- if or .Values.autoscaling.enabled (and .Values.keda.enabled (gt (int .Values.keda.maxReplicas) 1)) (gt (int .Values.replicaCount) 1) }}true{{ end }}
{{- end }}

{{/* multiReplica of one variant (the canary has canary.replicaCount and no autoscaler). */}}
{{- define "ai-inference.variantMultiReplica" -}}
{{- if eq .variant "canary" }}
{{- if gt (int .context.Values.canary.replicaCount) 1 }}true{{ end }}
{{- else }}
{{- include "ai-inference.multiReplica" .context }}
{{- end }}
{{- end }}

{{/*
The canary's root context as YAML (Values, Chart, Release): the stable values with canary.image.tag / digest as the
image (and no GPU tag override) when either is set; otherwise the stable image (a canary that changes only `args`).
Usage: include "ai-inference.canaryContext" $ | fromYaml
*/}}
{{- define "ai-inference.canaryContext" -}}
{{- $values := deepCopy .Values }}
{{- with .Values.canary.image }}
{{- if or .tag .digest }}
{{- $_ := set $values.image "tag" .tag }}
{{- $_ := set $values.image "digest" .digest }}
{{- $_ := set $values.gpu "imageTag" "" }}
{{- end }}
{{- end }}
{{- toYaml (dict "Values" $values) }}
{{- end }}

{{/* A variant's server image. Usage: include "ai-inference.variantImage" (dict "variant" $v "context" $) */}}
{{- define "ai-inference.variantImage" -}}
{{- if eq .variant "canary" }}
{{- include "ai-inference.image" (include "ai-inference.canaryContext" .context | fromYaml | merge (dict "Chart" .context.Chart "Release" .context.Release)) }}
{{- else }}
{{- include "ai-inference.image" .context }}
{{- end }}
{{- end }}

{{/* Key of a Key Vault object in the mount and in the synced Secret: its alias, else its name. */}}
{{- define "ai-inference.objectKey" -}}
{{- default .objectName .objectAlias }}
{{- end }}

{{/*
Environment of the server container: every `config` key from the chart's ConfigMap, every `secrets.env`
entry from the Secret, the chart's defaults (HOME=/tmp, USER; HF_HOME when a model cache is mounted) unless `config`,
`secrets.env` or `extraEnv` set the same name, then `extraEnv`.
*/}}
{{- define "ai-inference.env" -}}
{{- $configMap := include "ai-inference.configMapName" . }}
{{- range $name := keys .Values.config | sortAlpha }}
- name: {{ $name | quote }}
  valueFrom:
    configMapKeyRef:
      name: {{ $configMap | quote }}
      key: {{ $name | quote }}
{{- end }}
{{- $secret := include "ai-inference.secretName" . }}
{{- range $name, $key := .Values.secrets.env }}
- name: {{ $name | quote }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret | quote }}
      key: {{ $key | quote }}
{{- end }}
{{- /* The pods run as a UID without a passwd entry and a read-only root. HOME=/tmp: libraries that write ~/.cache and
~/.config (Hugging Face, vLLM, Triton's Python backends, llama.cpp's LLAMA_CACHE default, Ollama's key) get the writable
/tmp volume. USER: Python's getpass.getuser() reads LOGNAME, USER, LNAME or USERNAME before it asks the passwd database,
which raises KeyError ("getpwuid(): uid not found") for such a UID; torch computes its inductor cache directory from it
at import, so vLLM and SGLang die at start without it (python/cpython Lib/getpass.py; pytorch
torch/_inductor/runtime/cache_dir_utils.py; vllm-project/vllm issue 44548). */}}
{{- $defaults := dict "HOME" "/tmp" "USER" "inference" }}
{{- if .Values.modelCache.enabled }}
{{- $_ := set $defaults "HF_HOME" .Values.modelCache.mountPath }}
{{- end }}
{{- $userNames := concat (keys .Values.config) (keys .Values.secrets.env) }}
{{- range $e := .Values.extraEnv }}{{ $userNames = append $userNames $e.name }}{{ end }}
{{- range $name := list "HOME" "USER" "HF_HOME" }}
{{- if and (hasKey $defaults $name) (not (has $name $userNames)) }}
- name: {{ $name | quote }}
  value: {{ index $defaults $name | quote }}
{{- end }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Maps and lists a values file may leave empty: `key:` with nothing after it is null, and null means empty here.
Every template includes this first (it is idempotent), so no template sees a null where it expects a map or list.
Settings objects (image, gpu, probes, ...) are `required` in values.schema.json instead: nulling one fails there.
*/}}
{{- define "ai-inference.normalize" -}}
{{- $empty := dict
  "commonLabels" "map" "selectorLabels" "map" "config" "map" "podLabels" "map" "deploymentAnnotations" "map"
  "podAnnotations" "map" "nodeSelector" "map" "affinity" "map" "podSecurityContext" "map" "securityContext" "map"
  "resources.requests" "map" "resources.limits" "map" "gpu.nodeSelector" "map" "secrets.env" "map"
  "secrets.native.data" "map" "serviceAccount.annotations" "map" "service.annotations" "map"
  "ingress.annotations" "map" "autoscaling.behavior" "map" "serviceMonitor.labels" "map"
  "imagePullSecrets" "list" "command" "list" "args" "list" "extraEnv" "list" "gpu.tolerations" "list"
  "secrets.csi.objects" "list" "tolerations" "list" "topologySpreadConstraints" "list" "ingress.hosts" "list"
  "autoscaling.metrics" "list" "networkPolicy.extraFrom" "list" "networkPolicy.metricsFrom" "list"
  "extraContainerPorts" "list" "extraEnvFrom" "list" "extraVolumes" "list" "extraVolumeMounts" "list"
  "initContainers" "list" "sidecars" "list" "service.extraPorts" "list" "extraObjects" "list"
  "commonAnnotations" "map" "lifecycleHooks" "map" "global.imagePullSecrets" "list" "ingress.grpc.hosts" "list"
  "httpRoute.annotations" "map" "httpRoute.parentRefs" "list" "httpRoute.hostnames" "list" "httpRoute.rules" "list"
  "httpRoute.grpc.hostnames" "list" "httpRoute.grpc.matches" "list" "gateway.annotations" "map"
  "gateway.infrastructureAnnotations" "map" "keda.behavior" "map" "canary.args" "list" "securityExceptions" "list"
  "inferencePool.endpointPicker.extraArgs" "list" "inferencePool.endpointPicker.extraRules" "list"
  "inferencePool.endpointPicker.nodeSelector" "map" "inferencePool.endpointPicker.tolerations" "list"
  "inferencePool.endpointPicker.resources.requests" "map" "inferencePool.endpointPicker.resources.limits" "map"
}}
{{- range $path, $kind := $empty }}
{{- $parts := splitList "." $path }}
{{- $parent := $.Values }}
{{- range initial $parts }}{{ if kindIs "map" $parent }}{{ $parent = index $parent . }}{{ end }}{{ end }}
{{- if and (kindIs "map" $parent) (kindIs "invalid" (index $parent (last $parts))) }}
{{- $_ := set $parent (last $parts) (ternary (dict) (list) (eq $kind "map")) }}
{{- end }}
{{- end }}
{{- end }}
