{{/*
The longest request the chart's own ingress or route lets reach the server, in seconds (0 when none bounds it):
the nginx proxy timeouts (ingress.nginx.timeoutSeconds: the longest a response may stay silent), AGIC's
request-timeout (ingress.agic.requestTimeoutSeconds) and the request timeout of each HTTPRoute rule (its own
timeouts, else httpRoute.timeouts; 0s means no limit and is left out).
*/}}
{{- define "ai-inference.longestRequest" -}}
{{- $v := .Values }}
{{- $longest := 0 }}
{{- if $v.ingress.enabled }}
{{- $longest = ternary $v.ingress.agic.requestTimeoutSeconds $v.ingress.nginx.timeoutSeconds (eq $v.ingress.controller "agic") | int64 }}
{{- end }}
{{- if $v.httpRoute.enabled }}
{{- range $rule := $v.httpRoute.rules }}
{{- with (include "ai-inference.ruleTimeouts" (dict "rule" $rule "context" $) | fromYaml).request }}
{{- $longest = max $longest (div (include "ai-inference.durationMs" . | int64) 1000) }}
{{- end }}
{{- end }}
{{- end }}
{{- $longest }}
{{- end }}

{{/*
Seconds a terminating server gets after SIGTERM (the pod's terminationGracePeriodSeconds is this plus the preStop
sleep): terminationGracePeriodSeconds when set, else the longest request the ingress or route allows, at least 60,
so a request that is running when a pod stops (rolling update, scale-in, node drain) can finish.
*/}}
{{- define "ai-inference.terminationGrace" -}}
{{- $set := .Values.terminationGracePeriodSeconds }}
{{- if kindIs "invalid" $set }}
{{- max 60 (include "ai-inference.longestRequest" . | int64) }}
{{- else }}
{{- $set | int64 }}
{{- end }}
{{- end }}
