# shellcheck shell=bash disable=SC2154 # state, root, here, bin, cache, node, id, tag, registry, images: set by node.sh
# The node's processes (sourced by node.sh): registry, images, client certificates,
# containerd, kubelet, kube-proxy and CoreDNS. Configuration files are written under $state.

tools=$root/.tools/cluster # kubelet and kube-proxy, built by scripts/cluster/tools/build.sh

image_ref() { echo "$registry/ai-inference/$1"; }

start_registry() {
  cat >"$state/registry.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $cache/registry}, delete: {enabled: true}}
http: {addr: $registry}
EOF
  start registry registry serve "$state/registry.yml"
  wait_until 20 "the registry" in_ns "$bin/standin" get -timeout 1s "http://$registry/v2/"
}

# The stand-in server (with the names wget and true for test pods), the pause image and CoreDNS, each a
# one-layer image of a static binary, written and pushed by ociimage (no container engine).
push_images() {
  local start_ms common=(-user 65532:65532 -dir /tmp)
  start_ms=$(now_ms)
  mkdir -p "$cache/images"
  in_ns "$bin/ociimage" -layout "$cache/images/standin" -ref "$(image_ref "${images[0]}")" -push "${common[@]}" \
    -file "$bin/standin=/usr/local/bin/standin" -symlink /usr/local/bin/wget=standin -symlink /usr/local/bin/true=standin \
    -env PATH=/usr/local/bin -entrypoint /usr/local/bin/standin -cmd serve >/dev/null
  in_ns "$bin/ociimage" -layout "$cache/images/pause" -ref "$(image_ref "${images[1]}")" -push "${common[@]}" \
    -file "$bin/pause=/pause" -entrypoint /pause >/dev/null
  in_ns "$bin/ociimage" -layout "$cache/images/coredns" -ref "$(image_ref "${images[2]}")" -push "${common[@]}" \
    -file "$bin/coredns=/coredns" -entrypoint /coredns >/dev/null
  echo "images_seconds=$(since "$start_ms")" >>"$state/timings"
}

# Client certificates signed by the cluster's CA: the kubelet as system:node:<node> in
# system:nodes (the Node authorizer's identity), kube-proxy as system:kube-proxy (bound to
# system:node-proxier by the default RBAC policy).
client_cert() { # PKI_DIR NAME SUBJECT
  local pki=$1 name=$2 subject=$3
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "$subject" \
    -keyout "$state/pki/$name.key" -out "$state/pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$state/pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 7 -extfile <(printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature') \
    -out "$state/pki/$name.crt" 2>/dev/null
}

kubeconfig() { # NAME SERVER
  cat >"$state/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: local, cluster: {server: "$2", certificate-authority: "$state/pki/ca.crt"}}]
users: [{name: $1, user: {client-certificate: "$state/pki/$1.crt", client-key: "$state/pki/$1.key"}}]
contexts: [{name: $1, context: {cluster: local, user: $1}}]
current-context: $1
EOF
}

credentials() { # CLUSTER_DIR SERVER
  mkdir -p "$state/pki"
  cp "$1/pki/ca.crt" "$state/pki/ca.crt"
  client_cert "$1/pki" kubelet "/O=system:nodes/CN=system:node:$node"
  client_cert "$1/pki" kube-proxy "/CN=system:kube-proxy"
  kubeconfig kubelet "$2"
  kubeconfig kube-proxy "$2"
}

start_containerd() {
  local dir=$state/containerd
  mkdir -p "$dir/certs.d/$registry" "$dir/cni"
  # The local registry speaks plain HTTP (containerd hosts.toml, docs/hosts.md).
  printf 'server = "http://%s"\n[host."http://%s"]\n  capabilities = ["pull", "resolve"]\n' \
    "$registry" "$registry" >"$dir/certs.d/$registry/hosts.toml"
  cat >"$dir/cni/10-realpool.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "realpool", "plugins": [
  {"type": "bridge", "bridge": "$REALNODE_BRIDGE", "isGateway": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$dir/ipam", "ranges": [[{"subnet": "$REALNODE_POD_CIDR"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
  # restrict_oom_score_adj: without CAP_SYS_RESOURCE runc cannot lower a pod's oom_score_adj below ours.
  # SystemdCgroup = false: cgroupfs, as kubelet's cgroupDriver (no systemd needed).
  cat >"$dir/config.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$dir/containerd.sock"
[ttrpc]
  address = "$dir/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$(image_ref "${images[1]}")"
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$dir/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$dir/certs.d"
EOF
  start containerd containerd --config "$dir/config.toml"
  wait_until 30 "containerd" test -S "$dir/containerd.sock"
}

# The cgroup parent of every pod, in each cgroup v1 hierarchy (kubelet requires it to exist;
# on this hybrid layout runc also creates the pods' cgroups in the cgroup2 hierarchy).
make_cgroups() {
  local hierarchy
  for hierarchy in $(cgroup_hierarchies cgroup); do
    mkdir -p "$hierarchy$REALNODE_CGROUP"
    if [[ -f $hierarchy/cpuset.cpus ]]; then
      cat "$hierarchy/cpuset.cpus" >"$hierarchy$REALNODE_CGROUP/cpuset.cpus"
      cat "$hierarchy/cpuset.mems" >"$hierarchy$REALNODE_CGROUP/cpuset.mems"
    fi
  done
}

cgroup_hierarchies() { # [TYPE]: mount points of cgroup v1 and v2 hierarchies (or of TYPE only)
  awk -v only="${1:-}" '($3 == "cgroup" || $3 == "cgroup2") && (only == "" || $3 == only) {print $2}' /proc/mounts
}

start_kubelet() {
  local dir=$state/kubelet
  mkdir -p "$dir"
  : >"$dir/resolv.conf" # pods get the cluster DNS only, never the host's resolvers
  # failCgroupV1: false, cgroupfs, swap allowed: the node also runs on hosts with a cgroup v1/hybrid layout,
  # without systemd, with swap.
  # Eviction thresholds near zero: a shared disk filling up must not evict the test pods.
  cat >"$dir/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
containerRuntimeEndpoint: unix://$state/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: $REALNODE_CGROUP
failCgroupV1: false
failSwapOn: false
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $state/pki/ca.crt}
authorization: {mode: Webhook}
clusterDNS: [$REALNODE_DNS_IP]
clusterDomain: cluster.local
resolvConf: $dir/resolv.conf
podLogsDir: $dir/pod-logs
volumePluginDir: $dir/volume-plugins
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
maxPods: 40
serializeImagePulls: false
registerWithTaints: [{key: pool, value: realpool, effect: NoSchedule}]
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
  # Labels as AKS sets them on a user pool's nodes (the kwok pools in scripts/cluster/aks/nodes.yaml carry the same).
  local labels=kubernetes.azure.com/agentpool=realpool,agentpool=realpool,kubernetes.azure.com/mode=user
  labels+=,kubernetes.azure.com/role=agent,kubernetes.azure.com/cluster=MC_ai-inference_ai-inference_eastus
  labels+=,node.kubernetes.io/instance-type=Standard_D2ds_v5,topology.kubernetes.io/region=eastus
  labels+=,topology.kubernetes.io/zone=eastus-1,type=real
  start kubelet "$tools/kubelet" --config "$dir/config.yaml" --kubeconfig "$state/kubelet.kubeconfig" \
    --root-dir "$dir/root" --cert-dir "$dir/pki" --hostname-override "$node" --node-ip "$REALNODE_NODE_IP" \
    --node-labels "$labels"
}

start_kube_proxy() {
  # conntrack: 0 leaves the host-wide nf_conntrack_max and timeouts alone.
  cat >"$state/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $state/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $REALNODE_POD_CIDR
hostnameOverride: $node
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {localhostNodePorts: false}
EOF
  start kube-proxy "$tools/kube-proxy" --config "$state/kube-proxy.yaml"
}

start_coredns() { # KUBECTL...
  sed -e "s|@IMAGE@|$(image_ref "${images[2]}")|" -e "s|@DNS_IP@|$REALNODE_DNS_IP|" "$here/coredns.yaml" |
    "$@" apply --server-side --force-conflicts -f - >&2
}

node_ready() { # KUBECTL...
  [[ $("$@" get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

healthy_node() { # KUBECTL...
  local what
  holder_alive || return 1
  for what in registry containerd kubelet kube-proxy; do alive "$what" || return 1; done
  node_ready "$@"
}

node_up() { # CLUSTER_DIR
  local cluster_dir=$1 k server port start_ms
  k=(kubectl --kubeconfig "$cluster_dir/kubeconfig.yaml")
  if [[ -f $state/env ]] && healthy_node "${k[@]}"; then
    log "node $node already up"
    return 0
  fi
  stop_node_processes
  ensure_net
  start_ms=$(now_ms)
  : >"$state/timings"
  server=$("${k[@]}" config view --minify -o jsonpath='{.clusters[0].cluster.server}')
  port=${server##*:}
  guard "$port"
  make_cgroups
  credentials "$cluster_dir" "https://$REALNODE_HOST_IP:$port"
  start_registry
  push_images
  start_containerd
  start_kubelet
  start_kube_proxy
  wait_until 120 "node $node Ready" node_ready "${k[@]}" || { tail -n 30 "$state/logs/kubelet.log" >&2; return 1; }
  echo "node_ready_seconds=$(since "$start_ms")" >>"$state/timings"
  start_coredns "${k[@]}"
  "${k[@]}" -n kube-system rollout status deployment/coredns --timeout=120s >&2
  echo "dns_ready_seconds=$(since "$start_ms")" >>"$state/timings"
  log "node $node Ready with CoreDNS in $(since "$start_ms") s ($(tr '\n' ' ' <"$state/timings"))"
}
