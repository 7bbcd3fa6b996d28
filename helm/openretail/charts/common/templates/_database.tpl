{{/*
PostgreSQL wiring of a service (context: root, v). Everything here is skipped for a service
without a database (database.enabled false, e.g. the order-gateway): no DATABASE_URL, Secret,
CNPG Database or migration Job.

external:      DATABASE_URL comes from a Secret: database.existingSecret/existingSecretKey, or the
               Secret "<release>-<service>-database" (key DATABASE_URL), which the chart creates
               from database.url when that is set and otherwise expects to exist.
cloudnativepg: a CNPG Database resource creates database.name on the cluster; credentials come
               from the CNPG app Secret ("<cluster>-app") or a configured one, and DATABASE_URL is
               assembled from them by Kubernetes env expansion.
*/}}

{{- define "common.database.secretName" -}}
{{- .v.database.existingSecret | default (printf "%s-database" (include "common.fullname" .root)) -}}
{{- end -}}

{{/* A service that owns no database takes no database settings: reject them instead of ignoring them. */}}
{{- define "common.database.validate" -}}
{{- $db := .v.database -}}
{{- if not $db.enabled -}}
{{- range $key := list "url" "existingSecret" "owner" "credentialsSecret" -}}
{{- if get $db $key -}}
{{- fail (printf "%s.database.%s: set although database.enabled is false (the service owns no database)" $.root.Chart.Name $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "common.database.env" -}}
{{- if .v.database.enabled }}
{{- $pg := .root.Values.global.postgresql -}}
{{- $db := .v.database -}}
{{- $name := required (printf "%s.database.name is required" .root.Chart.Name) $db.name -}}
{{- if eq $pg.provider "cloudnativepg" }}
{{- $c := $pg.cloudnativepg }}
{{- $secret := $db.credentialsSecret | default $c.credentialsSecret | default (printf "%s-app" $c.clusterName) }}
{{- $host := $c.host | default (printf "%s-rw" $c.clusterName) }}
- name: OPENRETAIL_DB_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $c.usernameKey | default "username" }}
- name: OPENRETAIL_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $c.passwordKey | default "password" }}
- name: DATABASE_URL
  value: {{ printf "postgres://$(OPENRETAIL_DB_USERNAME):$(OPENRETAIL_DB_PASSWORD)@%s:%d/%s%s" $host (int $c.port) $name (ternary (printf "?%s" $c.urlQuery) "" (not (empty $c.urlQuery))) | quote }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "common.database.secretName" . }}
      key: {{ ternary ($db.existingSecretKey | default "DATABASE_URL") "DATABASE_URL" (not (empty $db.existingSecret)) }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The chart-made DATABASE_URL Secret (external provider with database.url). It is a hook so it
     exists before the migration Job; helm uninstall leaves hooks behind. */}}
{{- define "common.database.secret" -}}
{{- if and .v.database.enabled (eq .root.Values.global.postgresql.provider "external") .v.database.url (not .v.database.existingSecret) }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "common.database.secretName" . }}
  labels:
    {{- include "common.labels" (dict "root" .root "component" "database") | nindent 4 }}
  annotations:
    {{- include "common.preHook" -10 | nindent 4 }}
type: Opaque
stringData:
  DATABASE_URL: {{ .v.database.url | quote }}
{{- end }}
{{- end -}}

{{/* CNPG Database. A hook (before the migration Job) because the migrations need the database;
     deleting the resource on re-creation keeps the data (databaseReclaimPolicy retain). */}}
{{- define "common.database.cnpg" -}}
{{- $pg := .root.Values.global.postgresql -}}
{{- if and .v.database.enabled (eq $pg.provider "cloudnativepg") }}
{{- $c := $pg.cloudnativepg }}
apiVersion: postgresql.cnpg.io/v1
kind: Database
metadata:
  name: {{ include "common.fullname" .root }}
  labels:
    {{- include "common.labels" (dict "root" .root "component" "database") | nindent 4 }}
  annotations:
    {{- include "common.preHook" -5 | nindent 4 }}
spec:
  name: {{ .v.database.name }}
  owner: {{ .v.database.owner | default $c.owner }}
  cluster:
    name: {{ required "global.postgresql.cloudnativepg.clusterName is required" $c.clusterName }}
  ensure: present
  databaseReclaimPolicy: {{ $c.databaseReclaimPolicy | default "retain" }}
{{- end }}
{{- end -}}
