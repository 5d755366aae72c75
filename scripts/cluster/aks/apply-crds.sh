#!/usr/bin/env bash
# Install the CRDs the chart renders into a test cluster: everything at the top of tests/crds/, plus the versioned
# sets (tests/crds/<component>/<version>/) that an AKS cluster of the same Kubernetes minor serves, as listed in
# tests/crds/aks-versions.txt (a minor newer than the table gets its last row), and the last version of each add-on
# of tests/crds/extension-versions.txt (add-ons AKS does not install: the Inference Extension, Istio).
#
#   scripts/cluster/aks/apply-crds.sh <kubeconfig>
#
# Used by scripts/cluster/cluster.sh (kwok) and scripts/cluster/kind.sh. Progress goes to stderr.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
kubeconfig=${1:?usage: apply-crds.sh <kubeconfig>}
crds=$root/tests/crds
k=(kubectl --kubeconfig "$kubeconfig")

server_minor() {
  "${k[@]}" version -o json |
    python3 -c 'import json, re, sys; v = json.load(sys.stdin)["serverVersion"]; print(v["major"] + "." + re.sub("[^0-9]", "", v["minor"]))'
}

# "<minor> <component> <version>" lines of the table row for minor $1
row_for() {
  awk -v want="$1" '
    $1 == "#" && $2 == "minor" { for (i = 3; i <= NF; i++) name[i] = $i; next }
    $1 ~ /^[0-9]/ { last = $0; if ($1 == want) { found = $0 } }
    END {
      if (found == "") found = last
      n = split(found, f, /[ \t]+/)
      for (i = 2; i <= n; i++) print f[1], name[i + 1], f[i]
    }' "$crds/aks-versions.txt"
}

minor=$(server_minor)
args=(-f "$crds/")
while read -r row_minor component version; do
  echo "apply-crds.sh: Kubernetes $minor: $component $version (table row $row_minor)" >&2
  args+=(-f "$crds/$component/$version/")
done < <(row_for "$minor")
# "<component> <version>": the last row of each component of extension-versions.txt
while read -r component version; do
  echo "apply-crds.sh: add-on $component $version" >&2
  args+=(-f "$crds/$component/$version/")
done < <(awk '$1 !~ /^#/ && NF >= 2 { last[$1] = $2 } END { for (c in last) print c, last[c] }' "$crds/extension-versions.txt")
"${k[@]}" apply --server-side --force-conflicts "${args[@]}" >&2
