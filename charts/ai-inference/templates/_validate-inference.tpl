{{/* The Gateway API Inference Extension mode (inferencePool.*): the route and the gateway that can serve a pool,
the pool's pods and port, and the endpoint picker.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.inference" -}}
{{- $v := .Values }}
{{- $pool := $v.inferencePool }}
{{- if $pool.enabled }}
{{- include "ai-inference.validate.inference.gateway" . }}
{{- include "ai-inference.validate.inference.pool" . }}
{{- include "ai-inference.validate.inference.picker" . }}
{{- end }}
{{- end }}

{{/* The route and its gateway: which implementations serve an InferencePool backend. */}}
{{- define "ai-inference.validate.inference.gateway" -}}
{{- $v := .Values }}
{{- $pool := $v.inferencePool }}
{{- if not $v.httpRoute.enabled }}
{{- print "\ninferencePool.enabled: the pool is the backend of the chart's HTTPRoute, which is off; allowed: httpRoute.enabled=true (with a gateway of class azure-alb-external or istio)" }}
{{- end }}
{{- if eq $v.gateway.className "approuting-istio" }}
{{- print "\ninferencePool.enabled: AKS application routing (gateway.className=approuting-istio) documents no InferencePool support, and it supports no Istio CRDs (the DestinationRule the picker's TLS needs) nor istiod settings (ENABLE_GATEWAY_API_INFERENCE_EXTENSION); allowed: gateway.className=azure-alb-external (Application Gateway for Containers' inference gateway) or istio (a self-managed Istio with the extension enabled), or inferencePool.enabled=false" }}
{{- end }}
{{- if and (eq $pool.appProtocol "kubernetes.io/h2c") (include "ai-inference.agc" .) }}
{{- print "\ninferencePool.appProtocol: Application Gateway for Containers installs the v1.3.1 InferencePool CRD, which has no appProtocol field (it came with v1.4.0); allowed: empty (HTTP/1.1) with gateway.className=azure-alb-external" }}
{{- end }}
{{- if and (include "ai-inference.agc" .) $v.gateway.agc.healthCheck.enabled }}
{{- print "\ngateway.agc.healthCheck.enabled: the HealthCheckPolicy probes the Service, and with inferencePool.enabled the route's backend is the InferencePool (the picker sends requests to Ready pods only); allowed: false" }}
{{- end }}
{{- if and $v.canary.enabled $v.canary.mirror.enabled }}
{{- print "\ncanary.mirror.enabled: the mirror filter copies requests to the canary's Service, and with inferencePool.enabled the route sends to InferencePools, whose mirroring no implementation documents; allowed: false (the canary's pool gets canary.weights of the requests)" }}
{{- end }}
{{- end }}

{{/* The pool: pods to select, the port they serve on. */}}
{{- define "ai-inference.validate.inference.pool" -}}
{{- $v := .Values }}
{{- if and (eq (int $v.replicaCount) 0) (not (include "ai-inference.autoscaled" .)) }}
{{- print "\nreplicaCount: 0 without an autoscaler leaves the InferencePool without a pod to select, and the gateway without an endpoint; allowed: 1 or more, autoscaling.enabled or keda.enabled" }}
{{- end }}
{{- if not (include "ai-inference.inferencePoolTargetPort" .) }}
{{- printf "\nservice.targetPort: %v is not a container port of the server, so the InferencePool would send requests where no server listens; allowed: http (containerPort %d), a name or number of extraContainerPorts" $v.service.targetPort (int $v.containerPort) }}
{{- end }}
{{- if eq (include "ai-inference.endpointPickerSelectorLabels" (dict "variant" "stable" "context" .) | trim) (include "ai-inference.selectorLabels" . | trim) }}
{{- print "\nselectorLabels: the endpoint picker's selector labels are the server's with -epp appended to every value except app.kubernetes.io/instance, so they would equal the server's selector and the InferencePool, Service and PDB of the server would select picker pods; allowed: a selectorLabels key besides app.kubernetes.io/instance (for example app)" }}
{{- end }}
{{- end }}

{{/* The picker: deployed by the chart, or an existing one. */}}
{{- define "ai-inference.validate.inference.picker" -}}
{{- $v := .Values }}
{{- $picker := $v.inferencePool.endpointPicker }}
{{- if not $picker.create }}
{{- if not $picker.name }}
{{- print "\ninferencePool.endpointPicker.name: required with endpointPicker.create=false (the Service of your endpoint picker in the release namespace); allowed: a Service name, or endpointPicker.create=true" }}
{{- end }}
{{- if $v.canary.enabled }}
{{- print "\ninferencePool.endpointPicker.create: a picker serves one pool (--pool-name), and the canary's pool needs its own; allowed: endpointPicker.create=true with canary.enabled" }}
{{- end }}
{{- else }}
{{- if and (eq $picker.failureMode "FailClose") (lt (int $picker.replicaCount) 2) }}
{{- printf "\ninferencePool.endpointPicker.replicaCount: %d with failureMode FailClose: while the one picker restarts or its node drains, the gateway rejects every request; allowed: 2 or more, or failureMode FailOpen" (int $picker.replicaCount) }}
{{- end }}
{{- $ports := dict "port" (int $picker.port) "healthPort" (int $picker.healthPort) "metricsPort" (int $picker.metricsPort) }}
{{- range $a := list "port" "healthPort" "metricsPort" }}
{{- range $b := list "port" "healthPort" "metricsPort" }}
{{- if and (lt $a $b) (eq (index $ports $a) (index $ports $b)) }}
{{- printf "\ninferencePool.endpointPicker.%s: %d is also endpointPicker.%s; allowed: three different ports" $b (index $ports $b) $a }}
{{- end }}
{{- end }}
{{- end }}
{{- range $flag := list "--pool-name" "--pool-namespace" "--grpc-port" "--grpc-health-port" "--metrics-port" }}
{{- range $picker.extraArgs }}
{{- if or (eq . $flag) (hasPrefix (printf "%s=" $flag) .) }}
{{- printf "\ninferencePool.endpointPicker.extraArgs: %s is set by the chart (inferencePool.name, the release namespace, endpointPicker.port, healthPort, metricsPort); allowed: other flags" $flag }}
{{- end }}
{{- end }}
{{- end }}
{{- range $part := list "requests" "limits" }}
{{- range $resource := list "cpu" "memory" }}
{{- if not (hasKey (index $picker.resources $part | default dict) $resource) }}
{{- printf "\ninferencePool.endpointPicker.resources.%s: no %s (AKS Deployment Safeguards require CPU and memory requests and limits); allowed: a quantity such as %s" $part $resource (ternary "100m" "128Mi" (eq $resource "cpu")) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
