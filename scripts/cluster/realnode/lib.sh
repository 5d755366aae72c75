# shellcheck shell=bash disable=SC2154 # state, root, here, bin, cache, node, id, tag, registry, images: set by node.sh
# Helpers of scripts/cluster/realnode/node.sh (sourced; uses its variables): logging, pids,
# prerequisites (apt packages and Go-built binaries), and the other parts of the node.

log() { echo "realnode: $*" >&2; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
since() { # seconds since $1 (ms), one decimal
  local ms=$(($(now_ms) - $1))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# --- processes, recorded as "pid starttime" so a reused pid is never mistaken for ours ----------

start_time() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null || true; }

record_pid() { # NAME PID
  mkdir -p "$state/pids"
  echo "$2 $(start_time "$2")" >"$state/pids/$1.pid"
}

recorded_pid() { # NAME -> the pid if that process is still the one recorded, else nothing
  local pid started
  [[ -f $state/pids/$1.pid ]] || return 0
  read -r pid started <"$state/pids/$1.pid"
  if [[ -n $pid && $(start_time "$pid") == "$started" ]]; then echo "$pid"; fi
}

alive() { [[ -n $(recorded_pid "$1") ]]; }

stop_pid() { # NAME: SIGTERM, then SIGKILL after 10 s (only while the pid is still the recorded process)
  local pid i
  pid=$(recorded_pid "$1")
  if [[ -n $pid ]]; then
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      [[ -z $(recorded_pid "$1") ]] && break
      sleep 0.1
    done
    if [[ -n $(recorded_pid "$1") ]]; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$state/pids/$1.pid"
}

# start NAME CMD...: run CMD inside the node's namespaces, in a session of its own, logging to
# $state/logs/NAME.log. nsenter and setsid exec in place, so $! is CMD's own pid.
start() {
  local what=$1
  shift
  mkdir -p "$state/logs"
  nsenter --target "$(holder_pid)" --net --mount -- setsid "$@" </dev/null >>"$state/logs/$what.log" 2>&1 &
  record_pid "$what" $!
}

in_ns() { nsenter --target "$(holder_pid)" --net --mount -- "$@"; }

wait_until() { # SECONDS WHAT CMD...: poll CMD every 0.2 s
  local deadline=$(($(date +%s) + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    if (($(date +%s) > deadline)); then
      log "timed out after $1 s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

# --- prerequisites ------------------------------------------------------------------------------

# command (or file) -> Debian package providing it
declare -A apt_needs=(
  [containerd]=containerd [runc]=runc [/usr/lib/cni/bridge]=containernetworking-plugins
  [iptables]=iptables [nft]=nftables [conntrack]=conntrack [ip]=iproute2
  [nsenter]=util-linux [openssl]=openssl
)

packages() {
  local missing=() what
  for what in "${!apt_needs[@]}"; do
    if [[ $what == /* ]]; then
      [[ -e $what ]] && continue
    else
      command -v "$what" >/dev/null && continue
    fi
    missing+=("${apt_needs[$what]}")
  done
  ((${#missing[@]})) || return 0
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
    log "missing Debian packages (install as root): ${missing[*]}"
    return 1
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Wait for another apt or dpkg run instead of failing at once. A fresh machine has no package lists yet: update
  # once and retry.
  local apt=(apt-get -o DPkg::Lock::Timeout=300)
  "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2 ||
    { "${apt[@]}" update >&2 && "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2; }
}

go_build() { # MODULE_DIR OUT PACKAGE...
  (cd "$1" && CGO_ENABLED=0 GOWORK=off GOTOOLCHAIN=local GOFLAGS=-mod=readonly \
    go build -trimpath -ldflags "-s -w" -o "$2" "${@:3}")
}

binaries() {
  local coredns_stamp
  mkdir -p "$bin"
  # standin, pause, ociimage: small and incremental, so always built (a no-op when current)
  go_build "$here/../standin" "$bin/" . ./pause ./ociimage
  coredns_stamp=$(cat "$here/coredns/go.mod" "$here/coredns/go.sum" "$here/coredns/main.go" | sha256sum | cut -c1-16)
  if [[ ! -x $bin/coredns || $(cat "$bin/coredns.stamp" 2>/dev/null) != "$coredns_stamp" ]]; then
    log "building CoreDNS (the Corefile's plugins only) from its Go module"
    go_build "$here/coredns" "$bin/coredns" .
    echo "$coredns_stamp" >"$bin/coredns.stamp"
  fi
  python3 "$root/scripts/install/go_tools.py" --no-apt registry >/dev/null
}

prepare() {
  local start_ms
  start_ms=$(now_ms)
  if [[ $EUID -ne 0 ]]; then
    log "the real node needs root (network and mount namespaces, cgroups)"
    return 1
  fi
  packages
  binaries
  log "prerequisites ready in $(since "$start_ms") s"
}

# shellcheck disable=SC1091 # net.sh: checked on its own
source "$here/net.sh"
# shellcheck disable=SC1091 # services.sh: checked on its own
source "$here/services.sh"
# shellcheck disable=SC1091 # teardown.sh: checked on its own
source "$here/teardown.sh"
