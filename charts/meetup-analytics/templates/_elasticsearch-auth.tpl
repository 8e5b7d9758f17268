{{/*
Elasticsearch users and roles of the apps (elasticsearch.mode=eck). Each app logs in as its
own file-realm user `meetup-<app>` (Secret `<fullname>-es-<app>-user`: username, password,
roles) holding one role `meetup_<app>`; the roles are in Secret `<fullname>-es-roles`
(`roles.yml`), both referenced by the Elasticsearch's spec.auth (eck.yaml). External mode
keeps the one configured user.

The table: what each app's code calls, and nothing else. Index names are written without
index.prefix (added when rendered); a name without `*` is an alias and also covers its
versioned indices `<alias>-*` (`-v<n>` from the bootstrap, `-v<n>-<stamp>` from a batch
rebuild). Every role has cluster `monitor`: the readiness check reads the cluster health.
*/}}
{{- define "meetup.esRoleTable" -}}
# The bootstrap (libs/elasticsearch IndexBootstrapper): puts every index template; creates the
# versioned indices and moves the aliases; puts the activity partitions' mapping; on a mapping
# version change copies the documents (scroll + bulk) into the new index.
bootstrap:
  cluster: [monitor, manage_index_templates]
  indices:
    - { names: ['meetup_*'], privileges: [manage, read, write] }
# The aggregator: writes (bulk, external versions) and reads its raw index, live aggregates and
# state (snapshots, stage progress; get, mget, search); checks at start that they exist
# (resolve). Partials partitions are created by its writes (from the bootstrap's template),
# refreshed before each combine cycle, searched, resolved and dropped whole by retention.
aggregator:
  cluster: [monitor]
  indices:
    - { names: [meetup_rsvps, meetup_rsvp_by_country, meetup_global_trending_topics, meetup_country_trending_topics, meetup_aggregator_state], privileges: [read, write, view_index_metadata] }
    - { names: ['meetup_rsvp_partials-p*'], privileges: [read, write, auto_configure, maintenance, delete_index, view_index_metadata] }
# The batch: refreshes and reads the raw index (point in time, composite aggregations);
# rebuilds meetup_groups / meetup_events into new versioned indices (create, settings,
# refresh, alias swap, delete the old ones) or updates them in place (bulk index/delete,
# scroll); its lock and checkpoint documents are in meetup_batch_state.
batch:
  cluster: [monitor]
  indices:
    - { names: [meetup_rsvps], privileges: [read, view_index_metadata, maintenance] }
    - { names: [meetup_groups, meetup_events], privileges: [manage, read, write] }
    - { names: [meetup_batch_state], privileges: [read, write, view_index_metadata] }
# Alerting: its rules, history, alert state, notification outbox and evaluation leases are its
# own (get, search, index, delete, bulk); rules query any analytics index (searches only).
alerting:
  cluster: [monitor]
  indices:
    - { names: [meetup_alert_rules, meetup_alert_history, meetup_alert_state, meetup_alert_outbox, meetup_alert_leases], privileges: [read, write, view_index_metadata] }
    - { names: [meetup_rsvps, meetup_rsvp_by_country, meetup_global_trending_topics, meetup_country_trending_topics, meetup_groups, meetup_events], privileges: [read, view_index_metadata] }
# The console: searches the live aggregates and the batch indices, the alert rules and states
# and the batch's checkpoint (search, get, count; resolve at start). It writes nothing.
console:
  cluster: [monitor]
  indices:
    - { names: [meetup_rsvp_by_country, meetup_global_trending_topics, meetup_country_trending_topics, meetup_groups, meetup_events, meetup_alert_rules, meetup_alert_state, meetup_batch_state], privileges: [read, view_index_metadata] }
# `helm test`: counts the documents of the live indices.
tests:
  cluster: [monitor]
  indices:
    - { names: [meetup_rsvps, meetup_rsvp_by_country, meetup_global_trending_topics], privileges: [read] }
{{- end -}}

{{/* The apps that get an Elasticsearch user in this release (the enabled ones), as a JSON list. */}}
{{- define "meetup.esUserApps" -}}
{{- $apps := list -}}
{{- range $app := list "bootstrap" "aggregator" "batch" "alerting" "console" "tests" -}}
{{- if (index $.Values $app).enabled }}{{ $apps = append $apps $app }}{{ end -}}
{{- end -}}
{{- toJson $apps -}}
{{- end -}}

{{- define "meetup.esUsername" -}}meetup-{{ . }}{{- end -}}
{{- define "meetup.esRoleName" -}}meetup_{{ . }}{{- end -}}
{{- define "meetup.esRolesSecret" -}}
{{- printf "%s-es-roles" (include "meetup.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{/* (dict "ctx" $ "app" "aggregator") */}}
{{- define "meetup.esUserSecret" -}}
{{- printf "%s-es-%s-user" (include "meetup.fullname" .ctx) .app | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* roles.yml: the table's rows of the apps with a user, names prefixed and aliases widened. */}}
{{- define "meetup.esRoles" -}}
{{- $prefix := .Values.index.prefix -}}
{{- $table := include "meetup.esRoleTable" . | fromYaml -}}
{{- $roles := dict -}}
{{- range $app := include "meetup.esUserApps" . | fromJsonArray -}}
{{- $row := index $table $app -}}
{{- $indices := list -}}
{{- range $row.indices -}}
{{- $names := list -}}
{{- range .names -}}
{{- $names = append $names (printf "%s%s" $prefix .) -}}
{{- if not (contains "*" .) }}{{ $names = append $names (printf "%s%s-*" $prefix .) }}{{ end -}}
{{- end -}}
{{- $indices = append $indices (dict "names" $names "privileges" .privileges) -}}
{{- end -}}
{{- $_ := set $roles (include "meetup.esRoleName" $app) (dict "cluster" $row.cluster "indices" $indices) -}}
{{- end -}}
{{- toYaml $roles -}}
{{- end -}}
