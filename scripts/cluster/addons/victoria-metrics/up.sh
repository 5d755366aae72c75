# shellcheck shell=bash disable=SC2154 # here: set by scripts/cluster/addons/addons.sh, which sources this
addon_up() { apply "$here/victoria-metrics/victoria-metrics.yaml"; }
addon_ready() { k -n monitoring rollout status deployment/victoria-metrics --timeout=180s >&2; }
