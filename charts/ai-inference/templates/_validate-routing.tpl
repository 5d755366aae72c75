{{/* Routing through the ingress controller: the gRPC Ingress, and keys or annotations that only the other controller
reads (they would be dropped without a word). Prints one line per problem, "<key>: <what is wrong>; <what is allowed>";
ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.routing" -}}
{{- $v := .Values }}
{{- $ing := $v.ingress }}
{{- if $ing.enabled }}
{{- $agic := eq $ing.controller "agic" }}
{{- if and $ing.grpc.enabled $agic }}
{{- print "\ningress.grpc.enabled: AGIC cannot route gRPC: the Application Gateway speaks HTTP/1.1 to its backends and its backend-protocol is http or https only; allowed: ingress.controller=nginx, or Application Gateway for Containers through Gateway API (httpRoute.grpc with gateway.className=azure-alb-external)" }}
{{- end }}
{{- if and $ing.grpc.enabled (not $agic) }}
{{- if not $ing.tls.enabled }}
{{- print "\ningress.grpc.enabled: nginx serves gRPC (HTTP/2) on its TLS listener only; allowed: with ingress.tls.enabled=true and a certificate covering ingress.grpc.hosts" }}
{{- end }}
{{- if not $ing.grpc.hosts }}
{{- print "\ningress.grpc.hosts: at least one host is required when ingress.grpc.enabled is true" }}
{{- end }}
{{- if eq $ing.grpc.path $ing.path }}
{{- range $ing.grpc.hosts }}
{{- if has . $ing.hosts }}
{{- printf "\ningress.grpc.hosts: %q with path %q is also an HTTP route of ingress.hosts (nginx would send one of them to the wrong port); allowed: another host, or a gRPC service prefix in ingress.grpc.path" . $ing.path }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- $other := ternary "nginx.ingress.kubernetes.io/" "appgw.ingress.kubernetes.io/" $agic }}
{{- range $key, $_ := $ing.annotations }}
{{- if hasPrefix $other $key }}
{{- printf "\ningress.annotations: %q is read by %s only, and ingress.controller is %s; allowed: annotations of the chosen controller" $key (ternary "nginx" "AGIC" $agic) $ing.controller }}
{{- end }}
{{- end }}
{{- if not $agic }}
{{- if $ing.agic.wafPolicyId }}
{{- print "\ningress.agic.wafPolicyId: a WAF policy applies to the Application Gateway only; allowed: empty with ingress.controller=nginx" }}
{{- end }}
{{- if ne $ing.agic.backendProtocol "http" }}
{{- print "\ningress.agic.backendProtocol: read by AGIC only; with nginx set nginx.ingress.kubernetes.io/backend-protocol in ingress.annotations instead; allowed: http with ingress.controller=nginx" }}
{{- end }}
{{- if $v.networkPolicy.appGatewaySubnetCIDR }}
{{- print "\nnetworkPolicy.appGatewaySubnetCIDR: admits the Application Gateway subnet, used with ingress.controller=agic only; allowed: empty with nginx (networkPolicy.nginxNamespace admits application routing)" }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
