{{/* Ports: extra container ports, extra Service ports, and what names the ServiceMonitor, the gRPC Ingress and the
probes may use. Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.ports" -}}
{{- $v := .Values }}
{{- $names := list "http" }}
{{- $numbers := list (int $v.containerPort) }}
{{- range $i, $p := $v.extraContainerPorts }}
{{- if has $p.name $names }}
{{- printf "\nextraContainerPorts[%d].name: %q is already a port of the server container; allowed: a unique name other than http" $i (toString $p.name) }}
{{- end }}
{{- if has (int $p.containerPort) $numbers }}
{{- printf "\nextraContainerPorts[%d].containerPort: %d is already a port of the server container (containerPort or another extra port); allowed: a unique number" $i (int $p.containerPort) }}
{{- end }}
{{- $names = append $names $p.name }}
{{- $numbers = append $numbers (int $p.containerPort) }}
{{- end }}
{{- $servicePorts := compact (list (toString $v.service.portName)) }}
{{- $serviceNumbers := list (int $v.service.port) }}
{{- range $i, $p := $v.service.extraPorts }}
{{- if has $p.name $servicePorts }}
{{- printf "\nservice.extraPorts[%d].name: %q is already a Service port; allowed: a unique name other than service.portName" $i (toString $p.name) }}
{{- end }}
{{- if has (int $p.port) $serviceNumbers }}
{{- printf "\nservice.extraPorts[%d].port: %d is already a Service port (service.port or another extra port); allowed: a unique number" $i (int $p.port) }}
{{- end }}
{{- if not (has $p.targetPort $names) }}
{{- printf "\nservice.extraPorts[%d].targetPort: %q is not a port of the server container; allowed: %s (extraContainerPorts names)" $i (toString $p.targetPort) (join ", " $names) }}
{{- end }}
{{- $servicePorts = append $servicePorts $p.name }}
{{- $serviceNumbers = append $serviceNumbers (int $p.port) }}
{{- end }}
{{- if and $v.serviceMonitor.enabled (not (has $v.serviceMonitor.port $servicePorts)) }}
{{- printf "\nserviceMonitor.port: %q is not a Service port; allowed: %s (service.extraPorts names)" (toString $v.serviceMonitor.port) (join ", " $servicePorts) }}
{{- end }}
{{- if and $v.ingress.enabled $v.ingress.grpc.enabled (not (has $v.ingress.grpc.servicePort (without $servicePorts (toString $v.service.portName)))) }}
{{- printf "\ningress.grpc.servicePort: %q is not one of service.extraPorts; allowed: %s" (toString $v.ingress.grpc.servicePort) (join ", " (without $servicePorts (toString $v.service.portName)) | default "none: add the gRPC port to service.extraPorts") }}
{{- end }}
{{- range $probe := list "startup" "readiness" "liveness" }}
{{- $p := index $v.probes $probe }}
{{- if and (ne ($p.kind | default "") "exec") (not (has ($p.port | default "http") $names)) }}
{{- printf "\nprobes.%s.port: %q is not a port of the server container; allowed: %s" $probe (toString $p.port) (join ", " $names) }}
{{- end }}
{{- end }}
{{- end }}
