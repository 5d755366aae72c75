# shellcheck shell=bash disable=SC2154 # here: set by scripts/cluster/addons/addons.sh, which sources this
addon_up() {
  # the namespace and the Service first: the Deployment's flags name its cluster IP
  apply "$here/traefik/service.yaml"
  apply "$here/traefik/traefik.yaml" GATEWAY_IP="$(k -n traefik get service traefik -o jsonpath='{.spec.clusterIP}')"
}

addon_ready() {
  k -n traefik rollout status deployment/traefik --timeout=180s >&2
  k wait --for=condition=Accepted gatewayclass/approuting-istio --timeout=60s >&2
}
