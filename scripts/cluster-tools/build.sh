#!/usr/bin/env bash
# Build etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy,
# kwok and kwokctl from the Go modules pinned in this folder's go.mod into $TOOLS_DIR (default
# <repo>/.tools/cluster). A stamp of the pins makes a second run a no-op; changing
# go.mod, go.sum or this script rebuilds. Prints the output directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${TOOLS_DIR:-$(cd "$here/../.." && pwd)/.tools}/cluster
stamp=$(cat "$here/go.mod" "$here/go.sum" "$0" | sha256sum | cut -c1-16)

if [[ -f $out/stamp && $(cat "$out/stamp") == "$stamp" ]]; then
  echo "$out"
  exit 0
fi

# The Kubernetes version kwokctl reads from `kube-apiserver --version`; it must match
# the k8s.io/kubernetes pin (a plain go build reports v0.0.0-master).
kube_version=$(awk '$1 == "k8s.io/kubernetes" {print $2}' "$here/go.mod")
minor=$(cut -d. -f2 <<<"$kube_version")
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"

mkdir -p "$out"
rm -f "$out/stamp"
cd "$here"
start=$(date +%s)
echo "building cluster tools for Kubernetes $kube_version into $out (cold: tens of minutes on 2 cores)" >&2
CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath -ldflags "$ldflags" -o "$out/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler \
  k8s.io/kubernetes/cmd/kubelet \
  k8s.io/kubernetes/cmd/kube-proxy \
  sigs.k8s.io/kwok/cmd/kwok \
  sigs.k8s.io/kwok/cmd/kwokctl
CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
# Wall time of this build, for scripts/bench_cluster.py (cold only with an empty GOCACHE).
echo "$(($(date +%s) - start)) seconds, GOCACHE=$(go env GOCACHE), $(date -u +%FT%TZ)" >"$out/build-time"
echo "$stamp" >"$out/stamp"
echo "$out"
