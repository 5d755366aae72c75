# shellcheck shell=bash disable=SC2154 # state, root, here, bin, cache, node, id, tag, registry, images: set by node.sh
# Taking the node apart (sourced by node.sh): every process by pid, the pods' cgroups,
# the namespaces (and with them the veth, bridge, routes, rules and mounts), the sysctls.

# Pids of the processes in the node's network namespace (containerd's shims among them).
pids_in_netns() {
  local ns proc
  ns=$(cat "$state/netns.id" 2>/dev/null) || return 0
  for proc in /proc/[0-9]*; do
    if [[ $(readlink "$proc/ns/net" 2>/dev/null) == "$ns" ]]; then echo "${proc#/proc/}"; fi
  done
}

# Pids in the pods' cgroups (containers and pod sandboxes), in any hierarchy.
pids_in_cgroups() {
  local hierarchy
  for hierarchy in $(cgroup_hierarchies); do
    if [[ -d $hierarchy$REALNODE_CGROUP ]]; then
      # a cgroup removed between find and cat (its last process gone) has nothing left to kill
      find "$hierarchy$REALNODE_CGROUP" -name cgroup.procs -exec cat {} + 2>/dev/null || true
    fi
  done | sort -u
}

kill_all() { # WHAT LISTER: SIGKILL what LISTER prints until it prints nothing (10 s at most)
  local i pids
  for ((i = 0; i < 50; i++)); do
    pids=$($2)
    [[ -z $pids ]] && return 0
    # shellcheck disable=SC2086 # one pid per word
    kill -9 $pids 2>/dev/null || true
    sleep 0.2
  done
  log "still running after SIGKILL ($1): $pids"
  return 1
}

remove_cgroups() {
  local hierarchy
  for hierarchy in $(cgroup_hierarchies); do
    if [[ -d $hierarchy$REALNODE_CGROUP ]]; then
      find "$hierarchy$REALNODE_CGROUP" -depth -type d -exec rmdir {} +
    fi
  done
}

stop_node_processes() { # everything but the namespace holder
  [[ -d $state/pids ]] || return 0
  # shellcheck source=/dev/null
  [[ -f $state/env ]] && source "$state/env"
  stop_pid kubelet
  stop_pid kube-proxy
  kill_all "pods" pids_in_cgroups
  stop_pid containerd
  stop_pid registry
  holder_alive && kill_all "node processes" node_processes_but_holder
  remove_cgroups
}

node_processes_but_holder() { pids_in_netns | grep -vx "$(holder_pid)" || true; }

restore_sysctls() {
  local key before now
  [[ -f $state/sysctl.before ]] || return 0
  while read -r key before; do
    now=$(cat "/proc/sys/$key")
    if [[ $now != "$before" ]]; then
      log "restoring $key: $now -> $before"
      echo "$before" >"/proc/sys/$key"
    fi
  done <"$state/sysctl.before"
}

node_down() {
  [[ -d $state ]] || return 0
  # shellcheck source=/dev/null
  [[ -f $state/env ]] && source "$state/env"
  stop_node_processes
  stop_pid holder
  # The namespaces end with their last process; with them the veth pair, the bridge, the
  # routes, every rule kubelet, kube-proxy and we added, and every mount of the node.
  kill_all "node processes" pids_in_netns
  if [[ -n ${REALNODE_HOST_VETH:-} ]] && ip link show "$REALNODE_HOST_VETH" >/dev/null 2>&1; then
    ip link delete "$REALNODE_HOST_VETH"
  fi
  remove_cgroups
  restore_sysctls
  rm -rf "$state"
  log "node $node removed"
}
