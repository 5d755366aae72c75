# shellcheck shell=bash disable=SC2154 # here, state: set by scripts/cluster/addons/addons.sh, which sources this
# Certificates: one CA and one certificate for the operator's gRPC metrics service and the adapter's API
# (serverAuth for both, clientAuth for the adapter's gRPC client), under the names the module reads from the
# certificate directory (pkg/metricsservice/utils/tls.go: ca.crt, tls.crt, tls.key). Made once per cluster.
keda_certs() {
  local dir=$state/keda san="" svc
  [[ -f $dir/tls.crt ]] && return 0
  mkdir -p "$dir"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/O=KEDAORG/CN=KEDA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
  for svc in keda-operator keda-metrics-apiserver; do
    san+="DNS:$svc,DNS:$svc.keda,DNS:$svc.keda.svc,DNS:$svc.keda.svc.cluster.local,"
  done
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/O=KEDAORG/CN=keda-operator" \
    -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null
  openssl x509 -req -in "$dir/tls.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
    -days 30 -out "$dir/tls.crt" 2>/dev/null -extfile <(printf '%s\n' "subjectAltName=${san%,}" \
    extendedKeyUsage=serverAuth,clientAuth keyUsage=critical,digitalSignature,keyEncipherment)
  rm -f "$dir/tls.csr"
}

addon_up() {
  keda_certs
  apply "$here/keda/keda.yaml" CA_BUNDLE="$(base64 -w0 "$state/keda/ca.crt")"
  k -n keda create secret generic kedaorg-certs --from-file="$state/keda/ca.crt" --from-file="$state/keda/tls.crt" \
    --from-file="$state/keda/tls.key" --dry-run=client -o yaml | k apply --server-side --force-conflicts -f - >&2
}

addon_ready() {
  k -n keda rollout status deployment/keda-operator --timeout=180s >&2
  k -n keda rollout status deployment/keda-metrics-apiserver --timeout=180s >&2
  k wait --for=condition=Available apiservice/v1beta1.external.metrics.k8s.io --timeout=120s >&2
}
