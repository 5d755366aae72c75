{{/*
Pod Security "restricted" and the AKS Deployment Safeguards on every pod and container the chart renders, for any
value: podSecurityContext, the server's securityContext (also the canary's, and every init container's and sidecar's
whose own is unset, null or empty), the securityContext an init container or sidecar sets itself, their images and
probes, AppArmor annotations and ServiceAccount tokens. A setting "restricted" forbids is refused unless
securityExceptions names its relaxation; what "baseline" forbids is refused whatever the exceptions.
Sources: kubernetes/pod-security-admission policy/check_*.go (the file per rule is named below); Deployment Safeguards:
Azure/azure-policy built-in-policies/policyDefinitions/Kubernetes ContainerEnforceProbes.json, ImagesDoNotUseLatest.json.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them.
*/}}
{{- define "ai-inference.validate.security" -}}
{{- $v := .Values }}
{{- $ex := $v.securityExceptions }}
{{- include "ai-inference.security.pod" (dict "sc" $v.podSecurityContext "exceptions" $ex) }}
{{- include "ai-inference.security.container" (dict "where" "securityContext" "sc" $v.securityContext "pod" $v.podSecurityContext "exceptions" $ex) }}
{{- /* ContainerResourceRequests; the chart holds every container to cpu and memory requests and limits (the init
containers and sidecars in ai-inference.validate.pod). */}}
{{- range $part := list "requests" "limits" }}
{{- range $r := list "cpu" "memory" }}
{{- if not (index (index $v.resources $part | default dict) $r) }}
{{- printf "\nresources.%s.%s: missing; allowed: a quantity (every container sets cpu and memory requests and limits: AKS Deployment Safeguards)" $part $r }}
{{- end }}
{{- end }}
{{- end }}
{{- range $key := list "initContainers" "sidecars" }}
{{- range $i, $c := index $v $key }}
{{- $where := printf "%s[%d] (%s)" $key $i (toString $c.name) }}
{{- with $c.securityContext }}
{{- include "ai-inference.security.container" (dict "where" (printf "%s.securityContext" $where) "sc" . "pod" $v.podSecurityContext "exceptions" $ex) }}
{{- end }}
{{- include "ai-inference.security.extraContainer" (dict "where" $where "container" $c "sidecar" (eq $key "sidecars")) }}
{{- end }}
{{- end }}
{{- /* check_appArmorProfile.go: the beta annotation, on the pods (podAnnotations) and on the helm test Pod (commonAnnotations). */}}
{{- range $map := list "podAnnotations" "commonAnnotations" }}
{{- range $key, $value := index $v $map }}
{{- if and (hasPrefix "container.apparmor.security.beta.kubernetes.io/" $key) (not (or (eq (toString $value) "runtime/default") (hasPrefix "localhost/" (toString $value)))) }}
{{- printf "\n%s.%s: %q takes the container out of AppArmor confinement (Pod Security baseline); allowed: runtime/default or localhost/<profile>" $map $key (toString $value) }}
{{- end }}
{{- end }}
{{- end }}
{{- /* ServiceAccount tokens: the automounted one and any projected into a volume. */}}
{{- if and $v.serviceAccount.automountToken (not (has "serviceAccountToken" $ex)) }}
{{- print "\nserviceAccount.automountToken: true mounts a Kubernetes API token into every container; allowed: false, or true with serviceAccountToken in securityExceptions" }}
{{- end }}
{{- range $i, $vol := $v.extraVolumes }}
{{- range $j, $source := ($vol.projected | default dict).sources }}
{{- if and (kindIs "map" $source) (hasKey $source "serviceAccountToken") (not $v.serviceAccount.automountToken) }}
{{- printf "\nextraVolumes[%d] (%s).projected.sources[%d].serviceAccountToken: mounts a ServiceAccount token although serviceAccount.automountToken is false; allowed: no token source, or serviceAccount.automountToken: true (with serviceAccountToken in securityExceptions)" $i (toString $vol.name) $j }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
podSecurityContext: check_runAsNonRoot.go, check_runAsUser.go, and the overrides of ai-inference.security.overrides.
Usage: include "ai-inference.security.pod" (dict "sc" .Values.podSecurityContext "exceptions" $list)
*/}}
{{- define "ai-inference.security.pod" -}}
{{- $sc := .sc | default dict }}
{{- $root := has "runAsRoot" .exceptions }}
{{- if and (eq (toString $sc.runAsNonRoot) "false") (not $root) }}
{{- print "\npodSecurityContext.runAsNonRoot: false lets the containers run as root; allowed: true (Pod Security restricted), or false with runAsRoot in securityExceptions" }}
{{- end }}
{{- if eq (toString $sc.runAsUser) "0" }}
{{- if not $root }}
{{- print "\npodSecurityContext.runAsUser: 0 runs the containers as root; allowed: a UID from 1 to 2147483647 (Pod Security restricted), or 0 with runAsNonRoot: false and runAsRoot in securityExceptions" }}
{{- else if eq (toString $sc.runAsNonRoot) "true" }}
{{- print "\npodSecurityContext.runAsUser: 0 with runAsNonRoot: true, which the kubelet refuses to start; allowed: runAsNonRoot: false, or a UID from 1 to 2147483647" }}
{{- end }}
{{- end }}
{{- include "ai-inference.security.overrides" (dict "where" "podSecurityContext" "sc" $sc) }}
{{- end }}

{{/*
One container's securityContext ("sc") against "restricted", with the pod's ("pod") where a field is inherited:
check_privileged.go, check_allowPrivilegeEscalation.go, check_capabilities_{baseline,restricted}.go,
check_runAsNonRoot.go, check_runAsUser.go, check_seccompProfile_restricted.go, check_procMount_*.go, and a read-only
root filesystem (the chart's hardening; CKV_K8S_22, kube-score).
Usage: include "ai-inference.security.container" (dict "where" "securityContext" "sc" $ctx "pod" $psc "exceptions" $list)
*/}}
{{- define "ai-inference.security.container" -}}
{{- $w := .where }}
{{- $sc := .sc | default dict }}
{{- $pod := .pod | default dict }}
{{- $ex := .exceptions }}
{{- if $sc.privileged }}
{{- printf "\n%s.privileged: true gives the container the node's devices and every capability (Pod Security baseline forbids it); allowed: false or unset" $w }}
{{- end }}
{{- if and (ne (toString $sc.allowPrivilegeEscalation) "false") (not (has "privilegeEscalation" $ex)) }}
{{- printf "\n%s.allowPrivilegeEscalation: %s lets a process gain privileges (setuid binaries); allowed: false (Pod Security restricted), or true with privilegeEscalation in securityExceptions" $w (include "ai-inference.security.shown" $sc.allowPrivilegeEscalation) }}
{{- end }}
{{- $caps := $sc.capabilities | default dict }}
{{- $relaxed := has "baselineCapabilities" $ex }}
{{- $baseline := list "AUDIT_WRITE" "CHOWN" "DAC_OVERRIDE" "FOWNER" "FSETID" "KILL" "MKNOD" "NET_BIND_SERVICE" "SETFCAP" "SETGID" "SETPCAP" "SETUID" "SYS_CHROOT" }}
{{- if and (not (has "ALL" ($caps.drop | default list))) (not $relaxed) }}
{{- printf "\n%s.capabilities.drop: %s does not include ALL; allowed: a list with ALL (Pod Security restricted), or baselineCapabilities in securityExceptions" $w (toJson ($caps.drop | default list)) }}
{{- end }}
{{- range $cap := $caps.add | default list }}
{{- if not (has $cap $baseline) }}
{{- printf "\n%s.capabilities.add: %s is beyond the Pod Security baseline set; allowed: NET_BIND_SERVICE, or with baselineCapabilities in securityExceptions one of %s" $w (toString $cap) (join ", " $baseline) }}
{{- else if and (ne $cap "NET_BIND_SERVICE") (not $relaxed) }}
{{- printf "\n%s.capabilities.add: %s fails Pod Security restricted; allowed: NET_BIND_SERVICE, or %s with baselineCapabilities in securityExceptions" $w $cap $cap }}
{{- end }}
{{- end }}
{{- if and (ne (toString $sc.readOnlyRootFilesystem) "true") (not (has "writableRootFilesystem" $ex)) }}
{{- printf "\n%s.readOnlyRootFilesystem: %s leaves the root filesystem writable; allowed: true, or false with writableRootFilesystem in securityExceptions" $w (include "ai-inference.security.shown" $sc.readOnlyRootFilesystem) }}
{{- end }}
{{- $root := has "runAsRoot" $ex }}
{{- $nonRoot := ternary $sc.runAsNonRoot $pod.runAsNonRoot (kindIs "bool" $sc.runAsNonRoot) }}
{{- if eq (toString $sc.runAsNonRoot) "false" }}
{{- if not $root }}
{{- printf "\n%s.runAsNonRoot: false lets the container run as root; allowed: true (Pod Security restricted), or false with runAsRoot in securityExceptions" $w }}
{{- end }}
{{- else if and (not (kindIs "bool" $sc.runAsNonRoot)) (not (kindIs "bool" $pod.runAsNonRoot)) (not $root) }}
{{- printf "\n%s.runAsNonRoot: unset here and in podSecurityContext; allowed: true in either (Pod Security restricted), or runAsRoot in securityExceptions" $w }}
{{- end }}
{{- if eq (toString $sc.runAsUser) "0" }}
{{- if not $root }}
{{- printf "\n%s.runAsUser: 0 runs the container as root; allowed: a UID from 1 to 2147483647 (Pod Security restricted), or 0 with runAsNonRoot: false and runAsRoot in securityExceptions" $w }}
{{- else if eq (toString $nonRoot) "true" }}
{{- printf "\n%s.runAsUser: 0 with runAsNonRoot: true (here or in podSecurityContext), which the kubelet refuses to start; allowed: runAsNonRoot: false, or a UID from 1 to 2147483647" $w }}
{{- end }}
{{- else if and $root (eq (toString $sc.runAsNonRoot) "true") (eq (toString $pod.runAsUser) "0") (kindIs "invalid" $sc.runAsUser) }}
{{- printf "\n%s.runAsNonRoot: true with podSecurityContext.runAsUser 0, which the kubelet refuses to start; allowed: false (with runAsRoot in securityExceptions), or a runAsUser from 1 to 2147483647" $w }}
{{- end }}
{{- if not (or ($sc.seccompProfile | default dict).type ($pod.seccompProfile | default dict).type) }}
{{- printf "\n%s.seccompProfile: unset here and in podSecurityContext; allowed: type RuntimeDefault or Localhost in either (Pod Security restricted)" $w }}
{{- end }}
{{- if and $sc.procMount (ne (toString $sc.procMount) "Default") }}
{{- printf "\n%s.procMount: %s unmasks /proc; allowed: Default or unset (Pod Security)" $w (toString $sc.procMount) }}
{{- end }}
{{- include "ai-inference.security.overrides" (dict "where" $w "sc" $sc) }}
{{- end }}

{{/*
Overrides a pod or container securityContext may not make: check_seccompProfile_{baseline,restricted}.go,
check_seLinuxOptions.go (the types allowed from policy version 1.31), check_appArmorProfile.go, check_windowsHostProcess.go.
Usage: include "ai-inference.security.overrides" (dict "where" "podSecurityContext" "sc" $ctx)
*/}}
{{- define "ai-inference.security.overrides" -}}
{{- $w := .where }}
{{- $sc := .sc }}
{{- with ($sc.seccompProfile | default dict).type }}
{{- if not (has . (list "RuntimeDefault" "Localhost")) }}
{{- printf "\n%s.seccompProfile.type: %s runs without the runtime's syscall filter; allowed: RuntimeDefault or Localhost (Pod Security restricted)" $w (toString .) }}
{{- end }}
{{- end }}
{{- with $sc.seLinuxOptions }}
{{- $types := list "container_t" "container_init_t" "container_kvm_t" "container_engine_t" }}
{{- if and .type (not (has .type $types)) }}
{{- printf "\n%s.seLinuxOptions.type: %q escapes the container's SELinux domain; allowed: empty or %s (Pod Security baseline)" $w (toString .type) (join ", " $types) }}
{{- end }}
{{- range $field := list "user" "role" }}
{{- if index $.sc.seLinuxOptions $field }}
{{- printf "\n%s.seLinuxOptions.%s: set; allowed: unset (Pod Security baseline)" $w $field }}
{{- end }}
{{- end }}
{{- end }}
{{- with ($sc.appArmorProfile | default dict).type }}
{{- if not (has . (list "RuntimeDefault" "Localhost")) }}
{{- printf "\n%s.appArmorProfile.type: %s takes the container out of AppArmor confinement; allowed: RuntimeDefault or Localhost (Pod Security baseline)" $w (toString .) }}
{{- end }}
{{- end }}
{{- if ($sc.windowsOptions | default dict).hostProcess }}
{{- printf "\n%s.windowsOptions.hostProcess: true runs the container as a process of the Windows node; allowed: false or unset (Pod Security baseline)" $w }}
{{- end }}
{{- end }}

{{/*
An init container or sidecar beyond its securityContext: an image with a tag other than latest, or a digest
(ImagesDoNotUseLatest; an image left out is the server's); a sidecar's readiness and liveness probes with an exec,
httpGet or tcpSocket handler (ContainerEnforceProbes: every container of spec.containers); no `host` in a probe or
lifecycle handler (check_hostProbesAndhostLifecycle.go, policy version 1.34).
Usage: include "ai-inference.security.extraContainer" (dict "where" "sidecars[0] (proxy)" "container" $c "sidecar" true)
*/}}
{{- define "ai-inference.security.extraContainer" -}}
{{- $w := .where }}
{{- $c := .container }}
{{- with $c.image }}
{{- $ref := toString . }}
{{- $last := splitList "/" (first (splitList "@" $ref)) | last }}
{{- $tag := ternary (last (splitList ":" $last)) "" (contains ":" $last) }}
{{- if or (eq $tag "latest") (and (not $tag) (not (contains "@" $ref))) }}
{{- printf "\n%s.image: %q has no tag or the latest tag (AKS Deployment Safeguards); allowed: a tag other than latest, or a digest (@sha256:...)" $w $ref }}
{{- end }}
{{- end }}
{{- if .sidecar }}
{{- range $probe := list "readinessProbe" "livenessProbe" }}
{{- $p := index $c $probe | default dict }}
{{- if not (and (kindIs "map" $p) (or $p.exec $p.httpGet $p.tcpSocket)) }}
{{- printf "\n%s.%s: missing, or without an exec, httpGet or tcpSocket handler; allowed: such a probe (AKS Deployment Safeguards probe every container)" $w $probe }}
{{- end }}
{{- end }}
{{- end }}
{{- $handlers := dict }}
{{- range $probe := list "startupProbe" "readinessProbe" "livenessProbe" }}
{{- $_ := set $handlers $probe (index $c $probe) }}
{{- end }}
{{- range $hook := list "postStart" "preStop" }}
{{- $_ := set $handlers (printf "lifecycle.%s" $hook) (index ($c.lifecycle | default dict) $hook) }}
{{- end }}
{{- range $name := keys $handlers | sortAlpha }}
{{- $h := index $handlers $name | default dict }}
{{- if and (kindIs "map" $h) (or ($h.httpGet | default dict).host ($h.tcpSocket | default dict).host) }}
{{- printf "\n%s.%s: sets a host, so the kubelet would probe another address than the pod's; allowed: no host (Pod Security baseline)" $w $name }}
{{- end }}
{{- end }}
{{- end }}

{{/* A securityContext field as messages show it: its value, or "unset". */}}
{{- define "ai-inference.security.shown" -}}
{{- if kindIs "invalid" . }}unset{{ else }}{{ toString . }}{{ end }}
{{- end }}
