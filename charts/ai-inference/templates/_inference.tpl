{{/*
Helpers of the Gateway API Inference Extension mode (inferencePool.*): the InferencePool of each variant's pods and
the endpoint picker the chart deploys for it. Field names: kubernetes-sigs/gateway-api-inference-extension
api/v1/inferencepool_types.go (InferencePool v1, module v1.6.2; the v1.3.1 CRD that Application Gateway for
Containers installs has the same fields except appProtocol). The picker's flags, ports and the objects it reads:
pkg/lwepp/server/options.go, pkg/lwepp/server/controller_manager.go and cmd/lwepp/main.go of the same module.
*/}}

{{/* The InferencePool of one variant: inferencePool.name, else the fullname; the canary's with "-canary".
Usage: include "ai-inference.inferencePoolName" (dict "variant" $variant "context" $) */}}
{{- define "ai-inference.inferencePoolName" -}}
{{- include "ai-inference.variantName" (dict "name" (.context.Values.inferencePool.name | default (include "ai-inference.fullname" .context)) "variant" .variant) }}
{{- end }}

{{/* The picker Service a variant's pool names: the chart's (<fullname>-epp, the canary's <fullname>-epp-canary,
or endpointPicker.name), or with endpointPicker.create=false the existing one, endpointPicker.name.
Usage: include "ai-inference.endpointPickerName" (dict "variant" $variant "context" $) */}}
{{- define "ai-inference.endpointPickerName" -}}
{{- $picker := .context.Values.inferencePool.endpointPicker }}
{{- if $picker.create }}
{{- include "ai-inference.variantName" (dict "name" ($picker.name | default (include "ai-inference.nameFor" (dict "name" "" "suffix" "epp" "context" .context))) "variant" .variant) }}
{{- else }}
{{- $picker.name }}
{{- end }}
{{- end }}

{{/* ServiceAccount, Role and RoleBinding of the chart's pickers (one for both variants). */}}
{{- define "ai-inference.endpointPickerAccountName" -}}
{{- include "ai-inference.nameFor" (dict "name" "" "suffix" "epp" "context" .) }}
{{- end }}

{{/* The variants whose picker the chart deploys (a JSON list, empty without inferencePool or with an existing picker). */}}
{{- define "ai-inference.endpointPickerVariants" -}}
{{- $pool := .Values.inferencePool }}
{{- toJson (ternary (include "ai-inference.variants" . | fromJsonArray) list (and $pool.enabled $pool.endpointPicker.create)) }}
{{- end }}

{{/*
Selector labels of a variant's picker pods: the variant's selector labels with "-epp" appended to every value except
app.kubernetes.io/instance (as the canary's append "-canary"), so no selector of the servers (Service, PDB,
NetworkPolicy, InferencePool) selects a picker pod. Usage: include "ai-inference.endpointPickerSelectorLabels"
(dict "variant" $variant "context" $)
*/}}
{{- define "ai-inference.endpointPickerSelectorLabels" -}}
{{- $labels := dict }}
{{- range $key, $value := include "ai-inference.variantSelectorLabels" . | fromYaml }}
{{- $_ := set $labels $key (eq $key "app.kubernetes.io/instance" | ternary $value (printf "%s-epp" ($value | trunc 59 | trimSuffix "-"))) }}
{{- end }}
{{- toYaml $labels }}
{{- end }}

{{/* Labels of a variant's picker objects and pods: the chart's labels with the picker's selector labels, component
endpoint-picker and the picker image's tag as app.kubernetes.io/version. */}}
{{- define "ai-inference.endpointPickerLabels" -}}
{{- $picker := .context.Values.inferencePool.endpointPicker }}
{{- $labels := include "ai-inference.labels" .context | fromYaml }}
{{- $_ := unset $labels "app.kubernetes.io/version" }}
{{- with regexReplaceAll "[^-A-Za-z0-9_.]" (toString $picker.image.tag) "_" | trunc 63 | trimAll "-_." }}
{{- $_ := set $labels "app.kubernetes.io/version" . }}
{{- end }}
{{- $own := merge (include "ai-inference.endpointPickerSelectorLabels" . | fromYaml) (dict "app.kubernetes.io/component" "endpoint-picker") }}
{{- toYaml (merge $own $labels) }}
{{- end }}

{{/* Metadata of a picker object: name, namespace, the picker's labels, commonAnnotations.
Usage: include "ai-inference.endpointPickerMetadata" (dict "name" $name "variant" $variant "context" $) */}}
{{- define "ai-inference.endpointPickerMetadata" -}}
name: {{ .name | quote }}
namespace: {{ .context.Release.Namespace | quote }}
labels:
  {{- include "ai-inference.endpointPickerLabels" . | nindent 2 }}
{{- with .context.Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The picker image: [registry/]repository:tag[@digest]. */}}
{{- define "ai-inference.endpointPickerImage" -}}
{{- $image := .Values.inferencePool.endpointPicker.image }}
{{- $ref := $image.repository }}
{{- with coalesce (.Values.global).imageRegistry $image.registry }}{{ $ref = printf "%s/%s" . $ref }}{{ end }}
{{- $ref = printf "%s:%s" $ref $image.tag }}
{{- with $image.digest }}{{ $ref = printf "%s@%s" $ref . }}{{ end }}
{{- $ref }}
{{- end }}

{{/*
The number of the server's container port behind the Service's port (service.targetPort: `http`, a name of
extraContainerPorts, or a number): the pool's targetPorts, where the gateway sends the requests the picker assigns.
"" when service.targetPort names no container port (ai-inference.validate.inference says so).
*/}}
{{- define "ai-inference.inferencePoolTargetPort" -}}
{{- $target := .Values.service.targetPort }}
{{- if kindIs "string" $target }}
{{- include "ai-inference.containerPortNumber" (dict "name" $target "context" .) }}
{{- else }}
{{- $numbers := list (int .Values.containerPort) }}
{{- range .Values.extraContainerPorts }}{{ $numbers = append $numbers (int .containerPort) }}{{ end }}
{{- if has (int $target) $numbers }}{{ int $target }}{{ end }}
{{- end }}
{{- end }}

{{/* The flags the chart gives its picker (accepted by the reference picker cmd/lwepp and by the extension's full
picker cmd/epp: pkg/lwepp/server/options.go, pkg/epp/server/options.go). A YAML list. */}}
{{- define "ai-inference.endpointPickerArgs" -}}
{{- $picker := .context.Values.inferencePool.endpointPicker }}
{{- toYaml (concat (list
  "--pool-name" (include "ai-inference.inferencePoolName" .)
  "--pool-namespace" .context.Release.Namespace
  "--grpc-port" (toString (int $picker.port))
  "--grpc-health-port" (toString (int $picker.healthPort))
  "--metrics-port" (toString (int $picker.metricsPort))) $picker.extraArgs) }}
{{- end }}
