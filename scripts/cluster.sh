#!/usr/bin/env bash
# The local AKS-shaped test cluster: kwokctl with the binary runtime, using only the
# binaries built from Go modules by scripts/cluster-tools/build.sh (no Docker, no
# downloads), then the AKS shape from scripts/cluster/ and the CRDs from tests/crds/.
#
#   scripts/cluster.sh up          build tools if needed, create (or reuse) the cluster; prints the kubeconfig path
#   scripts/cluster.sh down        delete the cluster and its workdir
#   scripts/cluster.sh kubeconfig  print the kubeconfig path (fails if the cluster is not up)
#
# Everything lives under <repo>/.tools/kwok (KWOK_WORKDIR); nothing is written to $HOME.
# stdout carries only the kubeconfig path; progress goes to stderr.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=${KWOK_CLUSTER_NAME:-ai-inference}
export KWOK_WORKDIR=$root/.tools/kwok
cluster_dir=$KWOK_WORKDIR/clusters/$name
kubeconfig=$cluster_dir/kubeconfig.yaml
# kwokctl adds/removes a context in this file (default ~/.kube/config); keep it under .tools.
contexts=$KWOK_WORKDIR/contexts.yaml
manifests=$root/scripts/cluster

# kwokctl looks kubectl up on PATH and would download one otherwise: use the pinned one.
export PATH=$root/.tools/bin:$PATH
export KUBECACHEDIR=${KUBECACHEDIR:-$root/.tools/kube-cache}
if [[ $(command -v kubectl || true) != "$root/.tools/bin/kubectl" ]]; then
  echo "kubectl must come from $root/.tools/bin (run scripts/install_tools.py)" >&2
  exit 1
fi

log() { echo "cluster.sh: $*" >&2; }

healthy() {
  [[ -f $kubeconfig ]] && kubectl --kubeconfig "$kubeconfig" --request-timeout=5s get --raw /readyz >/dev/null 2>&1
}

# kwokctl drops ALL its default stages once --config holds any Stage, so the config is
# kwok's own default node and pod stages, read from the pinned kwok module (same version
# as the kwok binaries), followed by ours (scripts/cluster/kwok-stages.yaml).
write_stages() {
  local kwok_dir stage
  kwok_dir=$(cd "$root/scripts/cluster-tools" && GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)
  {
    for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
      pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
      echo "# from $kwok_dir/kustomize/stage/$stage.yaml"
      cat "$kwok_dir/kustomize/stage/$stage.yaml"
      echo "---"
    done
    cat "$manifests/kwok-stages.yaml"
  } >"$1"
}

shape() {
  local k=(kubectl --kubeconfig "$kubeconfig")
  "${k[@]}" apply --server-side -f "$root/tests/crds/" >&2
  "${k[@]}" apply --server-side -f "$manifests/ingressclasses.yaml" >&2
  "${k[@]}" apply --server-side --force-conflicts -f "$manifests/nodes.yaml" >&2
  # Nodes the kwok controller manages turn Ready within a second or two.
  "${k[@]}" wait --for=condition=Ready node --all --timeout=60s >&2
  "${k[@]}" wait --for=condition=Established crd --all --timeout=60s >&2
}

up() {
  local bin start stages
  start=$(date +%s%N)
  bin=$("$root/scripts/cluster-tools/build.sh")
  if healthy; then
    log "cluster $name already up"
  else
    if [[ -d $cluster_dir ]]; then
      log "cluster $name is not answering; recreating it"
      down
    fi
    start=$(date +%s%N)
    mkdir -p "$KWOK_WORKDIR"
    stages=$KWOK_WORKDIR/stages.yaml
    write_stages "$stages"
    # --kube-admission is on by default: Pod Security admission enforces namespace labels.
    # --kubeconfig keeps kwokctl away from ~/.kube/config.
    "$bin/kwokctl" create cluster --name "$name" --runtime binary \
      --etcd-binary "$bin/etcd" \
      --kube-apiserver-binary "$bin/kube-apiserver" \
      --kube-controller-manager-binary "$bin/kube-controller-manager" \
      --kube-scheduler-binary "$bin/kube-scheduler" \
      --kwok-controller-binary "$bin/kwok" \
      --kube-admission=true \
      --config "$stages" \
      --kubeconfig "$contexts" \
      --wait 60s >&2
  fi
  shape
  local ms=$((($(date +%s%N) - start) / 1000000))
  printf '%d.%d\n' $((ms / 1000)) $((ms % 1000 / 100)) >"$cluster_dir/boot-seconds"
  log "cluster $name ready in $(cat "$cluster_dir/boot-seconds") s; export KUBECONFIG=$kubeconfig"
  echo "$kubeconfig"
}

down() {
  local kwokctl=$root/.tools/cluster/kwokctl pid
  if [[ -d $cluster_dir ]]; then
    if [[ -x $kwokctl ]]; then
      "$kwokctl" delete cluster --name "$name" --kubeconfig "$contexts" >&2 || true
    fi
    # Whatever kwokctl left running (or all of it, without kwokctl): stop by recorded pid.
    for pid in "$cluster_dir"/pids/*.pid; do
      if [[ -f $pid ]]; then kill "$(cat "$pid")" 2>/dev/null || true; fi
    done
  fi
  rm -rf "$cluster_dir"
  log "cluster $name deleted"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  kubeconfig)
    healthy || { echo "cluster $name is not up (scripts/cluster.sh up)" >&2; exit 1; }
    echo "$kubeconfig"
    ;;
  *)
    echo "usage: $0 up|down|kubeconfig" >&2
    exit 2
    ;;
esac
