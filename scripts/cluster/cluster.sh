#!/usr/bin/env bash
# The local AKS-shaped test cluster: kwokctl with the binary runtime, using only the
# binaries built from Go modules by scripts/cluster/tools/build.sh (no Docker, no
# downloads), then the AKS shape from scripts/cluster/aks/ and the CRDs from tests/crds/ (with the
# Gateway API bundle and KEDA release of the cluster's minor: scripts/cluster/aks/apply-crds.sh),
# and one real worker node (scripts/cluster/realnode/node.sh: containerd, kubelet, kube-proxy,
# CoreDNS, in network and mount namespaces of its own) as the pool `realpool`, with the cluster add-ons on it
# (scripts/cluster/addons: Traefik as the Gateway API and Ingress implementation, KEDA, VictoriaMetrics).
#
#   scripts/cluster/cluster.sh prepare     build the control plane (and, with the real node, its binaries, packages,
#                                          images' binaries and the add-ons); idempotent
#   scripts/cluster/cluster.sh up          prepare, create (or reuse) the cluster and its real node; prints the kubeconfig path
#   scripts/cluster/cluster.sh down        delete the real node and the cluster, leaving the host as it was
#   scripts/cluster/cluster.sh kubeconfig  print the kubeconfig path (fails if the cluster is not up)
#
# REALNODE=0 leaves the real node and its add-ons out (kwok pools only; nothing of the node is built; no root needed); a
# cluster already up with its real node also serves REALNODE=0. KWOK_CLUSTER_NAME names the cluster
# (default ai-inference); clusters of different names run side by side.
# Everything lives under <repo>/.tools/kwok (KWOK_WORKDIR) and <repo>/.tools/realnode;
# nothing is written to $HOME. stdout carries only the kubeconfig path; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
name=${KWOK_CLUSTER_NAME:-ai-inference}
export KWOK_WORKDIR=$root/.tools/kwok
cluster_dir=$KWOK_WORKDIR/clusters/$name
kubeconfig=$cluster_dir/kubeconfig.yaml
# kwokctl adds/removes a context in this file (default ~/.kube/config); keep it under .tools.
contexts=$KWOK_WORKDIR/contexts.yaml
aks=$here/aks
realnode=${REALNODE:-1}
node_sh=$here/realnode/node.sh
addons_sh=$here/addons/addons.sh

# kwokctl looks kubectl up on PATH and would download one otherwise: use the pinned one.
export PATH=$root/.tools/bin:$PATH
export KUBECACHEDIR=${KUBECACHEDIR:-$root/.tools/kube-cache}
if [[ $(command -v kubectl || true) != "$root/.tools/bin/kubectl" ]]; then
  echo "kubectl must come from $root/.tools/bin (run scripts/install/pypi_tools.py)" >&2
  exit 1
fi

log() { echo "cluster.sh: $*" >&2; }

# Up and answering, with the real node if one is wanted (a cluster that has one also serves REALNODE=0).
healthy() {
  [[ -f $kubeconfig ]] && kubectl --kubeconfig "$kubeconfig" --request-timeout=5s get --raw /readyz >/dev/null 2>&1 &&
    [[ $realnode == 0 || $(cat "$cluster_dir/realnode" 2>/dev/null) == 1 ]]
}

# kwokctl drops ALL its default stages once --config holds any Stage, so the config is
# kwok's own default node and pod stages, read from the pinned kwok module (same version
# as the kwok binaries, downloaded again if the module cache was cleaned since the build),
# followed by ours (scripts/cluster/aks/kwok-stages.yaml).
write_stages() {
  local kwok_dir stage
  kwok_dir=$(cd "$here/tools" && go mod download -json sigs.k8s.io/kwok |
    python3 -c 'import json, sys; info = json.load(sys.stdin); print(info.get("Dir") or sys.exit(info.get("Error")))')
  {
    for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
      pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
      echo "# from $kwok_dir/kustomize/stage/$stage.yaml"
      cat "$kwok_dir/kustomize/stage/$stage.yaml"
      echo "---"
    done
    cat "$aks/kwok-stages.yaml"
    kwokctl_config
  } >"$1"
}

# kwok-controller manages only the nodes annotated kwok.x-k8s.io/node=fake (the binary
# runtime starts it with --manage-all-nodes, which would take over the real node).
# kube-controller-manager keeps its FlexVolume directory in the cluster's workdir (by default
# it creates /usr/libexec/kubernetes/kubelet-plugins/volume/exec on the host). With the
# real node, the API server advertises the host end of the node's veth (the address of the
# `kubernetes` Service's endpoint, which pods reach), serves a certificate for it and for
# the Service's cluster IP, uses the node's Service range, and reaches kubelets by their
# InternalIP (not by node name, which nothing here resolves) with a client certificate.
# PodNodeSelector and PodTolerationRestriction let a namespace pin all its pods (the chart's
# helm test pod included) to the real pool by annotations
# (k8s.io/kubernetes plugin/pkg/admission/podnodeselector, podtolerationrestriction).
# The aggregation layer (the KEDA add-on's external metrics API) authenticates the API server to an extension API
# server by its proxy client certificate, which kwokctl sets to the admin certificate (CN kwok-admin; sigs.k8s.io/kwok
# pkg/kwokctl/pki/pki.go), and passes the caller in X-Remote-* headers: the request-header flags publish that CA, name
# and those headers in kube-system/extension-apiserver-authentication, where extension API servers read them.
kwokctl_config() {
  cat <<EOF
---
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
EOF
  if [[ $realnode == 1 ]]; then
    cat <<EOF
options:
  kubeApiserverCertSANs: [$REALNODE_HOST_IP, $REALNODE_API_SERVICE_IP]
EOF
  fi
  cat <<EOF
componentsPatches:
- name: kwok-controller
  extraArgs:
  - {key: manage-all-nodes, value: "false", override: true}
  - {key: manage-nodes-with-annotation-selector, value: kwok.x-k8s.io/node=fake}
- name: kube-controller-manager
  extraArgs:
  - {key: flex-volume-plugin-dir, value: $cluster_dir/flexvolume}
EOF
  if [[ $realnode == 1 ]]; then
    cat <<EOF
- name: kube-apiserver
  extraArgs:
  - {key: advertise-address, value: $REALNODE_HOST_IP}
  - {key: service-cluster-ip-range, value: $REALNODE_SERVICE_CIDR}
  - {key: kubelet-client-certificate, value: $cluster_dir/pki/admin.crt}
  - {key: kubelet-client-key, value: $cluster_dir/pki/admin.key}
  - {key: kubelet-preferred-address-types, value: InternalIP}
  - {key: enable-admission-plugins, value: "PodNodeSelector,PodTolerationRestriction"}
  - {key: requestheader-client-ca-file, value: $cluster_dir/pki/ca.crt}
  - {key: requestheader-allowed-names, value: kwok-admin}
  - {key: requestheader-username-headers, value: X-Remote-User}
  - {key: requestheader-group-headers, value: X-Remote-Group}
  - {key: requestheader-extra-headers-prefix, value: X-Remote-Extra-}
EOF
  fi
}

shape() {
  local k=(kubectl --kubeconfig "$kubeconfig")
  bash "$aks/apply-crds.sh" "$kubeconfig"
  "${k[@]}" apply --server-side -f "$aks/ingressclasses.yaml" >&2
  "${k[@]}" apply --server-side --force-conflicts -f "$aks/nodes.yaml" >&2
  # Nodes the kwok controller manages turn Ready within a second or two.
  "${k[@]}" wait --for=condition=Ready node --all --timeout=60s >&2
  "${k[@]}" wait --for=condition=Established crd --all --timeout=60s >&2
}

prepare() {
  "$here/tools/build.sh" control-plane
  if [[ $realnode == 1 ]]; then
    "$here/tools/build.sh" node >/dev/null
    "$node_sh" prepare
    "$addons_sh" build
  fi
}

up() {
  local bin start stages
  start=$(date +%s%N)
  bin=$(prepare)
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
    if [[ $realnode == 1 ]]; then
      # the node's addresses first: the API server's certificate and flags name them
      eval "$("$node_sh" net)"
    fi
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
    echo "$realnode" >"$cluster_dir/realnode"
  fi
  shape
  if [[ $realnode == 1 ]]; then
    "$node_sh" up "$cluster_dir"
    "$addons_sh" up "$cluster_dir"
  fi
  local ms=$((($(date +%s%N) - start) / 1000000))
  printf '%d.%d\n' $((ms / 1000)) $((ms % 1000 / 100)) >"$cluster_dir/boot-seconds"
  log "cluster $name ready in $(cat "$cluster_dir/boot-seconds") s; export KUBECONFIG=$kubeconfig"
  echo "$kubeconfig"
}

down() {
  local kwokctl=$root/.tools/cluster/kwokctl pid
  "$node_sh" down
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
  prepare) prepare >/dev/null ;;
  up) up ;;
  down) down ;;
  kubeconfig)
    healthy || { echo "cluster $name is not up (scripts/cluster/cluster.sh up)" >&2; exit 1; }
    echo "$kubeconfig"
    ;;
  *)
    echo "usage: $0 prepare|up|down|kubeconfig" >&2
    exit 2
    ;;
esac
