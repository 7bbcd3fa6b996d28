{{/*
Every resource of one OpenRetail service. A service chart's only template is
  {{ include "common.service" . }}
and its values.yaml holds what differs between services (ports, database name, env);
everything else comes from global.serviceDefaults, overridable per service.
*/}}
{{- define "common.service" -}}
{{- include "common.validate" . -}}
{{- $v := deepCopy .Values.global.serviceDefaults -}}
{{- include "common.mergeInto" (dict "dst" $v "src" (omit .Values "global")) -}}
{{- $ctx := dict "root" . "v" $v "component" "server" -}}
{{- include "common.database.validate" $ctx -}}
{{- $docs := list
  (include "common.configMap" $ctx)
  (include "common.serviceAccount" $ctx)
  (include "common.deployment" $ctx)
  (include "common.k8sService" $ctx)
  (include "common.podDisruptionBudget" $ctx)
  (include "common.horizontalPodAutoscaler" $ctx)
  (include "common.ingress" $ctx)
  (include "common.database.secret" $ctx)
  (include "common.database.cnpg" $ctx)
  (include "common.migrationJob" $ctx)
-}}
{{- range $docs }}
{{- if trim . }}
---
{{ trim . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Non-secret settings of the service process. `env` entries are rendered with tpl and win. */}}
{{- define "common.configData" -}}
{{- $root := .root -}}
{{- $v := .v -}}
{{- $g := $root.Values.global -}}
{{- $data := dict
  "NODE_ENV" $g.nodeEnv
  "LOG_LEVEL" ($v.logLevel | default $g.logLevel)
  "HTTP_PORT" (int $v.httpPort)
  "KAFKA_CLIENT_ID" $root.Chart.Name
  "KAFKA_IDEMPOTENT_PRODUCER" $g.kafka.idempotentProducer
  "OTEL_SERVICE_NAME" $root.Chart.Name
-}}
{{- if $v.grpcPort }}{{ $_ := set $data "GRPC_PORT" (int $v.grpcPort) }}{{ end -}}
{{- if $v.database.enabled }}
{{- $_ := set $data "DATABASE_POOL_MAX" (int $v.databasePoolMax) }}
{{- /* The migration Job migrates before the pods start. */ -}}
{{- $_ := set $data "MIGRATE_ON_START" false }}
{{- end -}}
{{- /* Unset unless configured: the service default suits a real Kafka. */ -}}
{{- if $g.kafka.consumerMaxWaitMs }}{{ $_ := set $data "KAFKA_CONSUMER_MAX_WAIT_MS" (int $g.kafka.consumerMaxWaitMs) }}{{ end -}}
{{- with $g.otel.endpoint }}{{ $_ := set $data "OTEL_EXPORTER_OTLP_ENDPOINT" . }}{{ end -}}
{{- $data = mergeOverwrite $data (fromYaml (include "common.kafka.config" $root)) -}}
{{- range $name, $value := $v.env }}{{ $_ := set $data $name (tpl (toString $value) $root) }}{{ end -}}
{{- range $name, $value := $data }}
{{ $name }}: {{ toString $value | quote }}
{{- end }}
{{- end -}}

{{- define "common.configMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "common.fullname" .root }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
data:
  {{- include "common.configData" . | trim | nindent 2 }}
{{- end -}}

{{- define "common.serviceAccountName" -}}
{{- if .v.serviceAccount.create -}}
{{- .v.serviceAccount.name | default (include "common.fullname" .root) -}}
{{- else -}}
{{- .v.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "common.serviceAccount" -}}
{{- if .v.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "common.serviceAccountName" . }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
  {{- with .v.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
{{- end }}
{{- end -}}

{{/* Hardened container settings shared by the service and its Jobs. */}}
{{- define "common.containerBase" -}}
{{ include "common.image" . | trim }}
securityContext:
  {{- toYaml .v.securityContext | nindent 2 }}
volumeMounts:
  {{- include "common.volumeMounts" . | nindent 2 }}
{{- end -}}

{{- define "common.deployment" -}}
{{- $v := .v -}}
{{- $root := .root -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "common.fullname" $root }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ int $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "common.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "common.labels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # Roll the pods when their settings or chart-made Secrets change.
        checksum/config: {{ include "common.configData" . | sha256sum }}
        checksum/secrets: {{ list (include "common.database.secret" .) $root.Values.global.kafka.sasl.password | toJson | sha256sum }}
        {{- if $v.metrics.scrapeAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $v.httpPort | int | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "common.serviceAccountName" . }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ int $v.terminationGracePeriodSeconds }}
      {{- include "common.podSettings" . | trim | nindent 6 }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- tpl (toYaml .) $root | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ $root.Chart.Name }}
          {{- include "common.containerBase" . | nindent 10 }}
          command: ["node", "services/{{ $root.Chart.Name }}/dist/main.js"]
          ports:
            - name: http
              containerPort: {{ int $v.httpPort }}
              protocol: TCP
            {{- if $v.grpcPort }}
            - name: grpc
              containerPort: {{ int $v.grpcPort }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ include "common.fullname" $root }}
          env:
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            {{- $attributes := list "service.namespace=openretail" (printf "service.version=%s" $root.Chart.AppVersion) "k8s.namespace.name=$(POD_NAMESPACE)" "k8s.pod.name=$(POD_NAME)" }}
            {{- with $root.Values.global.otel.resourceAttributes }}{{ $attributes = append $attributes . }}{{ end }}
            - name: OTEL_RESOURCE_ATTRIBUTES
              value: {{ join "," $attributes | quote }}
            {{- with include "common.database.env" . | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with include "common.kafka.secretEnv" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          # Startup covers boot (connections, migrations check); liveness only asks whether the
          # process is up so a PostgreSQL or Kafka outage never restarts healthy pods;
          # readiness takes a pod out of the Service while its dependencies are unreachable.
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            {{- toYaml $v.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            {{- toYaml $v.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            {{- toYaml $v.probes.readiness | nindent 12 }}
          {{- if $v.preStopSleepSeconds }}
          lifecycle:
            # Keep serving while the endpoint removal propagates to the Service proxies.
            preStop:
              exec:
                command: ["sleep", {{ $v.preStopSleepSeconds | int | quote }}]
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
      volumes:
        {{- include "common.volumes" . | nindent 8 }}
{{- end -}}

{{- define "common.k8sService" -}}
{{- $v := .v -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.fullname" .root }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
  {{- with $v.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $v.service.type }}
  selector:
    {{- include "common.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ int $v.httpPort }}
      targetPort: http
      protocol: TCP
    {{- if $v.grpcPort }}
    - name: grpc
      port: {{ int $v.grpcPort }}
      targetPort: grpc
      protocol: TCP
    {{- end }}
{{- end -}}

{{- define "common.podDisruptionBudget" -}}
{{- if .v.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "common.fullname" .root }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .v.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "common.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{- define "common.horizontalPodAutoscaler" -}}
{{- with .v.autoscaling }}
{{- if .enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "common.fullname" $.root }}
  labels:
    {{- include "common.labels" $ | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "common.fullname" $.root }}
  minReplicas: {{ int .minReplicas }}
  maxReplicas: {{ int .maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ int .targetCPUUtilizationPercentage }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "common.ingress" -}}
{{- with .v.ingress }}
{{- if .enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ include "common.fullname" $.root }}
  labels:
    {{- include "common.labels" $ | nindent 4 }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with .className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with .tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    - host: {{ required (printf "%s.ingress.host is required when ingress.enabled" $.root.Chart.Name) .host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ include "common.fullname" $.root }}
                port:
                  name: http
{{- end }}
{{- end }}
{{- end -}}

{{/* Applies the service's pending migrations before the new release's pods start (services with a
     database only). No service account or ConfigMap: as a pre-install hook it runs before those exist. */}}
{{- define "common.migrationJob" -}}
{{- $m := .root.Values.global.migrations -}}
{{- if and $m.enabled .v.database.enabled }}
{{- $root := .root -}}
{{- $ctx := dict "root" $root "v" .v "component" "migration" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "common.fullname" $root }}-migrate
  labels:
    {{- include "common.labels" $ctx | nindent 4 }}
  annotations:
    {{- include "common.preHook" 0 | nindent 4 }}
spec:
  backoffLimit: {{ int $m.backoffLimit }}
  activeDeadlineSeconds: {{ int $m.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: {{ int $root.Values.global.jobs.ttlSecondsAfterFinished }}
  template:
    metadata:
      labels:
        {{- include "common.labels" $ctx | nindent 8 }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- include "common.podSettings" $ctx | trim | nindent 6 }}
      containers:
        - name: migrate
          {{- include "common.containerBase" $ctx | nindent 10 }}
          command: ["node", "services/{{ $root.Chart.Name }}/dist/migrate.js"]
          env:
            {{- include "common.envList" (dict "NODE_ENV" $root.Values.global.nodeEnv "LOG_LEVEL" (.v.logLevel | default $root.Values.global.logLevel)) | trim | nindent 12 }}
            {{- include "common.database.env" $ctx | trim | nindent 12 }}
          resources:
            {{- toYaml $m.resources | nindent 12 }}
      volumes:
        {{- include "common.volumes" $ctx | nindent 8 }}
{{- end }}
{{- end -}}
