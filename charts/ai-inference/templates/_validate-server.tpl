{{/* The server process as the kubelet starts it: tensor and pipeline parallelism that needs more GPUs than the pod
gets, and a port below 1024 that a server without root may not bind.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.server" -}}
{{- $v := .Values }}
{{- if $v.gpu.enabled }}
{{- range $key := list "args" "canary.args" }}
{{- $args := ternary $v.canary.args $v.args (eq $key "canary.args") }}
{{- if and $args (or (eq $key "args") $v.canary.enabled) }}
{{- $gpus := include "ai-inference.parallelGpus" $args | int }}
{{- if gt $gpus (int $v.gpu.count) }}
{{- printf "\n%s: the tensor x pipeline parallel size (%s) needs %d GPUs in one pod, but gpu.count is %d, and the server stops at start; allowed: gpu.count=%d, or parallel sizes whose product is at most gpu.count" $key (include "ai-inference.parallelFlags" $args) $gpus (int $v.gpu.count) $gpus }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- include "ai-inference.validate.server.ports" . }}
{{- end }}

{{/* Ports below 1024: Linux lets only root (CAP_NET_BIND_SERVICE) bind them unless the pod's network namespace
lowers net.ipv4.ip_unprivileged_port_start (kernel Documentation/networking/ip-sysctl.rst, default 1024; a Pod
Security "safe" sysctl). containerd 2.0 lowers it to 0 for every pod (containerd/containerd pull 9348), containerd 1.7
does not; the sysctl works on both. Checked when the server runs as a UID other than 0. */}}
{{- define "ai-inference.validate.server.ports" -}}
{{- $v := .Values }}
{{- $uid := coalesce (toString ($v.securityContext.runAsUser | default "")) (toString ($v.podSecurityContext.runAsUser | default "")) }}
{{- $nonRoot := or (and $uid (ne $uid "0")) (and (not $uid) (or $v.securityContext.runAsNonRoot $v.podSecurityContext.runAsNonRoot)) }}
{{- $start := 1024 }}
{{- range $v.podSecurityContext.sysctls | default list }}
{{- if eq (replace "/" "." (toString .name)) "net.ipv4.ip_unprivileged_port_start" }}{{ $start = int (toString .value) }}{{ end }}
{{- end }}
{{- if $nonRoot }}
{{- $ports := list (list "containerPort" $v.containerPort) }}
{{- range $i, $p := $v.extraContainerPorts }}{{ $ports = append $ports (list (printf "extraContainerPorts[%d].containerPort" $i) $p.containerPort) }}{{ end }}
{{- range $ports }}
{{- $port := int (index . 1) }}
{{- if lt $port $start }}
{{- printf "\n%s: %d is below %d, and a server that does not run as root may not bind it (the pod runs as UID %s); allowed: a port of 1024 or more (most servers take --port, with service.port 80 in front), or podSecurityContext.sysctls [{name: net.ipv4.ip_unprivileged_port_start, value: \"%d\"}]" (index . 0) $port $start ($uid | default "non-root") $port }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The value of the last of `flags` in a container argument list, given as "--flag N" or "--flag=N"; "" when absent.
Usage: include "ai-inference.argValue" (dict "args" $args "flags" (list "--port")) */}}
{{- define "ai-inference.argValue" -}}
{{- $found := "" }}
{{- $args := .args }}
{{- range $i, $arg := $args }}
{{- range $flag := $.flags }}
{{- if and (eq (toString $arg) $flag) (lt (add1 $i) (len $args)) }}
{{- $found = toString (index $args (add1 $i)) }}
{{- else if hasPrefix (printf "%s=" $flag) (toString $arg) }}
{{- $found = trimPrefix (printf "%s=" $flag) (toString $arg) }}
{{- end }}
{{- end }}
{{- end }}
{{- $found }}
{{- end }}

{{/* Tensor and pipeline parallel flags of vLLM (vllm/engine/arg_utils.py: --tensor-parallel-size/-tp,
--pipeline-parallel-size/-pp), SGLang (python/sglang/srt/server_args.py: --tp-size/--tp, --pp-size) and TGI
(launcher: --num-shard). */}}
{{- define "ai-inference.tensorFlags" -}}
{{- toJson (list "--tensor-parallel-size" "-tp" "--tp-size" "--tp" "--num-shard") }}
{{- end }}
{{- define "ai-inference.pipelineFlags" -}}
{{- toJson (list "--pipeline-parallel-size" "-pp" "--pp-size") }}
{{- end }}

{{/* GPUs one server process needs for its tensor x pipeline parallel size (1 when the arguments set neither; 0 with
vLLM's Ray executor, whose workers may run on other nodes of a Ray cluster). */}}
{{- define "ai-inference.parallelGpus" -}}
{{- $ray := eq (include "ai-inference.argValue" (dict "args" . "flags" (list "--distributed-executor-backend"))) "ray" }}
{{- $product := 1 }}
{{- range $flags := list (include "ai-inference.tensorFlags" . | fromJsonArray) (include "ai-inference.pipelineFlags" . | fromJsonArray) }}
{{- $size := include "ai-inference.argValue" (dict "args" $ "flags" $flags) }}
{{- if regexMatch "^[1-9][0-9]{0,3}$" $size }}{{ $product = mul $product (int $size) }}{{ end }}
{{- end }}
{{- ternary 0 $product $ray }}
{{- end }}

{{/* The parallel flags as given, for messages ("--tensor-parallel-size 2 --pipeline-parallel-size 2"). */}}
{{- define "ai-inference.parallelFlags" -}}
{{- $given := list }}
{{- range $flag := concat (include "ai-inference.tensorFlags" . | fromJsonArray) (include "ai-inference.pipelineFlags" . | fromJsonArray) }}
{{- with include "ai-inference.argValue" (dict "args" $ "flags" (list $flag)) }}{{ $given = append $given (printf "%s %s" $flag .) }}{{ end }}
{{- end }}
{{- join " " $given }}
{{- end }}
