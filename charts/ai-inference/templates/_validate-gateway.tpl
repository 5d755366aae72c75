{{/* Gateway API: the routes (httpRoute.*), the Gateway and its listeners (gateway.*), Application Gateway for
Containers (gateway.agc.*) and the NetworkPolicy peer of the gateway.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.gateway" -}}
{{- $v := .Values }}
{{- if not (has $v.gateway.className (list "approuting-istio" "azure-alb-external" "istio")) }}
{{- printf "\ngateway.className: %q is not supported; allowed: approuting-istio, azure-alb-external, istio" (toString $v.gateway.className) }}
{{- end }}
{{- include "ai-inference.validate.gateway.routes" . }}
{{- include "ai-inference.validate.gateway.listeners" . }}
{{- include "ai-inference.validate.gateway.tlsIdentity" . }}
{{- include "ai-inference.validate.gateway.agc" . }}
{{- end }}

{{/* httpRoute.*: parents, Ingress leftovers, timeouts (Gateway API CEL rule of HTTPRouteTimeouts), the GRPCRoute. */}}
{{- define "ai-inference.validate.gateway.routes" -}}
{{- $v := .Values }}
{{- $route := $v.httpRoute }}
{{- range $where, $annotations := dict "httpRoute.annotations" $route.annotations "gateway.annotations" $v.gateway.annotations }}
{{- range $key, $_ := $annotations }}
{{- if or (hasPrefix "nginx.ingress.kubernetes.io/" $key) (hasPrefix "appgw.ingress.kubernetes.io/" $key) (eq $key "kubernetes.io/ingress.class") }}
{{- printf "\n%s: %q is an Ingress annotation, which Gateway API implementations ignore; allowed: httpRoute.timeouts for timeouts, gateway.tls for certificates, gateway.agc for AGC settings" $where $key }}
{{- end }}
{{- end }}
{{- end }}
{{- if $route.enabled }}
{{- if and (not $v.gateway.create) (not $route.parentRefs) }}
{{- print "\nhttpRoute.parentRefs: required when gateway.create is false (the Gateway the route attaches to); allowed: a list of {name, namespace, sectionName}, or gateway.create=true" }}
{{- end }}
{{- range $index, $rule := $route.rules }}
{{- $where := ternary (printf "httpRoute.rules[%d].timeouts" $index) "httpRoute.timeouts" (hasKey $rule "timeouts") }}
{{- $timeouts := $rule.timeouts | default $route.timeouts }}
{{- if and $timeouts.request $timeouts.backendRequest (ne (include "ai-inference.durationMs" $timeouts.request) "0") }}
{{- if gt (int64 (include "ai-inference.durationMs" $timeouts.backendRequest)) (int64 (include "ai-inference.durationMs" $timeouts.request)) }}
{{- printf "\n%s.backendRequest: %s is longer than %s.request (%s), and the gateway would cut the request first; allowed: at most the request timeout" $where $timeouts.backendRequest $where $timeouts.request }}
{{- end }}
{{- end }}
{{- end }}
{{- if $route.grpc.enabled }}
{{- $grpc := $route.grpc }}
{{- $names := list }}
{{- range $v.service.extraPorts | default list }}{{ $names = append $names (toString .name) }}{{ end }}
{{- if not (has $grpc.port $names) }}
{{- printf "\nhttpRoute.grpc.port: %q is not a port of service.extraPorts; allowed: the name of a service.extraPorts entry (%s)" $grpc.port (join ", " $names | default "none defined") }}
{{- end }}
{{- if not $grpc.hostnames }}
{{- print "\nhttpRoute.grpc.hostnames: required with httpRoute.grpc.enabled; allowed: host names distinct from httpRoute.hostnames (for example grpc.<host>)" }}
{{- else if not $route.hostnames }}
{{- print "\nhttpRoute.hostnames: required with httpRoute.grpc.enabled (without host names the HTTPRoute claims every host, and an HTTPRoute and a GRPCRoute sharing a host name on one listener conflict); allowed: the HTTP host names" }}
{{- end }}
{{- range $host := $grpc.hostnames }}
{{- range $other := $route.hostnames }}
{{- if or (eq $host $other) (and (hasPrefix "*." $other) (hasSuffix (trimPrefix "*" $other) $host)) (and (hasPrefix "*." $host) (hasSuffix (trimPrefix "*" $host) $other)) }}
{{- printf "\nhttpRoute.grpc.hostnames: %q overlaps httpRoute.hostnames entry %q; the gateway accepts only one of an HTTPRoute and a GRPCRoute that share a host name on a listener; allowed: distinct host names" $host $other }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- else if $v.gateway.create }}
{{- print "\ngateway.create: a Gateway whose listeners admit only this release's routes serves nothing without them; allowed: httpRoute.enabled=true, or gateway.create=false" }}
{{- end }}
{{- end }}

{{/* gateway.*: listeners and TLS sources (Key Vault listener options are read by AKS application routing only). */}}
{{- define "ai-inference.validate.gateway.listeners" -}}
{{- $v := .Values }}
{{- $gw := $v.gateway }}
{{- $tls := $gw.tls }}
{{- $agc := include "ai-inference.agc" . }}
{{- if $gw.create }}
{{- if not (or $gw.http $tls.enabled) }}
{{- print "\ngateway: the Gateway has no listener; allowed: gateway.http=true and/or gateway.tls.enabled=true" }}
{{- end }}
{{- $name := include "ai-inference.gatewayName" . }}
{{- if and (eq $gw.className "approuting-istio") (gt (len $name) 46) }}
{{- printf "\ngateway.name: %q has %d characters; approuting-istio names its Deployment and Service %s-approuting-istio, which must fit in 63; allowed: at most 46 characters" $name (len $name) $name }}
{{- end }}
{{- end }}
{{- with index ($gw.infrastructureAnnotations | default dict) "service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout" }}
{{- if not (and (regexMatch "^[0-9]+$" (toString .)) (ge (int .) 4) (le (int .) 30)) }}
{{- printf "\ngateway.infrastructureAnnotations: service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout %q is not a number of minutes the Azure Load Balancer accepts; allowed: \"4\" to \"30\"" (toString .) }}
{{- end }}
{{- end }}
{{- if and $agc $gw.infrastructureAnnotations }}
{{- print "\ngateway.infrastructureAnnotations: only approuting-istio creates a load balancer Service for the Gateway; Application Gateway for Containers runs outside the cluster; allowed: empty with gateway.className=azure-alb-external" }}
{{- end }}
{{- if and $tls.enabled (not (or $tls.keyVaultUri $tls.serviceAccount $tls.secretName)) }}
{{- print "\ngateway.tls: the https listener needs a certificate; allowed: gateway.tls.keyVaultUri with gateway.tls.serviceAccount (approuting-istio, Key Vault), or gateway.tls.secretName" }}
{{- end }}
{{- if and $tls.keyVaultUri (not $tls.serviceAccount) }}
{{- print "\ngateway.tls.serviceAccount: required with gateway.tls.keyVaultUri (listener option kubernetes.azure.com/tls-cert-service-account: the workload-identity ServiceAccount that reads the certificate); allowed: a ServiceAccount name in the release namespace" }}
{{- end }}
{{- if and $tls.serviceAccount (not $tls.keyVaultUri) }}
{{- print "\ngateway.tls.keyVaultUri: required with gateway.tls.serviceAccount (listener option kubernetes.azure.com/tls-cert-keyvault-uri); allowed: https://<vault>.vault.azure.net/certificates/<name>" }}
{{- end }}
{{- if and $tls.keyVaultUri $tls.secretName }}
{{- print "\ngateway.tls: set gateway.tls.keyVaultUri (with serviceAccount) or gateway.tls.secretName, not both" }}
{{- end }}
{{- if and (ne $gw.className "approuting-istio") (or $tls.keyVaultUri $tls.serviceAccount) }}
{{- printf "\ngateway.tls.keyVaultUri: the Key Vault listener options are read by AKS application routing (gateway.className=approuting-istio); allowed with %s: gateway.tls.secretName" (toString $gw.className) }}
{{- end }}
{{- if and (or $tls.keyVaultUri $tls.serviceAccount $tls.secretName) (not $tls.enabled) }}
{{- print "\ngateway.tls.enabled: must be true when a TLS certificate source is set" }}
{{- end }}
{{- if and (not $gw.create) (or $tls.enabled $gw.infrastructureAnnotations $gw.hostname) }}
{{- print "\ngateway.create: gateway.tls, gateway.hostname and gateway.infrastructureAnnotations configure the chart's own Gateway; allowed: gateway.create=true, or leave them unset when attaching to an existing Gateway" }}
{{- end }}
{{- end }}

{{/* gateway.agc.*: the ALB reference (ALB-managed or bring-your-own), the AGC policies, the NetworkPolicy peer. */}}
{{- define "ai-inference.validate.gateway.agc" -}}
{{- $v := .Values }}
{{- $agc := $v.gateway.agc }}
{{- $managed := or $agc.albNamespace $agc.albName }}
{{- $byo := or $agc.albId $agc.frontend }}
{{- if include "ai-inference.agc" . }}
{{- if and $v.gateway.create (not (or $managed $byo)) }}
{{- print "\ngateway.agc: an Application Gateway for Containers Gateway needs an ALB reference; allowed: gateway.agc.albNamespace and gateway.agc.albName (ALB-managed), or gateway.agc.albId and gateway.agc.frontend (bring your own)" }}
{{- end }}
{{- if and $managed (not (and $agc.albNamespace $agc.albName)) }}
{{- print "\ngateway.agc.albName: ALB-managed needs both gateway.agc.albNamespace and gateway.agc.albName (the ApplicationLoadBalancer resource); allowed: both set" }}
{{- end }}
{{- if and $byo (not (and $agc.albId $agc.frontend)) }}
{{- print "\ngateway.agc.albId: bring-your-own needs both gateway.agc.albId (the AGC resource ID) and gateway.agc.frontend (its frontend); allowed: both set" }}
{{- end }}
{{- if and $managed $byo }}
{{- print "\ngateway.agc: set either the ALB-managed reference (albNamespace, albName) or the bring-your-own one (albId, frontend), not both" }}
{{- end }}
{{- if and (not $v.gateway.create) (or $managed $byo) }}
{{- print "\ngateway.agc.albName: the ALB reference annotates the chart's own Gateway; allowed: gateway.create=true, or leave gateway.agc.alb*/frontend empty when attaching to an existing Gateway" }}
{{- end }}
{{- if and (not $v.httpRoute.enabled) (or $agc.wafPolicyId $agc.healthCheck.enabled $agc.routePolicyTimeout) }}
{{- print "\ngateway.agc: wafPolicyId, healthCheck and routePolicyTimeout attach to the HTTPRoute and its Services; allowed: httpRoute.enabled=true" }}
{{- end }}
{{- if and $agc.routePolicyTimeout (or (not $v.httpRoute.timeouts.request) (eq (include "ai-inference.durationMs" $v.httpRoute.timeouts.request) "0")) }}
{{- print "\ngateway.agc.routePolicyTimeout: copies httpRoute.timeouts.request into the RoutePolicy, which is empty or 0s; allowed: a request timeout such as 600s" }}
{{- end }}
{{- if and $v.networkPolicy.enabled $v.httpRoute.enabled (not $v.networkPolicy.agcSubnetCIDR) }}
{{- print "\nnetworkPolicy.agcSubnetCIDR: required with networkPolicy.enabled and an azure-alb-external route (Application Gateway for Containers reaches the pods from its subnet); allowed: the subnet's CIDR" }}
{{- end }}
{{- else }}
{{- range $key := list "albNamespace" "albName" "albId" "frontend" "wafPolicyId" "routePolicyTimeout" }}
{{- if index $agc $key }}
{{- printf "\ngateway.agc.%s: an Application Gateway for Containers setting; allowed only with gateway.className=azure-alb-external" $key }}
{{- end }}
{{- end }}
{{- if $agc.healthCheck.enabled }}
{{- print "\ngateway.agc.healthCheck.enabled: an Application Gateway for Containers setting; allowed only with gateway.className=azure-alb-external" }}
{{- end }}
{{- end }}
{{- end }}

{{/* gateway.tls.serviceAccount naming the chart's own ServiceAccount: it must carry a workload identity. */}}
{{- define "ai-inference.validate.gateway.tlsIdentity" -}}
{{- $v := .Values }}
{{- $sa := include "ai-inference.serviceAccountName" . }}
{{- if and $v.gateway.tls.keyVaultUri $v.serviceAccount.create (eq $v.gateway.tls.serviceAccount $sa) }}
{{- if not (or (eq $v.secrets.provider "csi") (hasKey $v.serviceAccount.annotations "azure.workload.identity/client-id")) }}
{{- printf "\ngateway.tls.serviceAccount: %q is the chart's ServiceAccount, which has no workload identity (azure.workload.identity/client-id); allowed: secrets.provider=csi, the annotation in serviceAccount.annotations, or another ServiceAccount" $sa }}
{{- end }}
{{- end }}
{{- end }}
