{{/* KEDA: one autoscaler per Deployment, a reachable Prometheus, the Azure Managed Prometheus authentication, and a
query that can wake a workload scaled to zero.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.keda" -}}
{{- $v := .Values }}
{{- $k := $v.keda }}
{{- $p := $k.prometheus }}
{{- if $k.enabled }}
{{- if $v.autoscaling.enabled }}
{{- printf "\nautoscaling.enabled and keda.enabled: both would scale Deployment %s (KEDA's ScaledObject creates its own HPA, and on AKS it is refused while another HPA targets the Deployment); allowed: one of them" (include "ai-inference.fullname" .) }}
{{- end }}
{{- if not (has $k.server (list "vllm" "tgi" "triton")) }}
{{- printf "\nkeda.server: %q is not supported; allowed: vllm, tgi, triton" (toString $k.server) }}
{{- end }}
{{- if gt (int $k.minReplicas) (int $k.maxReplicas) }}
{{- printf "\nkeda.minReplicas: %d is greater than keda.maxReplicas (%d); allowed: minReplicas <= maxReplicas" (int $k.minReplicas) (int $k.maxReplicas) }}
{{- end }}
{{- $azure := regexMatch "^https://[^/]+\\.prometheus\\.monitor\\.azure\\.(com|cn|us)(/|$)" (toString $p.serverAddress) }}
{{- if not $p.serverAddress }}
{{- print "\nkeda.prometheus.serverAddress: required with keda.enabled; allowed: an Azure Monitor workspace query endpoint (https://<workspace>.<region>.prometheus.monitor.azure.com) or an in-cluster Prometheus URL" }}
{{- else if and $azure (not $p.azureWorkloadIdentity) }}
{{- print "\nkeda.prometheus.azureWorkloadIdentity: required for an Azure Monitor workspace endpoint, which answers Microsoft Entra tokens only; allowed: true (a TriggerAuthentication with podIdentity.provider azure-workload)" }}
{{- else if and $p.azureWorkloadIdentity (not $azure) }}
{{- printf "\nkeda.prometheus.azureWorkloadIdentity: %q is not an Azure Monitor workspace query endpoint; allowed: true only with https://<workspace>.<region>.prometheus.monitor.azure.com" (toString $p.serverAddress) }}
{{- end }}
{{- if and $p.identityId (not $p.azureWorkloadIdentity) }}
{{- print "\nkeda.prometheus.identityId: the managed identity of the azure-workload TriggerAuthentication; allowed only with keda.prometheus.azureWorkloadIdentity=true" }}
{{- end }}
{{- if not $p.query }}
{{- if $k.scaleToZero }}
{{- printf "\nkeda.prometheus.query: the default query reads %s's own queue metric, which has no series while no pod runs, so KEDA could never scale up from zero; allowed with keda.scaleToZero: a query that has data without pods (for example the gateway's request rate)" $k.server }}
{{- else if not $v.serviceMonitor.enabled }}
{{- print "\nkeda.prometheus.query: the default query reads the series a ServiceMonitor scrape labels with namespace and service; allowed: serviceMonitor.enabled=true, or your own query" }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
