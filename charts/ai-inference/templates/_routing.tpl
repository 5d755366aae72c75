{{/*
Helpers of the Gateway API routes (httproute.yaml, grpcroute.yaml), the Gateway and the AGC policies.
Field names: kubernetes-sigs/gateway-api apis/v1 (httproute_types.go, grpcroute_types.go, gateway_types.go,
shared_types.go) at the bundle versions AKS ships (v1.2.1 - v1.5.1, standard channel).
*/}}

{{/* "true" when the Gateway the routes attach to is Application Gateway for Containers. */}}
{{- define "ai-inference.agc" -}}
{{- if eq .Values.gateway.className "azure-alb-external" }}true{{ end }}
{{- end }}

{{/* The routes' parentRefs: the chart's Gateway (gateway.create), then httpRoute.parentRefs. A YAML list. */}}
{{- define "ai-inference.parentRefs" -}}
{{- $refs := list }}
{{- if .Values.gateway.create }}
{{- $refs = append $refs (dict "name" (include "ai-inference.gatewayName" .)) }}
{{- end }}
{{- toYaml (concat $refs .Values.httpRoute.parentRefs) }}
{{- end }}

{{/*
backendRefs of a route rule: the stable Service on `port`; with canary.enabled also the canary's Service, each with its
weight (Gateway API BackendRef.weight: traffic is split in proportion to the weights, 0 sends none). With
inferencePool.enabled and `pools`, each variant's InferencePool instead (a backendRef of group
inference.networking.k8s.io, kind InferencePool, without a port: the pool names its target port).
Usage: include "ai-inference.routeBackends" (dict "port" 80 "pools" true "context" $) | fromYamlArray
*/}}
{{- define "ai-inference.routeBackends" -}}
{{- $ctx := .context }}
{{- $backends := list }}
{{- range $variant := include "ai-inference.variants" $ctx | fromJsonArray }}
{{- $ref := dict "name" (include "ai-inference.variantName" (dict "name" (include "ai-inference.serviceName" $ctx) "variant" $variant)) "port" (int $.port) }}
{{- if and $.pools $ctx.Values.inferencePool.enabled }}
{{- $ref = dict "group" "inference.networking.k8s.io" "kind" "InferencePool" "name" (include "ai-inference.inferencePoolName" (dict "variant" $variant "context" $ctx)) }}
{{- end }}
{{- if $ctx.Values.canary.enabled }}
{{- $_ := set $ref "weight" (int (index $ctx.Values.canary.weights $variant)) }}
{{- end }}
{{- $backends = append $backends $ref }}
{{- end }}
{{- toYaml $backends }}
{{- end }}

{{/*
The RequestMirror filter that copies a rule's requests to the canary's Service (canary.mirror), or nothing.
`percent` is a Gateway API v1.3 field (standard since v1.3.0): rendered only below 100.
Usage: include "ai-inference.mirrorFilter" (dict "port" 80 "context" $) | fromYamlArray
*/}}
{{- define "ai-inference.mirrorFilter" -}}
{{- $v := .context.Values }}
{{- if and $v.canary.enabled $v.canary.mirror.enabled }}
{{- $backend := dict "name" (include "ai-inference.variantName" (dict "name" (include "ai-inference.serviceName" .context) "variant" "canary")) "port" (int .port) }}
{{- $mirror := dict "backendRef" $backend }}
{{- if lt (int $v.canary.mirror.percent) 100 }}
{{- $_ := set $mirror "percent" (int $v.canary.mirror.percent) }}
{{- end }}
{{- toYaml (list (dict "type" "RequestMirror" "requestMirror" $mirror)) }}
{{- else }}
{{- toYaml list }}
{{- end }}
{{- end }}

{{/* The timeouts of a rule: its own, else httpRoute.timeouts, without empty entries (a YAML map, possibly {}). */}}
{{- define "ai-inference.ruleTimeouts" -}}
{{- $timeouts := dict }}
{{- range $key, $value := (.rule.timeouts | default .context.Values.httpRoute.timeouts) }}
{{- if $value }}{{ $_ := set $timeouts $key $value }}{{ end }}
{{- end }}
{{- toYaml $timeouts }}
{{- end }}

{{/* Milliseconds of a Gateway API duration ("1h30m", "600s", "250ms"). */}}
{{- define "ai-inference.durationMs" -}}
{{- $ms := 0 }}
{{- range $part := regexFindAll "[0-9]+(ms|h|m|s)" (toString .) -1 }}
{{- $number := regexFind "^[0-9]+" $part }}
{{- $unit := trimPrefix $number $part }}
{{- $ms = add $ms (mul (int64 $number) (get (dict "h" 3600000 "m" 60000 "s" 1000 "ms" 1) $unit)) }}
{{- end }}
{{- $ms }}
{{- end }}

{{/* The number of the Service port named `name` (httpRoute.grpc.port): an entry of service.extraPorts; "" if none. */}}
{{- define "ai-inference.servicePortNumber" -}}
{{- range .context.Values.service.extraPorts | default list }}
{{- if eq (toString .name) $.name }}{{ .port }}{{ end }}
{{- end }}
{{- end }}

{{/*
NetworkPolicy peers of the server pods for the routes: the gateway (ai-inference.routeGatewayPeers) and, with
inferencePool.enabled, the chart's endpoint pickers (a full picker reads the servers' metrics on the server port).
A YAML list, possibly empty.
*/}}
{{- define "ai-inference.gatewayPeers" -}}
{{- $peers := include "ai-inference.routeGatewayPeers" . | fromYamlArray }}
{{- range $variant := include "ai-inference.endpointPickerVariants" . | fromJsonArray }}
{{- $peers = append $peers (dict "podSelector" (dict "matchLabels" (include "ai-inference.endpointPickerSelectorLabels" (dict "variant" $variant "context" $) | fromYaml))) }}
{{- end }}
{{- toYaml $peers }}
{{- end }}

{{/*
NetworkPolicy peers for the gateway that sends the routes' traffic (a YAML list, possibly empty):
- approuting-istio and istio: the gateway pods Istio provisions for each Gateway carry `gateway.networking.k8s.io/gateway-name:
  <Gateway name>` and run in the Gateway's namespace (istio/istio manifests/charts/istio-control/istio-discovery/files/
  kube-gateway.yaml); one peer per Gateway (the chart's and each parentRef).
- azure-alb-external: Application Gateway for Containers proxies from its subnet straight to the pods
  (networkPolicy.agcSubnetCIDR).
*/}}
{{- define "ai-inference.routeGatewayPeers" -}}
{{- $peers := list }}
{{- if .Values.httpRoute.enabled }}
{{- if include "ai-inference.agc" . }}
{{- with .Values.networkPolicy.agcSubnetCIDR }}
{{- $peers = append $peers (dict "ipBlock" (dict "cidr" .)) }}
{{- end }}
{{- else }}
{{- range $ref := include "ai-inference.parentRefs" . | fromYamlArray }}
{{- if eq ($ref.kind | default "Gateway") "Gateway" }}
{{- $namespace := $ref.namespace | default $.Release.Namespace }}
{{- $peers = append $peers (dict
  "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $namespace))
  "podSelector" (dict "matchLabels" (dict "gateway.networking.k8s.io/gateway-name" $ref.name))) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- toYaml $peers }}
{{- end }}
