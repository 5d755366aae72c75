#!/usr/bin/env bash
# Build the local cluster's binaries from the Go modules pinned in this folder's go.mod into
# $TOOLS_DIR/cluster (default <repo>/.tools/cluster), one part at a time, so that a cluster
# without the real node never builds what only the real node runs:
#
#   build.sh [control-plane]  etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok, kwokctl
#   build.sh node             kubelet, kube-proxy (the real node)
#
# A stamp per part (the pins and this script) makes a second run a no-op; changing go.mod,
# go.sum or this script rebuilds. Each run records its wall time in build-time-<part> (read
# by scripts/bench/cluster.py). Prints the output directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${TOOLS_DIR:-$(cd "$here/../../.." && pwd)/.tools}/cluster
part=${1:-control-plane}
case $part in
  control-plane)
    kube=(kube-apiserver kube-controller-manager kube-scheduler)
    other=(sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl)
    ;;
  node)
    kube=(kubelet kube-proxy)
    other=()
    ;;
  *)
    echo "usage: $0 [control-plane|node]" >&2
    exit 2
    ;;
esac
stamp=$(cat "$here/go.mod" "$here/go.sum" "$0" | sha256sum | cut -c1-16)

if [[ $(cat "$out/stamp-$part" 2>/dev/null) == "$stamp" ]]; then
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

go_build() {
  CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -trimpath "$@"
}

mkdir -p "$out"
rm -f "$out/stamp-$part"
cd "$here"
start=$(date +%s)
echo "building the cluster's $part binaries for Kubernetes $kube_version into $out" >&2
go_build -ldflags "$ldflags" -o "$out/" "${kube[@]/#/k8s.io/kubernetes/cmd/}" "${other[@]}"
if [[ $part == control-plane ]]; then
  go_build -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
fi
# Wall time of this build, for scripts/bench/cluster.py (cold only with an empty GOCACHE).
echo "$(($(date +%s) - start)) seconds, GOCACHE=$(go env GOCACHE), $(date -u +%FT%TZ)" >"$out/build-time-$part"
echo "$stamp" >"$out/stamp-$part"
echo "$out"
