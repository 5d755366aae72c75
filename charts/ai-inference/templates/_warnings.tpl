{{/*
Values that render and may be right, but often are not: each is a line "<key>: <what happens>; <what to do>".
They are not refused because a rule would refuse setups that work (chart README, "Input validation"): the port flag
may belong to another listener, a GPU pool may carry no taint or other labels, a streamed response outlives an idle
timeout, a cold start may be acceptable. NOTES.txt prints them after an install or upgrade, and templates/warnings.yaml
puts them into the rendered manifest as comments, where `helm template`, GitOps tools and the values check show them.
*/}}
{{- define "ai-inference.warnings" -}}
{{- $v := .Values }}
{{- include "ai-inference.warnings.port" . }}
{{- if $v.gpu.enabled }}
{{- if not (concat $v.gpu.tolerations $v.tolerations) }}
{{- print "\ngpu.tolerations: empty, so the pods tolerate only the nvidia.com/gpu taint that AKS adds to GPU pods by itself (ExtendedResourceToleration); on a pool tainted sku=gpu:NoSchedule, as the AKS GPU docs create it, they stay Pending; list the pool's taint in gpu.tolerations" }}
{{- end }}
{{- $aks := false }}
{{- range $key, $_ := $v.gpu.nodeSelector }}{{ if hasPrefix "kubernetes.azure.com/" $key }}{{ $aks = true }}{{ end }}{{ end }}
{{- if and $v.gpu.nodeSelector (not $aks) }}
{{- $selector := list }}
{{- range $key, $value := $v.gpu.nodeSelector }}{{ $selector = append $selector (printf "%s=%s" $key $value) }}{{ end }}
{{- printf "\ngpu.nodeSelector: names no node label AKS sets itself (kubernetes.azure.com/accelerator, kubernetes.azure.com/agentpool), so the pods run only where your own labels are; check that the GPU nodes carry them: kubectl get nodes -l %s" (join "," $selector) }}
{{- end }}
{{- end }}
{{- include "ai-inference.warnings.gatewayIdle" . }}
{{- if and $v.keda.enabled $v.keda.scaleToZero }}
{{- printf "\nkeda.scaleToZero: after %v s without activity no pod runs, and the next request waits until a pod is scheduled, has pulled its image and loaded the model (the startup probe allows %s s); clients and the ingress or route timeouts must wait that long, or keep keda.minReplicas pods" $v.keda.cooldownPeriod (include "ai-inference.startupBudget" .) }}
{{- end }}
{{- if and $v.serviceMonitor.enabled (eq $v.serviceMonitor.apiVersion "monitoring.coreos.com/v1") }}
{{- print "\nserviceMonitor.apiVersion: monitoring.coreos.com/v1 is read by the Prometheus Operator only; Azure Managed Prometheus ignores it and reads azmonitoring.coreos.com/v1" }}
{{- end }}
{{- $longest := include "ai-inference.longestRequest" . | int64 }}
{{- if and (not (kindIs "invalid" $v.terminationGracePeriodSeconds)) (lt (int64 $v.terminationGracePeriodSeconds) $longest) }}
{{- printf "\nterminationGracePeriodSeconds: %v s is shorter than the %d s a request may take through the ingress or route, so requests still running when a pod stops (rolling update, scale-in, node drain) are cut; leave it empty (the chart then waits %d s) or raise it" $v.terminationGracePeriodSeconds $longest $longest }}
{{- end }}
{{- end }}

{{/* The server told to listen elsewhere: a --port or --http-port argument (vLLM, SGLang, TGI, TEI, llama.cpp;
Triton's --http-port) that names none of the container's ports. */}}
{{- define "ai-inference.warnings.port" -}}
{{- $v := .Values }}
{{- $ports := list (int $v.containerPort) }}
{{- range $v.extraContainerPorts }}{{ $ports = append $ports (int .containerPort) }}{{ end }}
{{- range $key := list "args" "canary.args" }}
{{- $args := ternary $v.canary.args $v.args (eq $key "canary.args") }}
{{- range $flag := list "--port" "--http-port" }}
{{- $port := include "ai-inference.argValue" (dict "args" $args "flags" (list $flag)) }}
{{- if and (regexMatch "^[0-9]+$" $port) (not (has (int $port) $ports)) }}
{{- printf "\n%s: %s %s tells the server to listen on %s, but containerPort is %v, where the probes, the Service and the ingress send requests; set containerPort: %s (or drop the flag) unless another process listens on %v" $key $flag $port $port $v.containerPort $port $v.containerPort }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The chart's approuting-istio Gateway sits behind an Azure Load Balancer that resets connections idle for longer
than its idle timeout (4 minutes unless gateway.infrastructureAnnotations raises it; MicrosoftDocs/azure-aks-docs
articles/aks/configure-load-balancer-standard.md): a route timeout above it bounds streamed responses only. */}}
{{- define "ai-inference.warnings.gatewayIdle" -}}
{{- $v := .Values }}
{{- if and $v.httpRoute.enabled $v.gateway.create (eq $v.gateway.className "approuting-istio") }}
{{- $minutes := index ($v.gateway.infrastructureAnnotations | default dict) "service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout" | default "4" | int }}
{{- range $index, $rule := $v.httpRoute.rules }}
{{- with (include "ai-inference.ruleTimeouts" (dict "rule" $rule "context" $) | fromYaml).request }}
{{- $seconds := div (include "ai-inference.durationMs" . | int64) 1000 }}
{{- if gt $seconds (mul $minutes 60) }}
{{- $where := ternary (printf "httpRoute.rules[%d].timeouts.request" $index) "httpRoute.timeouts.request" (hasKey $rule "timeouts") }}
{{- printf "\n%s: %s is longer than the %d-minute idle timeout of the Azure Load Balancer in front of the gateway, which resets a response that stays silent that long; stream the response, or raise the idle timeout (gateway.infrastructureAnnotations service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout, up to 30)" $where . $minutes }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
