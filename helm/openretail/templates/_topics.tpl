{{/*
The platform's Kafka topics, read from files/topics.json (generated from the code's topic
registry): [{"name": "...", "partitions": 12, "retentionMs": 604800000}, ...].
Returns the validated list as JSON, names already carrying global.kafka.topicPrefix.
*/}}
{{- define "openretail.topics" -}}
{{- $raw := .Files.Get "files/topics.json" -}}
{{- if not $raw -}}
{{- fail "files/topics.json: missing or empty" -}}
{{- end -}}
{{- $topics := fromJsonArray $raw -}}
{{- if not $topics -}}
{{- fail "files/topics.json: must be a non-empty JSON array of topics" -}}
{{- end -}}
{{- $seen := dict -}}
{{- $out := list -}}
{{- range $i, $t := $topics -}}
{{- $at := printf "files/topics.json[%d]" $i -}}
{{- if not (kindIs "map" $t) -}}
{{- fail (printf "%s: must be an object" $at) -}}
{{- end -}}
{{- if not (and (kindIs "string" $t.name) (regexMatch "^[a-zA-Z0-9._-]+$" ($t.name | default ""))) -}}
{{- fail (printf "%s.name: must be a topic name of letters, digits, '.', '_' or '-'" $at) -}}
{{- end -}}
{{- if hasKey $seen $t.name -}}
{{- fail (printf "%s.name: duplicate topic %q" $at $t.name) -}}
{{- end -}}
{{- $_ := set $seen $t.name true -}}
{{- if not (and (kindIs "float64" $t.partitions) (eq (float64 (int64 $t.partitions)) $t.partitions) (ge (int64 $t.partitions) 1)) -}}
{{- fail (printf "%s.partitions: must be an integer >= 1" $at) -}}
{{- end -}}
{{- $topic := dict "name" (printf "%s%s" ($.Values.global.kafka.topicPrefix | default "") $t.name) "partitions" (int64 $t.partitions) -}}
{{- if hasKey $t "retentionMs" -}}
{{- if not (and (kindIs "float64" $t.retentionMs) (eq (float64 (int64 $t.retentionMs)) $t.retentionMs) (ge (int64 $t.retentionMs) -1)) -}}
{{- fail (printf "%s.retentionMs: must be an integer >= -1" $at) -}}
{{- end -}}
{{- $_ := set $topic "retentionMs" (int64 $t.retentionMs) -}}
{{- end -}}
{{- $out = append $out $topic -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}
