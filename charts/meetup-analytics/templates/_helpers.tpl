{{/* Names, labels and the wiring every workload shares. */}}

{{- define "meetup.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "meetup.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "meetup.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Standard labels; pass (dict "ctx" $ "component" "ingestor"). */}}
{{- define "meetup.labels" -}}
helm.sh/chart: {{ include "meetup.chart" .ctx }}
{{ include "meetup.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: meetup-analytics
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "meetup.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meetup.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end -}}

{{- define "meetup.componentName" -}}
{{- printf "%s-%s" (include "meetup.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "meetup.serviceAccountName" -}}
{{- default (include "meetup.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "meetup.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}

{{/* Engine names: the Strimzi / ECK resources this release creates (or nothing when external). */}}
{{- define "meetup.kafkaCluster" -}}
{{- default (include "meetup.fullname" .) .Values.kafka.strimzi.clusterName -}}
{{- end -}}
{{- define "meetup.esCluster" -}}
{{- default (include "meetup.fullname" .) .Values.elasticsearch.eck.name -}}
{{- end -}}
{{- define "meetup.kibanaName" -}}
{{- default (include "meetup.fullname" .) .Values.kibana.eck.name -}}
{{- end -}}
{{- define "meetup.kafkaUser" -}}
{{- printf "%s-%s" (include "meetup.fullname" .ctx) .app | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- define "meetup.strimziKafka" -}}{{ eq .Values.kafka.mode "strimzi" }}{{- end -}}
{{- define "meetup.eckElasticsearch" -}}{{ eq .Values.elasticsearch.mode "eck" }}{{- end -}}

{{- define "meetup.kafkaBrokers" -}}
{{- if eq .Values.kafka.mode "strimzi" -}}
{{- printf "%s-kafka-bootstrap:%d" (include "meetup.kafkaCluster" .) (ternary 9093 9092 .Values.kafka.strimzi.tls | int) -}}
{{- else -}}
{{- required "kafka.external.brokers is required when kafka.mode=external" .Values.kafka.external.brokers -}}
{{- end -}}
{{- end -}}

{{- define "meetup.kafkaTls" -}}
{{- if eq .Values.kafka.mode "strimzi" -}}{{ .Values.kafka.strimzi.tls }}{{- else -}}{{ .Values.kafka.external.tls }}{{- end -}}
{{- end -}}

{{- define "meetup.esUrl" -}}
{{- if eq .Values.elasticsearch.mode "eck" -}}
{{- printf "https://%s-es-http:9200" (include "meetup.esCluster" .) -}}
{{- else -}}
{{- required "elasticsearch.external.url is required when elasticsearch.mode=external" .Values.elasticsearch.external.url -}}
{{- end -}}
{{- end -}}

{{/* Pod security: restricted Pod Security Standard. */}}
{{- define "meetup.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.securityContext.runAsUser }}
runAsGroup: {{ .Values.securityContext.runAsUser }}
fsGroup: {{ .Values.securityContext.runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "meetup.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Env every service reads: (dict "ctx" $ "app" "ingestor" "kafka" true "es" false) */}}
{{- define "meetup.commonEnv" -}}
{{- $v := .ctx.Values -}}
- name: HTTP_PORT
  value: {{ index $v.ports .app | quote }}
- name: HTTP_HOST
  value: "0.0.0.0"
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
- name: OTEL_SERVICE_NAME
  value: {{ .app | quote }}
{{- with $v.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- if .kafka }}
{{ include "meetup.kafkaEnv" . }}
{{- end }}
{{- if .es }}
{{ include "meetup.esEnv" . }}
{{- end }}
{{- end -}}

{{- define "meetup.kafkaEnv" -}}
{{- $v := .ctx.Values -}}
- name: KAFKA_BROKERS
  value: {{ include "meetup.kafkaBrokers" .ctx | quote }}
- name: KAFKA_CLIENT_ID
  value: {{ .app | quote }}
- name: KAFKA_SSL
  value: {{ include "meetup.kafkaTls" .ctx | quote }}
{{- if eq (include "meetup.kafkaTls" .ctx) "true" }}
- name: KAFKA_CA_FILE
  value: /etc/meetup/kafka-ca/ca.crt
{{- end }}
{{- if eq $v.kafka.mode "strimzi" }}
- name: KAFKA_SASL_USERNAME
  value: {{ include "meetup.kafkaUser" . | quote }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "meetup.kafkaUser" . }}
      key: password
{{- else if $v.kafka.external.sasl.secretName }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $v.kafka.external.sasl.secretName }}
      key: {{ $v.kafka.external.sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.kafka.external.sasl.secretName }}
      key: {{ $v.kafka.external.sasl.passwordKey }}
{{- end }}
{{- end -}}

{{/*
Elasticsearch env: (dict "ctx" $ "app" "aggregator") logs in as the app's own user (ECK; see
_elasticsearch-auth.tpl), (dict "ctx" $ "app" "kibana-import" "esUser" "elastic") as ECK's
superuser. External mode: the one configured user, whatever the app.
*/}}
{{- define "meetup.esEnv" -}}
{{- $v := .ctx.Values -}}
- name: ES_URL
  value: {{ include "meetup.esUrl" .ctx | quote }}
{{ include "meetup.esCredentialsEnv" . | trim }}
{{- if eq $v.elasticsearch.mode "eck" }}
- name: ES_CA_FILE
  value: /etc/meetup/es-ca/ca.crt
{{- else if $v.elasticsearch.external.caSecret.name }}
- name: ES_CA_FILE
  value: /etc/meetup/es-ca/{{ $v.elasticsearch.external.caSecret.key }}
{{- end }}
{{- end -}}

{{- define "meetup.esCredentialsEnv" -}}
{{- $v := .ctx.Values -}}
{{- $user := .esUser | default .app -}}
{{- if eq $v.elasticsearch.mode "eck" }}
{{- if eq $user "elastic" }}
- name: ES_USERNAME
  value: elastic
- name: ES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "meetup.esCluster" .ctx }}-es-elastic-user
      key: elastic
{{- else }}
{{- if not (has $user (include "meetup.esUserApps" .ctx | fromJsonArray)) }}
{{- fail (printf "internal: no Elasticsearch user for %q (enabled users: %s)" $user (include "meetup.esUserApps" .ctx)) }}
{{- end }}
{{- $secret := include "meetup.esUserSecret" (dict "ctx" .ctx "app" $user) }}
- name: ES_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: username
- name: ES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: password
{{- end }}
{{- else }}
{{- with $v.elasticsearch.external.username }}
- name: ES_USERNAME
  value: {{ . | quote }}
{{- end }}
{{- with $v.elasticsearch.external.passwordSecret.name }}
- name: ES_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.elasticsearch.external.passwordSecret.key }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Volumes: /tmp, and the CA bundles the env above points at. */}}
{{- define "meetup.volumes" -}}
{{- $v := .ctx.Values -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- if and .kafka (eq (include "meetup.kafkaTls" .ctx) "true") }}
- name: kafka-ca
  secret:
    {{- if eq $v.kafka.mode "strimzi" }}
    secretName: {{ include "meetup.kafkaCluster" .ctx }}-cluster-ca-cert
    items: [{ key: ca.crt, path: ca.crt }]
    {{- else }}
    secretName: {{ required "kafka.external.caSecret.name is required when kafka.external.tls=true" $v.kafka.external.caSecret.name }}
    items: [{ key: {{ $v.kafka.external.caSecret.key }}, path: ca.crt }]
    {{- end }}
{{- end }}
{{- if and .es (or (eq $v.elasticsearch.mode "eck") $v.elasticsearch.external.caSecret.name) }}
- name: es-ca
  secret:
    {{- if eq $v.elasticsearch.mode "eck" }}
    secretName: {{ include "meetup.esCluster" .ctx }}-es-http-certs-public
    {{- else }}
    secretName: {{ $v.elasticsearch.external.caSecret.name }}
    {{- end }}
{{- end }}
{{- if .rules }}
- name: alert-rules
  configMap:
    name: {{ include "meetup.componentName" (dict "ctx" .ctx "component" "alert-rules") }}
{{- end }}
{{- end -}}

{{- define "meetup.volumeMounts" -}}
{{- $v := .ctx.Values -}}
- name: tmp
  mountPath: /tmp
{{- if and .kafka (eq (include "meetup.kafkaTls" .ctx) "true") }}
- name: kafka-ca
  mountPath: /etc/meetup/kafka-ca
  readOnly: true
{{- end }}
{{- if and .es (or (eq $v.elasticsearch.mode "eck") $v.elasticsearch.external.caSecret.name) }}
- name: es-ca
  mountPath: /etc/meetup/es-ca
  readOnly: true
{{- end }}
{{- if .rules }}
- name: alert-rules
  mountPath: /etc/meetup/alert-rules
  readOnly: true
{{- end }}
{{- end -}}

{{- define "meetup.probes" -}}
startupProbe:
  httpGet: { path: /health/live, port: http }
  periodSeconds: 5
  failureThreshold: 30
livenessProbe:
  httpGet: { path: /health/live, port: http }
  periodSeconds: 10
  failureThreshold: 3
readinessProbe:
  httpGet: { path: /health/ready, port: http }
  periodSeconds: 10
  failureThreshold: 3
{{- end -}}

{{/*
A Kubernetes quantity in bytes, as an integer string: (dict "quantity" q "path" "x.resources.limits.memory").
Plain bytes, a decimal number with a binary (Ki…Ei) or decimal (k/K, M…E) suffix, or an exponent (1e9).
*/}}
{{- define "meetup.quantityBytes" -}}
{{- $q := .quantity -}}
{{- if or (kindIs "float64" $q) (kindIs "int64" $q) (kindIs "int" $q) -}}
{{- $q = toString (int64 $q) -}}
{{- end -}}
{{- $q = toString $q -}}
{{- if not (regexMatch "^[0-9]+(\\.[0-9]+)?([KMGTPE]i|[kKMGTPE]|[eE][0-9]+)?$" $q) -}}
{{- fail (printf "%s: %q is not a Kubernetes memory quantity; write bytes or a number with a suffix Ki, Mi, Gi, Ti, K, M, G, T (e.g. 512Mi, 1Gi): the Node heap cap (NODE_OPTIONS=--max-old-space-size) is computed from it" .path $q) -}}
{{- end -}}
{{- $number := regexFind "^[0-9]+(\\.[0-9]+)?" $q -}}
{{- $suffix := trimPrefix $number $q -}}
{{- $multipliers := dict "" 1 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "Ei" 1152921504606846976 "k" 1000 "K" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 "P" 1000000000000000 "E" 1000000000000000000 -}}
{{- $multiplier := 1.0 -}}
{{- if hasKey $multipliers $suffix -}}
{{- $multiplier = float64 (get $multipliers $suffix) -}}
{{- else -}}
{{- range until (int (substr 1 -1 $suffix)) }}{{ $multiplier = mulf $multiplier 10 }}{{ end -}}
{{- end -}}
{{- printf "%d" (int64 (floor (mulf (float64 $number) $multiplier))) -}}
{{- end -}}

{{/*
NODE_OPTIONS with a V8 heap cap from the component's memory limit: (dict "ctx" $ "component" "aggregator").
V8's default old-space limit comes from the memory V8 detects, not from this limit; with the cap
V8 collects garbage before the container reaches its limit, leaving the rest for the young
generation, code and buffers. Nothing when the component's env sets NODE_OPTIONS itself, or
there is no memory limit and no nodeHeap.maxOldSpaceMiB. A bad limit fails either way.
*/}}
{{- define "meetup.nodeHeapEnv" -}}
{{- $v := .ctx.Values -}}
{{- $c := index $v .component -}}
{{- $heap := $c.nodeHeap | default dict -}}
{{- $percent := $heap.percent | default $v.nodeHeap.percent -}}
{{- $userSet := false -}}
{{- range $c.env }}{{ if eq .name "NODE_OPTIONS" }}{{ $userSet = true }}{{ end }}{{ end -}}
{{- $limit := dig "limits" "memory" "" ($c.resources | default dict) -}}
{{- $bytes := 0 -}}
{{- with $limit -}}
{{- $bytes = include "meetup.quantityBytes" (dict "quantity" . "path" (printf "%s.resources.limits.memory" $.component)) | int64 -}}
{{- end -}}
{{- $mib := 0 -}}
{{- if $userSet -}}
{{- /* the user's NODE_OPTIONS wins: a second entry of the same name would shadow or conflict */ -}}
{{- else if $heap.maxOldSpaceMiB -}}
{{- $mib = int64 $heap.maxOldSpaceMiB -}}
{{- else if $bytes -}}
{{- $mib = div (mul $bytes $percent) (mul 100 1048576) -}}
{{- if lt $mib 1 -}}
{{- fail (printf "%s.resources.limits.memory (%v) at %v%% leaves no Node heap; raise the limit or set %s.nodeHeap.maxOldSpaceMiB" .component $limit $percent .component) -}}
{{- end -}}
{{- end -}}
{{- if gt $mib 0 -}}
- name: NODE_OPTIONS
  value: {{ printf "--max-old-space-size=%d" $mib | quote }}
{{- end -}}
{{- end -}}

{{/* The container of a long-running service: (dict "ctx" $ "app" "x" "kafka" bool "es" bool "extraEnv" list) */}}
{{- define "meetup.serviceContainer" -}}
{{- $v := .ctx.Values -}}
{{- $app := index $v .app -}}
- name: {{ .app }}
  image: {{ include "meetup.image" .ctx }}
  imagePullPolicy: {{ $v.image.pullPolicy }}
  args: ["apps/{{ .app }}/dist/main.js"{{ range $app.args }}, {{ . | quote }}{{ end }}]
  ports:
    - name: http
      containerPort: {{ index $v.ports .app }}
      protocol: TCP
    {{- with .streamPort }}
    - name: stream
      containerPort: {{ . }}
      protocol: TCP
    {{- end }}
  env:
    {{- include "meetup.commonEnv" . | nindent 4 }}
    {{- with include "meetup.nodeHeapEnv" (dict "ctx" .ctx "component" .app) }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- with .extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with $app.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- include "meetup.probes" . | nindent 2 }}
  resources:
    {{- toYaml $app.resources | nindent 4 }}
  securityContext:
    {{- include "meetup.containerSecurityContext" .ctx | nindent 4 }}
  volumeMounts:
    {{- include "meetup.volumeMounts" . | nindent 4 }}
{{- end -}}

{{/* Pod spec fields shared by every pod of the release. */}}
{{- define "meetup.podCommon" -}}
serviceAccountName: {{ include "meetup.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- include "meetup.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
topologySpreadConstraints items when topologySpread.enabled (else nothing): one per topology
key, ScheduleAnyway, over the pods matchLabels selects. (dict "ctx" $ "matchLabels" dict
"matchLabelKeys" list) — matchLabelKeys [pod-template-hash] counts a Deployment's new
ReplicaSet on its own during a rollout.
*/}}
{{- define "meetup.topologySpread" -}}
{{- $t := .ctx.Values.topologySpread -}}
{{- if $t.enabled -}}
{{- range $t.topologyKeys }}
- maxSkew: {{ $t.maxSkew }}
  topologyKey: {{ . }}
  whenUnsatisfiable: ScheduleAnyway
  labelSelector:
    matchLabels:
      {{- toYaml $.matchLabels | nindent 6 }}
  {{- with $.matchLabelKeys }}
  matchLabelKeys: {{ toJson . }}
  {{- end }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* The pod spec's topologySpreadConstraints of a service: (dict "ctx" $ "component" "aggregator" "deployment" true) */}}
{{- define "meetup.serviceTopologySpread" -}}
{{- $labels := include "meetup.selectorLabels" (dict "ctx" .ctx "component" .component) | fromYaml -}}
{{- with include "meetup.topologySpread" (dict "ctx" .ctx "matchLabels" $labels "matchLabelKeys" (ternary (list "pod-template-hash") list .deployment)) -}}
topologySpreadConstraints:
  {{- . | nindent 2 }}
{{- end -}}
{{- end -}}

{{/*
A generated credential (base64) that must never change once created: (dict "ctx" $ "secret"
name "key" "password" "length" 32). The stored value when `lookup` finds the Secret (helm
install/upgrade see the cluster), else a new random one — which is only right where the
Secret does not exist yet. An offline render (`helm template`) sees no cluster and generates
anew each time: see generateSecrets.
*/}}
{{- define "meetup.generatedValue" -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace .secret | default dict -}}
{{- dig "data" .key "" $existing | default (randAlphaNum (int .length) | b64enc) -}}
{{- end -}}
