{{/* Ingress: hosts, TLS sources per controller, the controllers' Azure limits, and what the NetworkPolicy must admit.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.ingress" -}}
{{- $v := .Values }}
{{- if $v.ingress.enabled }}
{{- $tls := $v.ingress.tls }}
{{- if not $v.ingress.hosts }}
{{- print "\ningress.hosts: at least one host is required when ingress.enabled is true" }}
{{- end }}
{{- if eq $v.ingress.controller "agic" }}
{{- if $tls.keyVaultUri }}
{{- print "\ningress.tls.keyVaultUri: Key Vault TLS through application routing needs ingress.controller=nginx; with agic install the certificate on the Application Gateway and set ingress.tls.appGatewayCertificate" }}
{{- end }}
{{- if and $tls.enabled (not (or $tls.secretName $tls.appGatewayCertificate)) }}
{{- print "\ningress.tls: with agic, TLS needs ingress.tls.secretName or ingress.tls.appGatewayCertificate" }}
{{- end }}
{{- /* AGIC ignores appgw-ssl-certificate when the Ingress has a TLS spec
(Azure/application-gateway-kubernetes-ingress docs/annotations.md, "appgw-ssl-certificate"). */}}
{{- if and $tls.secretName $tls.appGatewayCertificate }}
{{- print "\ningress.tls.appGatewayCertificate: AGIC ignores the appgw-ssl-certificate annotation when the Ingress has a TLS spec (from ingress.tls.secretName), so the gateway's certificate would go unused; allowed: ingress.tls.secretName or ingress.tls.appGatewayCertificate, not both" }}
{{- end }}
{{- /* WAF policy associations are supported only on a WAF_v2 gateway (Azure WAF docs web-application-firewall/ag/policy-overview);
a gateway the AGIC add-on creates is Standard_v2 (azure-docs application-gateway/tutorial-ingress-controller-add-on-new.md);
AGIC writes the whole gateway in one update (pkg/azure/client.go UpdateGateway), so a rejected WAF association stops every Ingress. */}}
{{- if and $v.ingress.agic.wafPolicyId (ne $v.ingress.agic.gatewaySku "WAF_v2") }}
{{- printf "\ningress.agic.wafPolicyId: a WAF policy attaches only to a WAF_v2 Application Gateway, but ingress.agic.gatewaySku is %s (the SKU the AGIC add-on creates); allowed: ingress.agic.gatewaySku=WAF_v2 for a WAF_v2 gateway (create it, then enable the add-on with --appgw-id), or an empty wafPolicyId" (toString $v.ingress.agic.gatewaySku) }}
{{- end }}
{{- else }}
{{- if $tls.appGatewayCertificate }}
{{- print "\ningress.tls.appGatewayCertificate: only with ingress.controller=agic; with nginx use ingress.tls.keyVaultUri or ingress.tls.secretName" }}
{{- end }}
{{- if and $tls.enabled (not (or $tls.secretName $tls.keyVaultUri)) }}
{{- print "\ningress.tls: with nginx, TLS needs ingress.tls.secretName or ingress.tls.keyVaultUri" }}
{{- end }}
{{- /* The Azure Load Balancer in front of application routing's nginx resets connections idle for longer than its idle
timeout: default 4 minutes, at most 30 (MicrosoftDocs/azure-aks-docs articles/aks/configure-load-balancer-standard.md);
the App Routing operator sets no idle-timeout annotation (Azure/aks-app-routing-operator pkg/controller/nginxingress/default.go). */}}
{{- $idle := mul (int $v.ingress.nginx.loadBalancerIdleTimeoutMinutes) 60 }}
{{- if gt (int $v.ingress.nginx.timeoutSeconds) $idle }}
{{- printf "\ningress.nginx.timeoutSeconds: %d s is longer than the idle timeout of the Azure Load Balancer in front of application routing (ingress.nginx.loadBalancerIdleTimeoutMinutes: %d min), which resets the connection first; allowed: at most %d, or raise the load balancer's idle timeout (NginxIngressController spec.loadBalancerAnnotations, service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout, up to 30 minutes) and set ingress.nginx.loadBalancerIdleTimeoutMinutes to match" (int $v.ingress.nginx.timeoutSeconds) (int $v.ingress.nginx.loadBalancerIdleTimeoutMinutes) $idle }}
{{- end }}
{{- if and $tls.keyVaultUri $tls.secretName (ne $tls.secretName (printf "keyvault-%s" (include "ai-inference.ingressName" .))) }}
{{- printf "\ningress.tls.secretName: must be empty or keyvault-%s with ingress.tls.keyVaultUri (application routing writes the certificate to that Secret)" (include "ai-inference.ingressName" .) }}
{{- end }}
{{- end }}
{{- if and (or $tls.keyVaultUri $tls.appGatewayCertificate) (not $tls.enabled) }}
{{- print "\ningress.tls.enabled: must be true when a TLS certificate source is set" }}
{{- end }}
{{- end }}
{{- if and (ne $v.ingress.controller "agic") $v.ingress.agic.wafPolicyId }}
{{- print "\ningress.agic.wafPolicyId: a WAF policy is applied by the Application Gateway only; allowed: ingress.controller=agic, or leave it empty (application routing has no WAF)" }}
{{- end }}
{{- if and (ne $v.ingress.controller "agic") $v.networkPolicy.appGatewaySubnetCIDR }}
{{- print "\nnetworkPolicy.appGatewaySubnetCIDR: admitted only with ingress.controller=agic; allowed: empty with nginx (networkPolicy.nginxNamespace admits application routing)" }}
{{- end }}
{{- if and $v.networkPolicy.enabled $v.ingress.enabled (eq $v.ingress.controller "agic") (not $v.networkPolicy.appGatewaySubnetCIDR) }}
{{- print "\nnetworkPolicy.appGatewaySubnetCIDR: required with networkPolicy.enabled and ingress.controller=agic (the Application Gateway is outside the cluster and reaches the pods from its subnet); allowed: the CIDR of the gateway's subnet" }}
{{- end }}
{{- end }}
