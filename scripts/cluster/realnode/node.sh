#!/usr/bin/env bash
# One real worker node for the local cluster (scripts/cluster/cluster.sh): containerd, runc, the
# CNI bridge, kubelet and kube-proxy run pods for real beside the kwok-simulated pools.
#
#   node.sh prepare           apt packages, binaries (standin, pause, ociimage, CoreDNS); idempotent
#   node.sh net               the node's network and mount namespaces, veth, drop rules; prints KEY=VALUE
#   node.sh up CLUSTER_DIR    registry, images, containerd, kubelet, kube-proxy, CoreDNS; waits for Ready
#   node.sh down              stop everything by pid, remove cgroups, restore sysctls; idempotent
#   node.sh env               KEY=VALUE facts about the running node (for tests and benchmarks)
#   node.sh exec CMD...       run CMD inside the node's network and mount namespaces
#
# Isolation: one "holder" process owns a new network namespace and a new mount namespace;
# every node process joins both. Pod networking, iptables/nftables rules and net.* sysctls
# live in that network namespace; containerd's and kubelet's mounts (rootfs, shm, volumes,
# pod netns files) live in that mount namespace, where /run, /var/lib and /var/log are
# private tmpfs, so none of it is visible on the host, and all of it vanishes with the
# last process. The six host-wide sysctls kubelet sets are shown to it already set
# (bind-mounted files), so the host's values never change; `down` still restores them if
# they differ. A veth pair links the namespace to the host; nftables rules in the
# namespace drop any packet leaving it for anything but the host end of the veth.
set -euo pipefail

# shellcheck disable=SC2034 # used by the sourced parts (lib.sh, net.sh, services.sh, teardown.sh)
{
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  root=$(cd "$here/../../.." && pwd)
  name=${KWOK_CLUSTER_NAME:-ai-inference}
  # A short id of checkout + cluster name keeps two checkouts on one machine apart.
  id=$(printf '%s:%s' "$root" "$name" | sha256sum | cut -c1-6)
  tag=$name-$id
  state=$root/.tools/realnode/$name # this node's run state; removed by down
  cache=$root/.tools/realnode/cache # binaries, image content, registry storage; kept
  bin=$cache/bin
  node=aks-realpool-31415926-vmss000000
  registry=127.0.0.1:5000 # inside the node's network namespace
  images=(standin:0.1.0 pause:1.0 coredns:v1.15.0)
}
export PATH=$root/.tools/bin:$PATH

# shellcheck disable=SC1091 # lib.sh: checked on its own
source "$here/lib.sh"

case ${1:-} in
  prepare) prepare ;;
  net) ensure_net && cat "$state/env" ;;
  up) node_up "${2:?usage: node.sh up CLUSTER_DIR}" ;;
  down) node_down ;;
  env)
    [[ -f $state/env ]] || { echo "no real node for cluster $name (scripts/cluster/cluster.sh up)" >&2 && exit 1; }
    cat "$state/env"
    ;;
  exec)
    shift
    exec nsenter --target "$(holder_pid)" --net --mount -- "$@"
    ;;
  *)
    echo "usage: $0 prepare|net|up CLUSTER_DIR|down|env|exec CMD..." >&2
    exit 2
    ;;
esac
