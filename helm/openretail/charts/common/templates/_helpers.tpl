{{/*
Naming, labels and small value helpers shared by every OpenRetail chart.

Most helpers take a context dict:
  root      the chart's top-level context (.) - .Values, .Release, .Chart
  v         the service's effective values (global.serviceDefaults merged with the chart's values)
  component app.kubernetes.io/component of the resource (server, migration, topic-provisioning, ...)
*/}}

{{/* <release>-<chart>. Fails instead of truncating: a truncated name would break the
     references other charts build from it (e.g. the gateway's ORDERS_GRPC_URL). */}}
{{- define "common.fullname" -}}
{{- $name := printf "%s-%s" .Release.Name .Chart.Name -}}
{{- if gt (len $name) 63 -}}
{{- fail (printf "resource name %q is longer than 63 characters: use a shorter release name" $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{- define "common.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "common.labels" -}}
{{ include "common.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: openretail
{{- end -}}

{{/* image and imagePullPolicy lines: global.image, overridden per service by `image`. */}}
{{- define "common.image" -}}
{{- $img := deepCopy .root.Values.global.image -}}
{{- include "common.mergeInto" (dict "dst" $img "src" (.v.image | default dict)) -}}
{{- $repo := required "global.image.repository is required" $img.repository -}}
{{- if $img.digest }}
image: {{ printf "%s@%s" $repo $img.digest | quote }}
{{- else }}
image: {{ printf "%s:%s" $repo (toString ($img.tag | default .root.Chart.AppVersion)) | quote }}
{{- end }}
imagePullPolicy: {{ $img.pullPolicy | default "IfNotPresent" }}
{{- end -}}

{{/* Deep-merges map .src into map .dst in place. Unlike mergeOverwrite, false, 0 and ""
     in .src do override (e.g. a service switching off podDisruptionBudget.enabled). */}}
{{- define "common.mergeInto" -}}
{{- $dst := .dst -}}
{{- range $key, $value := .src -}}
{{- $current := get $dst $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- include "common.mergeInto" (dict "dst" $current "src" $value) -}}
{{- else -}}
{{- $_ := set $dst $key $value -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Renders a map of plain settings as a container env list (sorted by name). */}}
{{- define "common.envList" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ toString $value | quote }}
{{- end }}
{{- end -}}

{{/* Hook annotations for a resource a pre-install/pre-upgrade Job depends on or is. */}}
{{- define "common.preHook" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: {{ . | quote }}
helm.sh/hook-delete-policy: before-hook-creation
{{- end -}}

{{/* Pod-level settings shared by Deployments and Jobs: pull secrets, scheduling, security. */}}
{{- define "common.podSettings" -}}
{{- $v := .v -}}
{{- with .root.Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Volumes every container needs: a writable /tmp (the root filesystem is read-only)
     and the Kafka CA certificate when one is configured. */}}
{{- define "common.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- with .root.Values.global.kafka.tls.caSecret }}
{{- if .name }}
- name: kafka-ca
  secret:
    secretName: {{ .name }}
    items:
      - key: {{ .key | default "ca.crt" }}
        path: ca.crt
{{- end }}
{{- end }}
{{- end -}}

{{- define "common.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .root.Values.global.kafka.tls.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/openretail/kafka-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* Rejects unknown providers and incomplete credentials early, naming the value at fault. */}}
{{- define "common.validate" -}}
{{- $k := .Values.global.kafka -}}
{{- $pg := .Values.global.postgresql -}}
{{- if not (has $k.provider (list "external" "strimzi")) -}}
{{- fail (printf "global.kafka.provider: must be external or strimzi, got %q" $k.provider) -}}
{{- end -}}
{{- if not (has $pg.provider (list "external" "cloudnativepg")) -}}
{{- fail (printf "global.postgresql.provider: must be external or cloudnativepg, got %q" $pg.provider) -}}
{{- end -}}
{{- with $k.sasl -}}
{{- if .mechanism -}}
{{- if not (has .mechanism (list "plain" "scram-sha-256" "scram-sha-512")) -}}
{{- fail (printf "global.kafka.sasl.mechanism: must be plain, scram-sha-256 or scram-sha-512, got %q" .mechanism) -}}
{{- end -}}
{{- if and (not .existingSecret) (not .password) -}}
{{- fail "global.kafka.sasl: set existingSecret or password when mechanism is set" -}}
{{- end -}}
{{- if and .usernameKey (not .existingSecret) -}}
{{- fail "global.kafka.sasl.usernameKey: only valid together with existingSecret" -}}
{{- end -}}
{{- if and (not .usernameKey) (not .username) -}}
{{- fail "global.kafka.sasl: set username (or existingSecret + usernameKey) when mechanism is set" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
