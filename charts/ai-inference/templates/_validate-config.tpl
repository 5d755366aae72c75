{{/* config: settings, not secrets. Its keys land in the chart's ConfigMap (readable by anyone who may read the
namespace's ConfigMaps, unencrypted in the release records), so a key named like a credential is refused.
Prints one line per problem, "<key>: <what is wrong>; <what is allowed>"; ai-inference.validate collects them. */}}
{{- define "ai-inference.validate.config" -}}
{{- range $name := keys .Values.config | sortAlpha }}
{{- if regexMatch "(?i)(^|_)(TOKEN|SECRET|SECRET_KEY|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIALS?)$" $name }}
{{- printf "\nconfig.%s: is named like a credential, and config lands in a ConfigMap that anyone who may read the namespace's ConfigMaps can read; allowed: the value in a Secret (secrets.native.existingSecret, or Key Vault with secrets.provider=csi) with secrets.env.%s naming its key (a setting with such a name that is no secret: extraEnv)" $name $name }}
{{- end }}
{{- end }}
{{- end }}
