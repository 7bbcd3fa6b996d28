{{/*
Kafka connection settings, shared by the services and the topic-provisioning Job.
All take the chart's top-level context and read .Values.global.kafka.
*/}}

{{/* Comma list of bootstrap servers. Strimzi: the cluster's bootstrap Service unless overridden. */}}
{{- define "common.kafka.brokers" -}}
{{- $k := .Values.global.kafka -}}
{{- if eq $k.provider "strimzi" -}}
{{- $s := $k.strimzi -}}
{{- if $s.bootstrapServers -}}
{{- include "common.kafka.joinServers" $s.bootstrapServers -}}
{{- else -}}
{{- $port := $k.tls.enabled | ternary 9093 9092 -}}
{{- printf "%s-kafka-bootstrap.%s.svc:%d" (required "global.kafka.strimzi.clusterName is required" $s.clusterName) ($s.namespace | default .Release.Namespace) $port -}}
{{- end -}}
{{- else -}}
{{- include "common.kafka.joinServers" (required "global.kafka.bootstrapServers is required when global.kafka.provider=external" $k.bootstrapServers) -}}
{{- end -}}
{{- end -}}

{{- define "common.kafka.joinServers" -}}
{{- if kindIs "slice" . }}{{ join "," . }}{{ else }}{{ . }}{{ end -}}
{{- end -}}

{{/* Non-secret client settings as a map (YAML), for ConfigMaps and Job env. */}}
{{- define "common.kafka.config" -}}
{{- $k := .Values.global.kafka -}}
KAFKA_BROKERS: {{ include "common.kafka.brokers" . | quote }}
KAFKA_TOPIC_PREFIX: {{ $k.topicPrefix | default "" | quote }}
KAFKA_SSL: {{ $k.tls.enabled | toString | quote }}
{{- if $k.tls.caSecret.name }}
NODE_EXTRA_CA_CERTS: /etc/openretail/kafka-ca/ca.crt
{{- end }}
{{- with $k.sasl }}
{{- if .mechanism }}
KAFKA_SASL_MECHANISM: {{ .mechanism | quote }}
{{- if not .usernameKey }}
KAFKA_SASL_USERNAME: {{ .username | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Name of the Secret holding the SASL password (and maybe username). */}}
{{- define "common.kafka.saslSecretName" -}}
{{- .Values.global.kafka.sasl.existingSecret | default (printf "%s-kafka-sasl" .Release.Name) -}}
{{- end -}}

{{/* Secret-backed env entries (SASL credentials). */}}
{{- define "common.kafka.secretEnv" -}}
{{- $s := .Values.global.kafka.sasl -}}
{{- if $s.mechanism }}
{{- $secret := include "common.kafka.saslSecretName" . }}
{{- if $s.usernameKey }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $s.usernameKey }}
{{- end }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $s.passwordKey | default "password" }}
{{- end }}
{{- end -}}
