{{/* Secrets: native Secret or Key Vault through the CSI driver, and the env vars that read them.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.secrets" -}}
{{- $v := .Values }}
{{- $csi := eq $v.secrets.provider "csi" }}
{{- if $csi }}
{{- range $key := list "keyvaultName" "tenantId" "clientId" }}
{{- if not (index $v.secrets.csi $key) }}
{{- printf "\nsecrets.csi.%s: required when secrets.provider is csi; set the Key Vault's %s" $key (index (dict "keyvaultName" "name" "tenantId" "Microsoft Entra tenant ID" "clientId" "workload identity client ID") $key) }}
{{- end }}
{{- end }}
{{- if not $v.secrets.csi.objects }}
{{- print "\nsecrets.csi.objects: at least one Key Vault object is required when secrets.provider is csi" }}
{{- end }}
{{- if or $v.secrets.native.data $v.secrets.native.existingSecret }}
{{- print "\nsecrets.native: must be empty when secrets.provider is csi; the chart renders no secret material in csi mode (put the values in Key Vault)" }}
{{- end }}
{{- if and $v.secrets.env (not $v.secrets.csi.syncSecret.enabled) }}
{{- print "\nsecrets.env: needs secrets.csi.syncSecret.enabled=true when secrets.provider is csi (env vars read a synced Secret); or read the files under secrets.mountPath" }}
{{- end }}
{{- if and (not $v.serviceAccount.create) (not $v.serviceAccount.name) }}
{{- print "\nserviceAccount.name: required when serviceAccount.create is false and secrets.provider is csi (workload identity federates with a named ServiceAccount)" }}
{{- end }}
{{- $keys := list }}
{{- range $v.secrets.csi.objects }}{{ $keys = append $keys (include "ai-inference.objectKey" .) }}{{ end }}
{{- if $v.secrets.csi.syncSecret.enabled }}
{{- range $env, $key := $v.secrets.env }}
{{- if not (has $key $keys) }}
{{- printf "\nsecrets.env.%s: key %q is not a Key Vault object; allowed: the objectAlias or objectName of secrets.csi.objects (%s)" $env $key (join ", " $keys) }}
{{- end }}
{{- end }}
{{- end }}
{{- else }}
{{- if $v.secrets.env }}
{{- if not (or $v.secrets.native.data $v.secrets.native.existingSecret) }}
{{- print "\nsecrets.env: needs secrets.native.data or secrets.native.existingSecret when secrets.provider is native" }}
{{- else if not $v.secrets.native.existingSecret }}
{{- range $env, $key := $v.secrets.env }}
{{- if not (hasKey $v.secrets.native.data $key) }}
{{- printf "\nsecrets.env.%s: key %q is not in secrets.native.data; allowed: %s" $env $key (join ", " (keys $v.secrets.native.data | sortAlpha)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $key := list "keyvaultName" "tenantId" "clientId" "objects" }}
{{- if index $v.secrets.csi $key }}
{{- printf "\nsecrets.csi.%s: only read when secrets.provider is csi; allowed: secrets.provider=csi, or leave it empty with native" $key }}
{{- end }}
{{- end }}
{{- if and $v.secrets.native.data $v.secrets.native.existingSecret }}
{{- print "\nsecrets.native: set either data or existingSecret, not both" }}
{{- end }}
{{- end }}

{{- range $name := keys $v.secrets.env | sortAlpha }}
{{- if hasKey $v.config $name }}
{{- printf "\nsecrets.env.%s: also a config key; an environment variable can come from one place only" $name }}
{{- end }}
{{- end }}
{{- end }}
