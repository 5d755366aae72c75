# shellcheck shell=bash disable=SC2154 # state, root, here, bin, cache, node, id, tag, registry, images: set by node.sh
# The node's namespaces (sourced by node.sh): a holder process owning a new network and
# mount namespace, a veth pair to the host, addresses, routes and the egress drop rules.

# Host-wide sysctls kubelet sets when they differ from what it wants
# (k8s.io/kubernetes pkg/kubelet/cm/container_manager_linux.go, setupKernelTunables;
# values from k8s.io/component-helpers node/util/sysctl). Inside the node's mount namespace
# each is covered by a file already holding the wanted value, so kubelet changes nothing.
declare -A kubelet_sysctls=(
  [vm/overcommit_memory]=1 [vm/panic_on_oom]=0 [kernel/panic]=10 [kernel/panic_on_oops]=1
  [kernel/keys/root_maxkeys]=1000000 [kernel/keys/root_maxbytes]=25000000
)

holder_pid() { recorded_pid holder; }

holder_alive() {
  local pid
  pid=$(holder_pid)
  [[ -n $pid && -f $state/netns.id && $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "$(cat "$state/netns.id")" ]]
}

# The address block of this node: 10.250.N.0/30 for the veth, 10.251.N.0/24 for pods,
# 10.252.N.0/24 for Services. N comes from the checkout's id and moves on while another
# node on this machine holds it.
write_env() {
  local n=$((16#${id:0:4} % 200)) tries
  for ((tries = 0; tries < 200; tries++)); do
    if ! ip -4 -o addr | grep -qE "inet 10\.25[0-2]\.$n\." && ! ip -4 route | grep -qE "^10\.25[0-2]\.$n\."; then
      break
    fi
    n=$(((n + 1) % 200))
  done
  cat >"$state/env" <<EOF
REALNODE_NODE=$node
REALNODE_POOL=realpool
REALNODE_TAINT=pool=realpool:NoSchedule
REALNODE_HOST_IP=10.250.$n.1
REALNODE_NODE_IP=10.250.$n.2
REALNODE_POD_CIDR=10.251.$n.0/24
REALNODE_SERVICE_CIDR=10.252.$n.0/24
REALNODE_API_SERVICE_IP=10.252.$n.1
REALNODE_DNS_IP=10.252.$n.10
REALNODE_HOST_VETH=rn$id
REALNODE_BRIDGE=cni$id
REALNODE_CGROUP=/$tag
REALNODE_REGISTRY=$registry
REALNODE_STATE=$state
EOF
}

record_sysctls() {
  local key
  [[ -f $state/sysctl.before ]] && return 0
  for key in "${!kubelet_sysctls[@]}" net/ipv4/ip_forward; do
    echo "$key $(cat "/proc/sys/$key")"
  done | sort >"$state/sysctl.before"
}

# The holder: new network + mount namespaces (mounts propagate in from the host, never out);
# private tmpfs over /run, /var/lib and /var/log (containerd's and CNI's default paths, pod
# netns files, /var/log/containers); the sysctl cover files; loopback up; then it sleeps.
start_holder() {
  local shield=$state/shield key
  mkdir -p "$shield"
  rm -f "$state/holder.ready"
  for key in "${!kubelet_sysctls[@]}"; do
    echo "${kubelet_sysctls[$key]}" >"$shield/${key//\//.}"
  done
  # shellcheck disable=SC2016 # expanded by the holder's shell
  setsid unshare --net --mount --propagation slave -- /bin/sh -ec '
    shield=$1 ready=$2
    for dir in /run /var/lib /var/log; do mount -t tmpfs -o mode=0755 realnode "$dir"; done
    for file in "$shield"/*; do mount --bind "$file" "/proc/sys/$(basename "$file" | tr . /)"; done
    ip link set lo up
    touch "$ready"
    exec sleep infinity' holder "$shield" "$state/holder.ready" </dev/null >"$state/holder.log" 2>&1 &
  record_pid holder $!
  wait_until 10 "the namespace holder" test -f "$state/holder.ready" || {
    cat "$state/holder.log" >&2
    return 1
  }
  readlink "/proc/$(holder_pid)/ns/net" >"$state/netns.id"
}

wire() { # veth pair, addresses, routes, namespaced sysctls
  local v=$REALNODE_HOST_VETH
  ip link add "$v" type veth peer name eth0 netns "$(holder_pid)"
  ip link set "$v" addrgenmode none
  ip addr add "$REALNODE_HOST_IP/30" dev "$v"
  ip link set "$v" up
  in_ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
    net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
  in_ns ip addr add "$REALNODE_NODE_IP/30" dev eth0
  in_ns ip link set eth0 up
  in_ns ip route add default via "$REALNODE_HOST_IP"
  # Host traffic for pods and Services goes into the namespace, never to the default route.
  ip route add "$REALNODE_POD_CIDR" via "$REALNODE_NODE_IP" dev "$v"
  ip route add "$REALNODE_SERVICE_CIDR" via "$REALNODE_NODE_IP" dev "$v"
}

# Egress guard, in place before containerd starts: whatever leaves the namespace (from the
# node, a pod or a Service translation) may only go to the host end of the veth; IPv6 never.
# With PORT (the API server's, known once the control plane runs), new connections to the
# host may only go to that port. Replaced atomically (one nft transaction).
guard() { # [PORT]
  local chain rules=""
  for chain in output forward; do
    rules+="
  chain $chain {
    type filter hook $chain priority filter; policy accept;
    oifname \"eth0\" meta nfproto ipv6 counter drop
    oifname \"eth0\" ip daddr != $REALNODE_HOST_IP counter drop comment \"only the host end of the veth\""
    if [[ -n ${1:-} ]]; then
      rules+="
    oifname \"eth0\" ct state new meta l4proto != tcp counter drop comment \"host: API server only\"
    oifname \"eth0\" ct state new tcp dport != $1 counter drop comment \"host: API server only\""
    fi
    rules+="
  }"
  done
  in_ns nft -f - <<EOF
table inet realnode_egress {}
flush table inet realnode_egress
table inet realnode_egress {$rules
}
EOF
}

ensure_net() {
  mkdir -p "$state"
  [[ -f $state/env ]] || write_env
  # shellcheck source=/dev/null
  source "$state/env"
  holder_alive && return 0
  record_sysctls
  start_holder
  wire
  guard "" # the API server's port is added by node_up
  log "namespaces up: node $REALNODE_NODE_IP, host end $REALNODE_HOST_IP ($REALNODE_HOST_VETH)"
}
