{{/* Images: where the server image comes from. A repository that names its own registry host cannot take another
registry in front of it, and an NVIDIA NIM image is served by nvcr.io only to an NGC account.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.images" -}}
{{- $v := .Values }}
{{- $repository := toString $v.image.repository }}
{{- with include "ai-inference.repositoryHost" $repository }}
{{- $host := . }}
{{- range $key := list "global.imageRegistry" "image.registry" }}
{{- $registry := ternary ($v.global).imageRegistry $v.image.registry (eq $key "global.imageRegistry") }}
{{- if $registry }}
{{- printf "\nimage.repository: %q names its own registry host %s, and %s (%s) would be put in front of it (%s/%s); allowed: the repository without its host (%s) when %s mirrors it, or an empty %s" $repository $host $key $registry $registry $repository (trimPrefix (printf "%s/" $host) $repository) $registry $key }}
{{- end }}
{{- end }}
{{- end }}
{{- /* NIM images need an NGC API key as the pull password (docs.nvidia.com/nim/large-language-models get-started
quickstart: docker login nvcr.io, user $oauthtoken; deployment helm-k8s: an image pull secret for nvcr.io). */}}
{{- $reference := $repository }}
{{- with coalesce ($v.global).imageRegistry $v.image.registry }}{{ $reference = printf "%s/%s" . $repository }}{{ end }}
{{- if and (hasPrefix "nvcr.io/nim/" $reference) (not (include "ai-inference.imagePullSecrets" . | trim)) }}
{{- printf "\nimagePullSecrets: %s is an NVIDIA NIM image, which nvcr.io serves only with an NGC API key, and the pods have no pull secret, so they stay in ImagePullBackOff; allowed: a kubernetes.io/dockerconfigjson Secret for nvcr.io (user $oauthtoken, password your NGC API key) in imagePullSecrets or global.imagePullSecrets, or a registry that mirrors the image (an ACR attached to the cluster) in image.registry" $reference }}
{{- end }}
{{- end }}
