#!/usr/bin/env bash
# The cluster add-ons: controllers an AKS cluster runs for the chart's objects (a Gateway API and Ingress
# implementation, KEDA, a Prometheus query API), each built from its pinned Go module (<name>/pin, build.sh), imaged by
# ociimage (scripts/cluster/standin/ociimage) into the real node's registry and run as ordinary pods on the real node
# (pool realpool) with RBAC of their own. scripts/cluster/cluster.sh starts them when the real node runs.
#
#   addons.sh build              build every add-on (a no-op when current; cold: minutes)
#   addons.sh images [NAME...]   build, then push the images into the running node's registry; prints their references
#   addons.sh up CLUSTER_DIR     images, then each add-on's objects (<name>/up.sh), and wait until every one is Ready
#
# An add-on folder holds its pin (what build.sh builds), and optionally up.sh, which defines `addon_up` (applies the
# add-on's manifests with `apply FILE [NAME=VALUE...]`: @IMAGE:<add-on>@ and each @NAME@ replaced) and `addon_ready`
# (waits, with `k`: kubectl on the cluster). Every add-on is applied first, then each is waited for, so they start
# side by side. An add-on without up.sh is only built and imaged (another add-on or a test runs it).
# Progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
node_sh=$root/scripts/cluster/realnode/node.sh
ociimage=$root/.tools/realnode/cache/bin/ociimage # built by node.sh prepare
registry=127.0.0.1:5000                             # inside the node's network namespace (node.sh)
export PATH=$root/.tools/bin:$PATH

log() { echo "addons.sh: $*" >&2; }

names() { for pin in "$here"/*/pin; do basename "$(dirname "$pin")"; done; }

# The image reference of an add-on: its pinned version, or the stamp of its sources when it pins no module.
image_ref() { # NAME
  local tag
  # shellcheck source=/dev/null
  tag=$(version="" && source "$here/$1/pin" && echo "$version")
  [[ -n $tag ]] || tag=0.0.0-$(cat "$root/.tools/addons/$1/stamp")
  echo "$registry/ai-inference/$1:$tag"
}

# One layer with every binary of the add-on at /<binary>, run as 65532 (no shell, no package manager).
push_image() { # NAME
  local dir=$root/.tools/addons/$1 files=() binary
  for binary in "$dir"/bin/*; do files+=(-file "$binary=/$(basename "$binary")"); done
  bash "$node_sh" exec "$ociimage" -layout "$dir/image" -ref "$(image_ref "$1")" -push -user 65532:65532 \
    "${files[@]}" -entrypoint "/$(basename "$(find "$dir/bin" -type f | sort | head -n1)")" >/dev/null
  image_ref "$1"
}

images() { # NAME...
  local name
  bash "$here/build.sh" "$@" >/dev/null
  for name in "$@"; do push_image "$name"; done
}

# apply FILE [NAME=VALUE...]: the manifest with @IMAGE:<add-on>@ and each @NAME@ replaced, applied server-side.
apply() {
  local file=$1 name sed_args=() pair
  shift
  for name in $(names); do sed_args+=(-e "s|@IMAGE:$name@|$(image_ref "$name")|g"); done
  for pair in "$@"; do sed_args+=(-e "s|@${pair%%=*}@|${pair#*=}|g"); done
  sed "${sed_args[@]}" "$file" | k apply --server-side --force-conflicts -f - >&2
}

up() { # CLUSTER_DIR
  local name start step
  start=$(date +%s)
  kubeconfig=$1/kubeconfig.yaml
  state=$1/addons # certificates and the like, removed with the cluster
  mkdir -p "$state"
  mapfile -t all < <(names)
  images "${all[@]}" >/dev/null
  for step in addon_up addon_ready; do
    for name in "${all[@]}"; do
      [[ -f $here/$name/up.sh ]] || continue
      log "$name: $step"
      # shellcheck source=/dev/null
      (source "$here/$name/up.sh" && "$step")
    done
  done
  echo "$(($(date +%s) - start))" >"$state/ready-seconds" # for scripts/bench/cluster.py
  log "add-ons Ready in $(cat "$state/ready-seconds") s"
}

k() { kubectl --kubeconfig "$kubeconfig" "$@"; }

case ${1:-} in
  build) bash "$here/build.sh" >/dev/null ;;
  images)
    shift
    if (($# == 0)); then mapfile -t all < <(names) && set -- "${all[@]}"; fi
    images "$@"
    ;;
  up) up "${2:?usage: addons.sh up CLUSTER_DIR}" ;;
  *)
    echo "usage: $0 build|images [NAME...]|up CLUSTER_DIR" >&2
    exit 2
    ;;
esac
