{{/* Ingress: hosts, TLS sources per controller, and what the NetworkPolicy must admit.
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
{{- else }}
{{- if $tls.appGatewayCertificate }}
{{- print "\ningress.tls.appGatewayCertificate: only with ingress.controller=agic; with nginx use ingress.tls.keyVaultUri or ingress.tls.secretName" }}
{{- end }}
{{- if and $tls.enabled (not (or $tls.secretName $tls.keyVaultUri)) }}
{{- print "\ningress.tls: with nginx, TLS needs ingress.tls.secretName or ingress.tls.keyVaultUri" }}
{{- end }}
{{- if and $tls.keyVaultUri $tls.secretName (ne $tls.secretName (printf "keyvault-%s" (include "ai-inference.ingressName" .))) }}
{{- printf "\ningress.tls.secretName: must be empty or keyvault-%s with ingress.tls.keyVaultUri (application routing writes the certificate to that Secret)" (include "ai-inference.ingressName" .) }}
{{- end }}
{{- end }}
{{- if and (or $tls.keyVaultUri $tls.appGatewayCertificate) (not $tls.enabled) }}
{{- print "\ningress.tls.enabled: must be true when a TLS certificate source is set" }}
{{- end }}
{{- end }}
{{- if and $v.networkPolicy.enabled $v.ingress.enabled (eq $v.ingress.controller "agic") (not $v.networkPolicy.appGatewaySubnetCIDR) }}
{{- print "\nnetworkPolicy.appGatewaySubnetCIDR: required with networkPolicy.enabled and ingress.controller=agic (the Application Gateway reaches the pods from its subnet)" }}
{{- end }}
{{- end }}
