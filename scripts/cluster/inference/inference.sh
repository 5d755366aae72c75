#!/usr/bin/env bash
# The Gateway API Inference Extension on the local cluster's real node: the reference endpoint picker
# (sigs.k8s.io/gateway-api-inference-extension/cmd/lwepp, pinned in this folder's go.mod) and the gateway-side ext_proc
# client of the smoke tests (gatewayclient/), built from Go modules and pushed as one-layer images into the node's
# registry by ociimage (scripts/cluster/standin/ociimage), as scripts/cluster/realnode/services.sh does for CoreDNS.
#
#   inference.sh build    build both binaries into the real node's cache (a no-op when current; cold: minutes)
#   inference.sh images   build, then push the images into the running node's registry; prints their references
#
# The node must be up (scripts/cluster/cluster.sh up) for `images`.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
bin=$root/.tools/realnode/cache/bin # the real node's binaries (scripts/cluster/realnode/node.sh prepare)
images=$root/.tools/realnode/cache/images
node_sh=$root/scripts/cluster/realnode/node.sh
registry=127.0.0.1:5000 # inside the node's network namespace (node.sh)
picker_version=$(awk '$1 == "sigs.k8s.io/gateway-api-inference-extension" {print $2}' "$here/go.mod")
picker_ref=$registry/ai-inference/lwepp:$picker_version
client_ref=$registry/ai-inference/gatewayclient:0.1.0

log() { echo "inference.sh: $*" >&2; }

build() {
  local stamp start
  stamp=$(cat "$here/go.mod" "$here/go.sum" "$here"/gatewayclient/*.go | sha256sum | cut -c1-16)
  if [[ -x $bin/lwepp && -x $bin/gatewayclient && $(cat "$bin/inference.stamp" 2>/dev/null) == "$stamp" ]]; then
    return 0
  fi
  mkdir -p "$bin"
  start=$(date +%s)
  log "building the endpoint picker $picker_version and the ext_proc client (cold: minutes)"
  (cd "$here" && CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
    go build -trimpath -ldflags "-s -w" -o "$bin/" sigs.k8s.io/gateway-api-inference-extension/cmd/lwepp ./gatewayclient)
  echo "$stamp" >"$bin/inference.stamp"
  echo "$(($(date +%s) - start)) seconds, $(date -u +%FT%TZ)" >"$bin/inference.build-time"
}

push() { # NAME REF BINARY
  bash "$node_sh" exec "$bin/ociimage" -layout "$images/$1" -ref "$2" -push -user 65532:65532 \
    -file "$bin/$3=/$3" -entrypoint "/$3" >/dev/null
}

case ${1:-} in
  build) build ;;
  images)
    build
    push lwepp "$picker_ref" lwepp
    push gatewayclient "$client_ref" gatewayclient
    echo "$picker_ref"
    echo "$client_ref"
    ;;
  *)
    echo "usage: $0 build|images" >&2
    exit 2
    ;;
esac
