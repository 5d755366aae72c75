{{/*
The pod template (metadata and spec) of a Deployment: "variant" "stable" (default) or "canary" (its own image
tag/digest, args and selector labels; the rest is the same).
Usage: include "ai-inference.podTemplate" (dict "context" $ "variant" "canary")
*/}}
{{- define "ai-inference.podTemplate" -}}
{{- $root := .context }}
{{- $variant := .variant | default "stable" }}
{{- with $root }}
{{- $csi := eq .Values.secrets.provider "csi" }}
{{- $gpu := .Values.gpu.enabled }}
{{- $args := .Values.args }}
{{- if and (eq $variant "canary") .Values.canary.args }}{{ $args = .Values.canary.args }}{{ end }}
{{- /* Labels and annotations as one map each (no key twice): podLabels over commonLabels; the keys the chart writes
itself are refused in podLabels and podAnnotations (ai-inference.validate.names, ai-inference.validate.metadata). */}}
{{- $labels := include "ai-inference.variantLabels" (dict "variant" $variant "context" .) | fromYaml | merge (deepCopy .Values.podLabels) }}
{{- if $csi }}
{{- $_ := set $labels "azure.workload.identity/use" "true" }}
{{- end }}
{{- /* Rolls the pods when the ConfigMap or the SecretProviderClass changes. No digest of the Secret: secret values
are often short, and a digest anyone who reads the Deployment can see would let them be guessed offline (chart README,
"Security"). */}}
{{- $annotations := dict "checksum/config" (include (print .Template.BasePath "/configmap.yaml") . | sha256sum) }}
{{- if $csi }}
{{- $_ := set $annotations "checksum/secretproviderclass" (include (print .Template.BasePath "/secretproviderclass.yaml") . | sha256sum) }}
{{- end -}}
metadata:
  labels:
    {{- toYaml $labels | nindent 4 }}
  annotations:
    {{- merge $annotations .Values.podAnnotations | toYaml | nindent 4 }}
spec:
  serviceAccountName: {{ include "ai-inference.serviceAccountName" . | quote }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automountToken | toJson }}
  enableServiceLinks: {{ .Values.enableServiceLinks | toJson }}
  {{- with include "ai-inference.imagePullSecrets" . | trim }}
  imagePullSecrets:
    {{- . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . | quote }}
  {{- end }}
  {{- with ternary .Values.gpu.runtimeClassName .Values.runtimeClassName $gpu }}
  runtimeClassName: {{ . | quote }}
  {{- end }}
  {{- $lifecycle := include "ai-inference.lifecycle" . | fromYaml }}
  {{- /* terminationGracePeriodSeconds is the time after SIGTERM (ai-inference.terminationGrace); a preStop sleep runs before SIGTERM inside the same countdown. */}}
  terminationGracePeriodSeconds: {{ add (include "ai-inference.terminationGrace" . | int64) (((($lifecycle.preStop | default dict).sleep) | default dict).seconds | default 0) | int }}
  {{- with merge (dict) .Values.nodeSelector (ternary .Values.gpu.nodeSelector dict $gpu) }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with concat (ternary .Values.gpu.tolerations list $gpu) .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- $affinity := include "ai-inference.affinity" . | fromYaml }}
  {{- with $affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml .Values.topologySpreadConstraints | nindent 4 }}
  {{- else if include "ai-inference.variantMultiReplica" (dict "variant" $variant "context" .) }}
  topologySpreadConstraints:
    {{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
    - maxSkew: 1
      topologyKey: {{ $key | quote }}
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "ai-inference.variantSelectorLabels" (dict "variant" $variant "context" $root) | nindent 10 }}
      matchLabelKeys:
        - pod-template-hash
    {{- end }}
  {{- end }}
  {{- with .Values.initContainers }}
  initContainers:
    {{- include "ai-inference.extraContainers" (dict "containers" . "context" $root) | nindent 4 }}
  {{- end }}
  containers:
    - name: {{ .Values.containerName | quote }}
      image: {{ include "ai-inference.variantImage" (dict "variant" $variant "context" .) | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy | quote }}
      {{- with .Values.command }}
      command:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.containerPort | int }}
          protocol: TCP
        {{- with .Values.extraContainerPorts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- $env := include "ai-inference.env" . | trim }}
      {{- with $env }}
      env:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with .Values.extraEnvFrom }}
      envFrom:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      resources:
        {{- $limits := deepCopy (.Values.resources.limits | default dict) }}
        {{- if $gpu }}
        {{- $_ := set $limits .Values.gpu.resourceName (int .Values.gpu.count) }}
        {{- end }}
        {{- toYaml (dict "requests" .Values.resources.requests "limits" $limits) | nindent 8 }}
      {{- range $probe := list "startup" "readiness" "liveness" }}
      {{ $probe }}Probe:
        {{- include "ai-inference.probe" (dict "name" $probe "context" $root) | trim | nindent 8 }}
      {{- end }}
      {{- with $lifecycle }}
      lifecycle:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: dshm
          mountPath: /dev/shm
        {{- if include "ai-inference.mountsSecrets" . }}
        - name: secrets
          mountPath: {{ .Values.secrets.mountPath | quote }}
          readOnly: true
        {{- end }}
        {{- if .Values.modelCache.enabled }}
        - name: model-cache
          mountPath: {{ .Values.modelCache.mountPath | quote }}
        {{- end }}
        {{- with .Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    {{- with .Values.sidecars }}
    {{- include "ai-inference.extraContainers" (dict "containers" . "context" $root) | nindent 4 }}
    {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmpSize | toString | quote }}
    - name: dshm
      emptyDir:
        medium: Memory
        sizeLimit: {{ ternary .Values.gpu.shmSize .Values.shmSize $gpu | toString | quote }}
    {{- if $csi }}
    - name: secrets
      csi:
        driver: secrets-store.csi.k8s.io
        readOnly: true
        volumeAttributes:
          secretProviderClass: {{ include "ai-inference.secretProviderClassName" . | quote }}
    {{- else if include "ai-inference.mountsSecrets" . }}
    - name: secrets
      secret:
        secretName: {{ include "ai-inference.secretName" . | quote }}
        defaultMode: 0440
    {{- end }}
    {{- with .Values.modelCache }}
    {{- if .enabled }}
    - name: model-cache
      {{- if eq .type "emptyDir" }}
      emptyDir:
        sizeLimit: {{ .size | toString | quote }}
      {{- else }}
      persistentVolumeClaim:
        claimName: {{ eq .type "pvc" | ternary (include "ai-inference.modelCacheClaimName" $root) .existingClaim | quote }}
      {{- end }}
    {{- end }}
    {{- end }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end }}


{{/*
Affinity of the pods: `affinity` as given; with GPU off and gpu.avoidGpuNodes, the required node affinity on the
absence of gpu.nodeLabelKey is added to every nodeSelectorTerm of the user's required node affinity (terms are ORed,
expressions within a term ANDed), or becomes the only term when there is none.
*/}}
{{- define "ai-inference.affinity" -}}
{{- $affinity := deepCopy (.Values.affinity | default dict) }}
{{- if and (not .Values.gpu.enabled) .Values.gpu.avoidGpuNodes }}
{{- $avoid := dict "key" .Values.gpu.nodeLabelKey "operator" "DoesNotExist" }}
{{- $node := $affinity.nodeAffinity | default dict }}
{{- $required := $node.requiredDuringSchedulingIgnoredDuringExecution | default dict }}
{{- $terms := list }}
{{- range $required.nodeSelectorTerms | default (list dict) }}
{{- $terms = append $terms (merge (dict "matchExpressions" (append (.matchExpressions | default list) $avoid)) .) }}
{{- end }}
{{- $_ := set $required "nodeSelectorTerms" $terms }}
{{- $_ := set $node "requiredDuringSchedulingIgnoredDuringExecution" $required }}
{{- $_ := set $affinity "nodeAffinity" $node }}
{{- end }}
{{- with $affinity }}{{ toYaml . }}{{ end }}
{{- end }}

{{/*
Lifecycle hooks of the server container: lifecycleHooks; when that sets no preStop, a preStop sleep of
preStopSleepSeconds (with AGIC routing to the pods, of ingress.agic.preStopSleepSeconds when longer), so the
endpoints' consumers (kube-proxy, the ingress controller, the Application Gateway's backend pool) stop sending
requests before the server stops (Azure/application-gateway-kubernetes-ingress
docs/how-tos/minimize-downtime-during-deployments.md; Kubernetes "Pod Lifecycle", termination of Pods).
The sleep handler (Kubernetes 1.30+, GA in 1.34) needs no shell or sleep binary in the image.
*/}}
{{- define "ai-inference.lifecycle" -}}
{{- $hooks := deepCopy (.Values.lifecycleHooks | default dict) }}
{{- $seconds := int .Values.preStopSleepSeconds }}
{{- if and .Values.ingress.enabled (eq .Values.ingress.controller "agic") }}
{{- $seconds = max $seconds (int .Values.ingress.agic.preStopSleepSeconds) }}
{{- end }}
{{- if and (not (hasKey $hooks "preStop")) (gt $seconds 0) }}
{{- $_ := set $hooks "preStop" (dict "sleep" (dict "seconds" $seconds)) }}
{{- end }}
{{- with $hooks }}{{ toYaml . }}{{ end }}
{{- end }}

{{/* Number of a container port of the server by name (http: containerPort). Usage: include "ai-inference.containerPortNumber" (dict "name" $name "context" $) */}}
{{- define "ai-inference.containerPortNumber" -}}
{{- $name := .name }}
{{- if eq $name "http" }}
{{- .context.Values.containerPort }}
{{- else }}
{{- range .context.Values.extraContainerPorts }}
{{- if eq .name $name }}{{ .containerPort }}{{ end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
One probe of the server container from probes.<name>: the handler of its `kind` (http: GET `path` on the named
`port`, defaulting to probes.readyPath, or probes.livePath for liveness; tcp: a TCP connect; grpc: the gRPC health
protocol on the port's number, which Kubernetes requires; exec: `command`), then the timing fields that are set.
An empty liveness kind is http on probes.livePath when that is set, else tcp (a busy server still accepts connections).
Usage: include "ai-inference.probe" (dict "name" "startup" "context" $)
*/}}
{{- define "ai-inference.probe" -}}
{{- $v := .context.Values.probes }}
{{- $p := index $v .name }}
{{- $live := eq .name "liveness" }}
{{- $kind := $p.kind | default (ternary (ternary "http" "tcp" (not (empty $v.livePath))) "http" $live) }}
{{- $port := $p.port | default "http" }}
{{- if eq $kind "http" }}
httpGet:
  path: {{ $p.path | default (ternary $v.livePath $v.readyPath $live) | quote }}
  port: {{ $port | toJson }}
  {{- if eq ($p.scheme | default "HTTP") "HTTPS" }}
  scheme: HTTPS
  {{- end }}
  {{- with $p.httpHeaders }}
  httpHeaders:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- else if eq $kind "tcp" }}
tcpSocket:
  port: {{ $port | toJson }}
{{- else if eq $kind "grpc" }}
grpc:
  port: {{ include "ai-inference.containerPortNumber" (dict "name" $port "context" .context) | int }}
  {{- with $p.service }}
  service: {{ . | quote }}
  {{- end }}
{{- else }}
exec:
  command:
    {{- toYaml $p.command | nindent 4 }}
{{- end }}
{{- with $p.initialDelaySeconds }}
initialDelaySeconds: {{ . | int }}
{{- end }}
periodSeconds: {{ $p.periodSeconds | int }}
timeoutSeconds: {{ $p.timeoutSeconds | int }}
{{- if gt (int ($p.successThreshold | default 1)) 1 }}
successThreshold: {{ $p.successThreshold | int }}
{{- end }}
failureThreshold: {{ $p.failureThreshold | int }}
{{- with $p.terminationGracePeriodSeconds }}
terminationGracePeriodSeconds: {{ . | int }}
{{- end }}
{{- end }}

{{/*
Init containers and sidecars as given, each with the server's image and pull policy when it names no image, and the
chart's securityContext (Pod Security "restricted") when its own is unset, null or empty (what it sets is checked
like the server's: ai-inference.validate.security).
Usage: include "ai-inference.extraContainers" (dict "containers" .Values.sidecars "context" $)
*/}}
{{- define "ai-inference.extraContainers" -}}
{{- $out := list }}
{{- range .containers }}
{{- $c := deepCopy . }}
{{- if not $c.image }}
{{- $_ := set $c "image" (include "ai-inference.image" $.context) }}
{{- $_ := set $c "imagePullPolicy" ($c.imagePullPolicy | default $.context.Values.image.pullPolicy) }}
{{- end }}
{{- if not $c.securityContext }}
{{- $_ := set $c "securityContext" $.context.Values.securityContext }}
{{- end }}
{{- $out = append $out $c }}
{{- end }}
{{- toYaml $out }}
{{- end }}
