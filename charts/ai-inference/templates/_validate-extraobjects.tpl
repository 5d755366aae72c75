{{/*
extraObjects stay inside the release: the release's namespace (extra-objects.yaml sets it when unset), namespaced
kinds unless securityExceptions has clusterScopedObjects, no Helm hooks unless it has hookObjects (a hook is outside
the release's manifest: --no-hooks, upgrades and uninstall do not manage it), no other Helm metadata, no public
LoadBalancer Service (as for service.type), no Service selector another Service of the release has and no
kubernetes.azure.com label (AKS Deployment Safeguards), and no workloads: an object that runs containers would escape
the Pod Security checks that hold the chart's own pods (server, canary, initContainers, sidecars).
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them.
*/}}
{{- define "ai-inference.validate.extraobjects" -}}
{{- $ex := .Values.securityExceptions }}
{{- $hooks := list "helm.sh/hook" "helm.sh/hook-weight" "helm.sh/hook-delete-policy" }}
{{- /* Selectors of the release's Services (the chart's, then each extraObjects Service's) -> who has it. */}}
{{- $selectors := dict }}
{{- range $variant := include "ai-inference.variants" . | fromJsonArray }}
{{- $_ := set $selectors (include "ai-inference.variantSelectorLabels" (dict "variant" $variant "context" $) | fromYaml | toJson) (printf "the chart's %s Service" $variant) }}
{{- end }}
{{- range $i, $o := .Values.extraObjects }}
{{- $meta := $o.metadata | default dict }}
{{- $where := printf "extraObjects[%d] (%s %s)" $i (toString $o.kind) (toString $meta.name) }}
{{- if include "ai-inference.clusterScoped" $o.kind }}
{{- if not (has "clusterScopedObjects" $ex) }}
{{- printf "\n%s: a cluster-scoped kind, which reaches beyond the release's namespace; allowed: a namespaced kind, or clusterScopedObjects in securityExceptions" $where }}
{{- end }}
{{- else if and $meta.namespace (ne (toString $meta.namespace) $.Release.Namespace) }}
{{- printf "\n%s.metadata.namespace: %q is not the release's namespace; allowed: %s, or unset (the chart sets it)" $where (toString $meta.namespace) $.Release.Namespace }}
{{- end }}
{{- if or (has $o.kind (list "Pod" "Deployment" "StatefulSet" "DaemonSet" "ReplicaSet" "ReplicationController" "Job" "CronJob")) (include "ai-inference.runsContainers" $o) }}
{{- printf "\n%s: a workload (it holds containers), outside the Pod Security checks that hold the chart's pods; allowed: objects without containers (add containers as initContainers or sidecars)" $where }}
{{- end }}
{{- range $key := keys ($meta.annotations | default dict) | sortAlpha }}
{{- if has $key $hooks }}
{{- if not (has "hookObjects" $ex) }}
{{- printf "\n%s.metadata.annotations.%s: makes the object a Helm hook, outside the release's manifest (--no-hooks, upgrades and uninstall do not manage it); allowed: no hook, or hookObjects in securityExceptions" $where $key }}
{{- end }}
{{- else if include "ai-inference.helmKey" $key }}
{{- printf "\n%s.metadata.annotations.%s: a key Helm interprets (resource policy, release ownership); allowed: a key outside helm.sh and meta.helm.sh" $where $key }}
{{- end }}
{{- end }}
{{- range $key := keys ($meta.labels | default dict) | sortAlpha }}
{{- if include "ai-inference.helmKey" $key }}
{{- printf "\n%s.metadata.labels.%s: a key in Helm's domain; allowed: a key outside helm.sh and meta.helm.sh" $where $key }}
{{- else if hasPrefix "kubernetes.azure.com/" $key }}
{{- printf "\n%s.metadata.labels.%s: the kubernetes.azure.com prefix is reserved for AKS (Deployment Safeguards reject it); allowed: another key" $where $key }}
{{- end }}
{{- end }}
{{- if eq (toString $o.kind) "Service" }}
{{- include "ai-inference.loadBalancerProblem" (dict "where" (printf "%s.spec.type" $where) "spec" $o.spec "annotations" $meta.annotations "exceptions" $ex) }}
{{- $selector := toJson (($o.spec | default dict).selector | default dict) }}
{{- if and (ne $selector "{}") (hasKey $selectors $selector) }}
{{- printf "\n%s.spec.selector: the same as the selector of %s (AKS Deployment Safeguards: unique Service selectors); allowed: a selector no other Service of the release has" $where (get $selectors $selector) }}
{{- end }}
{{- $_ := set $selectors $selector $where }}
{{- end }}
{{- end }}
{{- end }}

{{/*
"true" for a cluster-scoped kind: those the API server serves cluster-scoped (`kubectl api-resources --namespaced=false`
on Kubernetes 1.31-1.36, the AKS add-ons' GatewayClass and NginxIngressController) and any kind named Cluster*
(ClusterIssuer, ClusterTriggerAuthentication, ...). Another kind counts as namespaced: the chart gives it the release's
namespace, which the API server drops for a cluster-scoped one (kubernetes/kubernetes
staging/src/k8s.io/apiserver/pkg/registry/rest/meta.go, EnsureObjectNamespaceMatchesRequestNamespace), so an unknown
cluster-scoped kind is left to the installer's RBAC.
*/}}
{{- define "ai-inference.clusterScoped" -}}
{{- $kinds := list "Namespace" "Node" "PersistentVolume" "ComponentStatus" "ClusterRole" "ClusterRoleBinding"
  "CustomResourceDefinition" "APIService" "MutatingWebhookConfiguration" "ValidatingWebhookConfiguration"
  "ValidatingAdmissionPolicy" "ValidatingAdmissionPolicyBinding" "MutatingAdmissionPolicy" "MutatingAdmissionPolicyBinding"
  "StorageClass" "CSIDriver" "CSINode" "VolumeAttachment" "PriorityClass" "RuntimeClass" "IngressClass"
  "CertificateSigningRequest" "ClusterTrustBundle" "FlowSchema" "PriorityLevelConfiguration" "IPAddress" "ServiceCIDR"
  "DeviceClass" "ResourceSlice" "TokenReview" "SelfSubjectReview" "SelfSubjectAccessReview" "SelfSubjectRulesReview"
  "SubjectAccessReview" "StorageVersionMigration" "VolumeAttributesClass" "GatewayClass" "NginxIngressController" }}
{{- if or (has (toString .) $kinds) (hasPrefix "Cluster" (toString .)) }}true{{ end }}
{{- end }}

{{/* "true" when an object holds a list of containers anywhere (a pod spec, or a custom resource that makes pods). */}}
{{- define "ai-inference.runsContainers" -}}
{{- if kindIs "map" . }}
{{- range $key, $value := . }}
{{- if and (has $key (list "containers" "initContainers" "ephemeralContainers")) (kindIs "slice" $value) }}true
{{- else }}{{ include "ai-inference.runsContainers" $value }}{{ end }}
{{- end }}
{{- else if kindIs "slice" . }}
{{- range . }}{{ include "ai-inference.runsContainers" . }}{{ end }}
{{- end }}
{{- end }}
