{{/* The pod spec: keys the chart would otherwise drop, Pod Security "restricted" for what users add (sysctls, volumes,
init containers, sidecars), volume mounts that name a volume, and probe fields Kubernetes only takes on some probes.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.pod" -}}
{{- $v := .Values }}
{{- if ($v.resources.claims) }}
{{- print "\nresources.claims: dynamic resource allocation claims need pod-level resourceClaims, which this chart does not render; allowed: none (GPUs: gpu.enabled and gpu.count)" }}
{{- end }}
{{- /* Pod Security baseline "safe" sysctls (kubernetes/pod-security-admission policy/check_sysctls.go, as of policy v1.32). */}}
{{- $safe := list "kernel.shm_rmid_forced" "net.ipv4.ip_local_port_range" "net.ipv4.ip_unprivileged_port_start" "net.ipv4.tcp_syncookies" "net.ipv4.ping_group_range" "net.ipv4.ip_local_reserved_ports" "net.ipv4.tcp_keepalive_time" "net.ipv4.tcp_fin_timeout" "net.ipv4.tcp_keepalive_intvl" "net.ipv4.tcp_keepalive_probes" "net.ipv4.tcp_rmem" "net.ipv4.tcp_wmem" }}
{{- range $i, $s := $v.podSecurityContext.sysctls }}
{{- if not (has (replace "/" "." $s.name) $safe) }}
{{- printf "\npodSecurityContext.sysctls[%d].name: %q is not a safe sysctl (Pod Security baseline rejects the pod); allowed: %s" $i (toString $s.name) (join ", " $safe) }}
{{- end }}
{{- end }}
{{- if and $v.gpu.enabled $v.runtimeClassName }}
{{- printf "\nruntimeClassName: %q applies to CPU pods; allowed: empty with gpu.enabled=true (set gpu.runtimeClassName for GPU pods)" $v.runtimeClassName }}
{{- end }}
{{- /* Pod Security restricted volume types (pod-security-admission policy/check_restrictedVolumes.go). */}}
{{- $allowedVolumes := list "configMap" "csi" "downwardAPI" "emptyDir" "ephemeral" "image" "persistentVolumeClaim" "projected" "secret" }}
{{- $volumes := list "tmp" "dshm" }}
{{- if include "ai-inference.mountsSecrets" . }}{{ $volumes = append $volumes "secrets" }}{{ end }}
{{- if $v.modelCache.enabled }}{{ $volumes = append $volumes "model-cache" }}{{ end }}
{{- range $i, $vol := $v.extraVolumes }}
{{- if has $vol.name $volumes }}
{{- printf "\nextraVolumes[%d].name: %q is already a volume of the pod; allowed: a unique name (the chart's: tmp, dshm, secrets, model-cache)" $i (toString $vol.name) }}
{{- end }}
{{- $volumes = append $volumes $vol.name }}
{{- range $source := without (keys $vol | sortAlpha) "name" }}
{{- if not (has $source $allowedVolumes) }}
{{- printf "\nextraVolumes[%d] (%s): a %s volume fails Pod Security \"restricted\"; allowed: %s" $i (toString $vol.name) $source (join ", " $allowedVolumes) }}
{{- end }}
{{- end }}
{{- end }}
{{- range $i, $m := $v.extraVolumeMounts }}
{{- if not (has $m.name $volumes) }}
{{- printf "\nextraVolumeMounts[%d].name: %q is not a volume of the pod; allowed: %s" $i (toString $m.name) (join ", " $volumes) }}
{{- end }}
{{- end }}
{{- $containers := list $v.containerName }}
{{- range $key := list "initContainers" "sidecars" }}
{{- range $i, $c := index $v $key }}
{{- $where := printf "%s[%d] (%s)" $key $i (toString $c.name) }}
{{- if has $c.name $containers }}
{{- printf "\n%s: the name is taken by another container of the pod; allowed: a unique name" $where }}
{{- end }}
{{- $containers = append $containers $c.name }}
{{- $res := $c.resources | default dict }}
{{- range $part := list "requests" "limits" }}
{{- range $r := list "cpu" "memory" }}
{{- if not (hasKey (index $res $part | default dict) $r) }}
{{- printf "\n%s.resources.%s.%s: missing; allowed: every container sets cpu and memory requests and limits (AKS Deployment Safeguards)" $where $part $r }}
{{- end }}
{{- end }}
{{- end }}
{{- range $m := $c.volumeMounts }}
{{- if not (has $m.name $volumes) }}
{{- printf "\n%s.volumeMounts: %q is not a volume of the pod; allowed: %s" $where (toString $m.name) (join ", " $volumes) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $probe := list "startup" "readiness" "liveness" }}
{{- $p := index $v.probes $probe }}
{{- if and (eq ($p.kind | default "") "exec") (not $p.command) }}
{{- printf "\nprobes.%s.command: required with kind exec; allowed: a non-empty command list" $probe }}
{{- end }}
{{- if and (ne $probe "readiness") (gt (int ($p.successThreshold | default 1)) 1) }}
{{- printf "\nprobes.%s.successThreshold: must be 1 for startup and liveness probes (Kubernetes rejects other values); allowed: 1, or set it on probes.readiness" $probe }}
{{- end }}
{{- if and (eq $probe "readiness") $p.terminationGracePeriodSeconds }}
{{- print "\nprobes.readiness.terminationGracePeriodSeconds: Kubernetes takes it on startup and liveness probes only; allowed: unset" }}
{{- end }}
{{- end }}
{{- with $v.probes.liveness }}
{{- if and (eq (.kind | default "") "http") (not (or .path $v.probes.livePath)) }}
{{- print "\nprobes.liveness.path: kind http needs a path; allowed: set probes.liveness.path or probes.livePath, or kind tcp" }}
{{- end }}
{{- end }}
{{- end }}
