{{/*
The Deployment's pod template (metadata and spec).
Usage: include "ai-inference.podTemplate" (dict "context" $)
*/}}
{{- define "ai-inference.podTemplate" -}}
{{- $root := .context }}
{{- with $root }}
{{- $csi := eq .Values.secrets.provider "csi" }}
{{- $gpu := .Values.gpu.enabled }}
{{- $policy := include "ai-inference.policyAnnotations" (dict "object" "workload" "context" .) -}}
metadata:
  labels:
    {{- include "ai-inference.labels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- if $csi }}
    azure.workload.identity/use: "true"
    {{- end }}
  annotations:
    checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
    {{- if include "ai-inference.rendersSecret" . }}
    checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
    {{- end }}
    {{- if $csi }}
    checksum/secretproviderclass: {{ include (print .Template.BasePath "/secretproviderclass.yaml") . | sha256sum }}
    {{- end }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with $policy }}
    {{- . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "ai-inference.serviceAccountName" . }}
  automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- if and $gpu .Values.gpu.runtimeClassName }}
  runtimeClassName: {{ .Values.gpu.runtimeClassName }}
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  {{- with merge (dict) .Values.nodeSelector (ternary .Values.gpu.nodeSelector dict $gpu) }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with concat (ternary .Values.gpu.tolerations list $gpu) .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- $affinity := deepCopy .Values.affinity }}
  {{- if and (not $gpu) .Values.gpu.avoidGpuNodes (not (hasKey $affinity "nodeAffinity")) }}
  {{- $term := dict "matchExpressions" (list (dict "key" .Values.gpu.nodeLabelKey "operator" "DoesNotExist")) }}
  {{- $_ := set $affinity "nodeAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (dict "nodeSelectorTerms" (list $term))) }}
  {{- end }}
  {{- with $affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml .Values.topologySpreadConstraints | nindent 4 }}
  {{- else if include "ai-inference.multiReplica" . }}
  topologySpreadConstraints:
    {{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
    - maxSkew: 1
      topologyKey: {{ $key }}
      whenUnsatisfiable: ScheduleAnyway
      labelSelector:
        matchLabels:
          {{- include "ai-inference.selectorLabels" $root | nindent 10 }}
      matchLabelKeys:
        - pod-template-hash
    {{- end }}
  {{- end }}
  containers:
    - name: {{ .Values.containerName }}
      image: {{ include "ai-inference.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      {{- with .Values.command }}
      command:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.containerPort }}
          protocol: TCP
      {{- $env := include "ai-inference.env" . | trim }}
      {{- with $env }}
      env:
        {{- . | nindent 8 }}
      {{- end }}
      resources:
        {{- $limits := deepCopy (.Values.resources.limits | default dict) }}
        {{- if $gpu }}
        {{- $_ := set $limits .Values.gpu.resourceName (int .Values.gpu.count) }}
        {{- end }}
        {{- toYaml (dict "requests" .Values.resources.requests "limits" $limits) | nindent 8 }}
      startupProbe:
        httpGet:
          path: {{ .Values.probes.readyPath }}
          port: http
        {{- toYaml .Values.probes.startup | nindent 8 }}
      readinessProbe:
        httpGet:
          path: {{ .Values.probes.readyPath }}
          port: http
        {{- toYaml .Values.probes.readiness | nindent 8 }}
      livenessProbe:
        {{- if .Values.probes.livePath }}
        httpGet:
          path: {{ .Values.probes.livePath }}
          port: http
        {{- else }}
        tcpSocket:
          port: http
        {{- end }}
        {{- toYaml .Values.probes.liveness | nindent 8 }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: dshm
          mountPath: /dev/shm
        {{- if include "ai-inference.mountsSecrets" . }}
        - name: secrets
          mountPath: {{ .Values.secrets.mountPath }}
          readOnly: true
        {{- end }}
        {{- if .Values.modelCache.enabled }}
        - name: model-cache
          mountPath: {{ .Values.modelCache.mountPath }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ .Values.tmpSize }}
    - name: dshm
      emptyDir:
        medium: Memory
        sizeLimit: {{ ternary .Values.gpu.shmSize .Values.shmSize $gpu }}
    {{- if $csi }}
    - name: secrets
      csi:
        driver: secrets-store.csi.k8s.io
        readOnly: true
        volumeAttributes:
          secretProviderClass: {{ include "ai-inference.secretProviderClassName" . }}
    {{- else if include "ai-inference.mountsSecrets" . }}
    - name: secrets
      secret:
        secretName: {{ include "ai-inference.secretName" . }}
        defaultMode: 0440
    {{- end }}
    {{- with .Values.modelCache }}
    {{- if .enabled }}
    - name: model-cache
      {{- if eq .type "emptyDir" }}
      emptyDir:
        sizeLimit: {{ .size }}
      {{- else }}
      persistentVolumeClaim:
        claimName: {{ eq .type "pvc" | ternary (include "ai-inference.modelCacheClaimName" $root) .existingClaim }}
      {{- end }}
    {{- end }}
    {{- end }}
{{- end }}
{{- end }}
