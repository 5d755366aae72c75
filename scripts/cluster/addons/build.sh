#!/usr/bin/env bash
# Build the cluster add-ons (scripts/cluster/addons/<name>/pin) into $TOOLS_DIR/addons/<name>/ (default
# <repo>/.tools/addons), each from its pinned Go module:
#
#   build.sh [NAME...]     every add-on, or the ones named; prints one output directory per add-on
#
# A pin names either a module and version (module=..., version=...: the module is downloaded with `go mod download`,
# checksum-verified against sum.golang.org, and built inside a writable copy of its directory, because `go install
# module@version` refuses a module whose go.mod has replace directives) or nothing (the add-on's folder holds a go.mod
# of its own and is built where it is). packages=(...) lists the main packages, ldflags what -X sets.
#
# A stamp per add-on (its pin, this script and, without a module, its sources) makes a second run a no-op; changing
# any of them rebuilds. Each build
# records its wall time in <out>/build-time (read by scripts/bench/cluster.py). Progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out_root=${TOOLS_DIR:-$(cd "$here/../../.." && pwd)/.tools}/addons

go_build() { # DIR OUT LDFLAGS PACKAGE...
  (cd "$1" && CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
    go build -trimpath -ldflags "-s -w $3" -o "$2/" "${@:4}")
}

# The module's directory in GOMODCACHE (read-only), downloaded if needed.
module_dir() { # MODULE VERSION
  GOFLAGS=-mod=mod go mod download -json "$1@$2" |
    python3 -c 'import json, sys; info = json.load(sys.stdin); print(info.get("Dir") or sys.exit(info.get("Error")))'
}

build_one() { # NAME
  local name=$1 pin=$here/$1/pin out=$out_root/$1 stamp start src module="" version="" packages=() ldflags=""
  [[ -f $pin ]] || { echo "build.sh: no add-on $name (no $pin)" >&2 && return 2; }
  # shellcheck source=/dev/null
  source "$pin"
  # the pin and this script; for an add-on built where it is, also its sources
  stamp=$({
    cat "$pin" "${BASH_SOURCE[0]}"
    [[ -n $module ]] || find "$here/$name" -name '*.go' -o -name 'go.*' | sort | xargs cat
  } | sha256sum | cut -c1-16)
  if [[ $(cat "$out/stamp" 2>/dev/null) == "$stamp" ]]; then
    echo "$out"
    return 0
  fi
  rm -rf "$out"
  mkdir -p "$out/bin"
  start=$(date +%s)
  src=$here/$name
  if [[ -n $module ]]; then
    echo "build.sh: $name: $module $version (cold: minutes)" >&2
    src=$out/src
    cp -r "$(module_dir "$module" "$version")" "$src"
    chmod -R u+w "$src"
  fi
  go_build "$src" "$out/bin" "$ldflags" "${packages[@]}"
  rm -rf "$out/src"
  echo "$(($(date +%s) - start)) seconds, GOCACHE=$(go env GOCACHE), $(date -u +%FT%TZ)" >"$out/build-time"
  echo "$stamp" >"$out/stamp"
  echo "$out"
}

names=("$@")
if ((${#names[@]} == 0)); then
  for pin in "$here"/*/pin; do names+=("$(basename "$(dirname "$pin")")"); done
fi
for name in "${names[@]}"; do build_one "$name"; done
