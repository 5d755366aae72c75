{{/*
Network exposure: a LoadBalancer Service is public on AKS unless it carries the internal-load-balancer annotation
(MicrosoftDocs/azure-aks-docs articles/aks/internal-lb.md; the cloud provider compares its value with "true":
kubernetes-sigs/cloud-provider-azure pkg/provider/azure_loadbalancer.go, requiresInternalLoadBalancer); NetworkPolicy
peers from values admit neither nothing (an empty peer, which Kubernetes refuses) nor everything (every pod of the
namespace or cluster, every address) unless securityExceptions has openNetworkPeers, and their ipBlock CIDRs are
well-formed (IPv4 octets up to 255 and prefix up to 32, IPv6 prefix up to 128).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them.
*/}}
{{- define "ai-inference.validate.exposure" -}}
{{- $v := .Values }}
{{- $ex := $v.securityExceptions }}
{{- include "ai-inference.loadBalancerProblem" (dict "where" "service.type" "spec" $v.service "annotations" $v.service.annotations "exceptions" $ex) }}
{{- range $key := list "extraFrom" "metricsFrom" }}
{{- range $i, $peer := index $v.networkPolicy $key }}
{{- include "ai-inference.peerProblems" (dict "where" (printf "networkPolicy.%s[%d]" $key $i) "peer" $peer "exceptions" $ex) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A public LoadBalancer: "spec" holds `type`, "annotations" the Service's.
Usage: include "ai-inference.loadBalancerProblem" (dict "where" "service.type" "spec" $spec "annotations" $map "exceptions" $list)
*/}}
{{- define "ai-inference.loadBalancerProblem" -}}
{{- $internal := "service.beta.kubernetes.io/azure-load-balancer-internal" }}
{{- if and (eq (toString (.spec | default dict).type) "LoadBalancer") (ne (toString (index (.annotations | default dict) $internal)) "true") (not (has "publicLoadBalancer" .exceptions)) }}
{{- printf "\n%s: LoadBalancer without the annotation %s: \"true\" gets a public IP address on AKS; allowed: ClusterIP, that annotation (an internal load balancer), or publicLoadBalancer in securityExceptions" .where $internal }}
{{- end }}
{{- end }}

{{/*
One NetworkPolicyPeer from values: not empty, not matching every pod or address (an empty podSelector; an empty
namespaceSelector with no podSelector, or an empty one; an ipBlock of prefix 0), a well-formed ipBlock.
A selector is empty when it has neither matchLabels nor matchExpressions.
Usage: include "ai-inference.peerProblems" (dict "where" "networkPolicy.extraFrom[0]" "peer" $peer "exceptions" $list)
*/}}
{{- define "ai-inference.peerProblems" -}}
{{- $w := .where }}
{{- $peer := .peer | default dict }}
{{- $open := has "openNetworkPeers" .exceptions }}
{{- if not (or (hasKey $peer "podSelector") (hasKey $peer "namespaceSelector") (hasKey $peer "ipBlock")) }}
{{- printf "\n%s: an empty peer (Kubernetes refuses it); allowed: a podSelector, namespaceSelector or ipBlock" $w }}
{{- end }}
{{- $pods := include "ai-inference.emptySelector" $peer.podSelector }}
{{- $namespaces := include "ai-inference.emptySelector" $peer.namespaceSelector }}
{{- if and (hasKey $peer "namespaceSelector") $namespaces (or (not (hasKey $peer "podSelector")) $pods) (not $open) }}
{{- printf "\n%s.namespaceSelector: {} selects every namespace, and without a podSelector that narrows it every pod of the cluster; allowed: matchLabels or matchExpressions, or openNetworkPeers in securityExceptions" $w }}
{{- else if and (hasKey $peer "podSelector") (not (hasKey $peer "namespaceSelector")) $pods (not $open) }}
{{- printf "\n%s.podSelector: {} selects every pod of the release's namespace; allowed: matchLabels or matchExpressions, or openNetworkPeers in securityExceptions" $w }}
{{- end }}
{{- with $peer.ipBlock }}
{{- $octet := "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])" }}
{{- $v4 := printf "^%s\\.%s\\.%s\\.%s/([0-9]|[12][0-9]|3[0-2])$" $octet $octet $octet $octet }}
{{- $v6 := "^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$" }}
{{- range $j, $cidr := prepend (.except | default list) .cidr }}
{{- $key := ternary "ipBlock.cidr" (printf "ipBlock.except[%d]" (sub $j 1)) (eq $j 0) }}
{{- if not (or (regexMatch $v4 (toString $cidr)) (regexMatch $v6 (toString $cidr))) }}
{{- printf "\n%s.%s: %q is not a CIDR; allowed: IPv4 a.b.c.d/n (octets up to 255, n up to 32) or IPv6 with a prefix up to 128" $w $key (toString $cidr) }}
{{- else if and (eq $j 0) (hasSuffix "/0" (toString $cidr)) (not $open) }}
{{- printf "\n%s.%s: %q admits every address, the internet included; allowed: a narrower CIDR, or openNetworkPeers in securityExceptions" $w $key (toString $cidr) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* "true" when a label selector (a map, or absent) has neither matchLabels nor matchExpressions. */}}
{{- define "ai-inference.emptySelector" -}}
{{- $s := . | default dict }}
{{- if and (kindIs "map" $s) (not $s.matchLabels) (not $s.matchExpressions) }}true{{ end }}
{{- end }}
