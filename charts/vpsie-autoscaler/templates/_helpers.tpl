{{/* Names and labels. */}}
{{- define "vpsie-autoscaler.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vpsie-autoscaler.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "vpsie-autoscaler.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vpsie-autoscaler.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vpsie-autoscaler.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "vpsie-autoscaler.labels" -}}
helm.sh/chart: {{ include "vpsie-autoscaler.chart" . }}
{{ include "vpsie-autoscaler.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: autoscaler
app.kubernetes.io/part-of: vpsie-autoscaler
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "vpsie-autoscaler.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vpsie-autoscaler.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "vpsie-autoscaler.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "vpsie-autoscaler.leaseName" -}}
{{- default (printf "%s-leader" (include "vpsie-autoscaler.fullname" .)) .Values.config.controller.leaderElectionID }}
{{- end }}

{{- define "vpsie-autoscaler.credentialsNamespace" -}}
{{- default .Release.Namespace .Values.vpsie.credentials.namespace }}
{{- end }}

{{- define "vpsie-autoscaler.joinNamespace" -}}
{{- default .Release.Namespace .Values.join.namespace }}
{{- end }}

{{/* Where Secrets are mounted; the config file names these paths. */}}
{{- define "vpsie-autoscaler.paths" -}}
config: /etc/vpsie-autoscaler/config/config.yaml
temporalCA: /etc/vpsie-autoscaler/temporal-ca/ca.crt
temporalCert: /etc/vpsie-autoscaler/temporal-client/tls.crt
temporalKey: /etc/vpsie-autoscaler/temporal-client/tls.key
temporalAPIKey: /etc/vpsie-autoscaler/temporal-api-key/api-key
vpsieCA: /etc/vpsie-autoscaler/vpsie-ca/ca.crt
webhookCertDir: /etc/vpsie-autoscaler/webhook-tls
{{- end }}

{{/* The webhook's Service and certificate Secret; the configurations are cluster-scoped and named after the release. */}}
{{- define "vpsie-autoscaler.webhookService" -}}
{{- printf "%s-webhook" (include "vpsie-autoscaler.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "vpsie-autoscaler.webhookSecret" -}}
{{- printf "%s-webhook-tls" (include "vpsie-autoscaler.fullname" .) }}
{{- end }}

{{/* One webhook's clientConfig: the release's Service and, for a generated CA, its caBundle. */}}
{{- define "vpsie-autoscaler.webhookClientConfig" -}}
clientConfig:
  service:
    name: {{ .svc }}
    namespace: {{ .ns }}
    path: {{ .path }}
    port: 443
  {{- with .caBundle }}
  caBundle: {{ . }}
  {{- end }}
{{- end }}

{{/*
Checks what the schema cannot express, with messages that say what to set.
*/}}
{{- define "vpsie-autoscaler.validate" -}}
{{- $v := .Values }}
{{- if not $v.temporal.address }}
{{- fail "temporal.address is required: host:port of the Temporal frontend, e.g. --set temporal.address=temporal-frontend.temporal.svc:7233" }}
{{- end }}
{{- if not (regexMatch "^[^:/]+:[0-9]+$|^\\[[0-9a-fA-F:.]+\\]:[0-9]+$" $v.temporal.address) }}
{{- fail (printf "temporal.address %q must be host:port, e.g. temporal-frontend.temporal.svc:7233" $v.temporal.address) }}
{{- end }}
{{- if not $v.vpsie.credentials.existingSecret }}
{{- fail "vpsie.credentials.existingSecret is required: the name of a Secret with the keys clientId and clientSecret (kubectl create secret generic vpsie-credentials --from-literal=clientId=... --from-literal=clientSecret=...)" }}
{{- end }}
{{- $tls := $v.temporal.tls }}
{{- if and (not $tls.enabled) (or $tls.ca.existingSecret $tls.clientCertificate.existingSecret $v.temporal.apiKey.existingSecret $tls.serverName) }}
{{- fail "temporal.tls.enabled must be true when temporal.tls.ca, temporal.tls.clientCertificate, temporal.tls.serverName or temporal.apiKey is set" }}
{{- end }}
{{- if and $v.webhook.certManager.enabled $v.webhook.certManager.issuerRef (not $v.webhook.certManager.issuerRef.name) }}
{{- fail "webhook.certManager.issuerRef.name is required when issuerRef is set (or leave issuerRef empty for a self-signed Issuer)" }}
{{- end }}
{{- if and (gt (int $v.replicaCount) 1) $v.podDisruptionBudget.enabled (ge (int $v.podDisruptionBudget.minAvailable) (int $v.replicaCount)) }}
{{- fail "podDisruptionBudget.minAvailable must be below replicaCount, or no node holding a replica could ever be drained" }}
{{- end }}
{{- end }}

{{/*
The autoscaler's config file: values.config overlaid with what the chart manages.
*/}}
{{- define "vpsie-autoscaler.config" -}}
{{- $v := .Values }}
{{- $p := include "vpsie-autoscaler.paths" . | fromYaml }}
{{- $tls := $v.temporal.tls }}
{{- $managed := dict
  "controller" (dict
    "namespace" .Release.Namespace
    "kubeconfig" ""
    "leaderElection" true
    "leaderElectionID" (include "vpsie-autoscaler.leaseName" .))
  "temporal" (dict
    "address" $v.temporal.address
    "namespace" $v.temporal.namespace
    "taskQueue" $v.temporal.taskQueue
    "identity" ""
    "tls" (dict
      "enabled" $tls.enabled
      "serverName" $tls.serverName
      "caFile" (ternary $p.temporalCA "" (not (empty $tls.ca.existingSecret)))
      "certFile" (ternary $p.temporalCert "" (not (empty $tls.clientCertificate.existingSecret)))
      "keyFile" (ternary $p.temporalKey "" (not (empty $tls.clientCertificate.existingSecret))))
    "apiKeyFile" (ternary $p.temporalAPIKey "" (not (empty $v.temporal.apiKey.existingSecret))))
  "vpsie" (dict
    "credentials" (dict
      "secretName" $v.vpsie.credentials.existingSecret
      "secretNamespace" (include "vpsie-autoscaler.credentialsNamespace" .)
      "file" "")
    "caFile" (ternary $p.vpsieCA "" (not (empty $v.vpsie.ca.existingSecret))))
  "scaleUp" (dict
    "joinSecretName" $v.join.existingSecret
    "joinSecretNamespace" (include "vpsie-autoscaler.joinNamespace" .))
  "metrics" (dict "bindAddress" (printf ":%d" (int $v.metrics.port)) "pprofBindAddress" "")
  "health" (dict "bindAddress" (printf ":%d" (int $v.health.port)))
  "webhook" (dict
    "enabled" $v.webhook.enabled
    "port" (int $v.webhook.port)
    "certDir" $p.webhookCertDir
    "serviceAccount" (include "vpsie-autoscaler.serviceAccountName" .)
    "exemptUsers" (join "," $v.webhook.exemptUsers)
    "exemptGroups" (join "," $v.webhook.exemptGroups))
}}
{{- toYaml (mergeOverwrite (deepCopy $v.config) $managed) }}
{{- end }}

{{/* The port of temporal.address, for the NetworkPolicy. */}}
{{- define "vpsie-autoscaler.temporalPorts" -}}
{{- if .Values.networkPolicy.egress.temporal.ports }}
{{- toJson .Values.networkPolicy.egress.temporal.ports }}
{{- else }}
{{- $parts := splitList ":" .Values.temporal.address }}
{{- toJson (list (last $parts | int)) }}
{{- end }}
{{- end }}
