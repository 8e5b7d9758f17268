/**
 * Elasticsearch names. Each name is an alias over a versioned index
 * (`<alias>-v<version>`) created from an index template, so a mapping change
 * is a reindex behind the alias, never a delete — except the partials, whose name is a
 * family of time partitions (`<name>-p<UTC hour>`).
 */
export const IndexAliases = {
  rsvps: 'meetup_rsvps',
  rsvpByCountry: 'meetup_rsvp_by_country',
  globalTrendingTopics: 'meetup_global_trending_topics',
  countryTrendingTopics: 'meetup_country_trending_topics',
  groups: 'meetup_groups',
  events: 'meetup_events',
  alertRules: 'meetup_alert_rules',
  alertHistory: 'meetup_alert_history',
  /** Alerting internals: per-rule alert state, notification outbox, evaluation leases. */
  alertState: 'meetup_alert_state',
  alertOutbox: 'meetup_alert_outbox',
  alertLeases: 'meetup_alert_leases',
  /** The batch job's lock and checkpoint. */
  batchState: 'meetup_batch_state',
  /**
   * Internal to the aggregator: each partition's share of the by-country buckets and the
   * topic panes (one document per partition and bucket or pane, rewritten as it grows), in
   * hourly partitions of event time that are dropped whole; read as `<name>-p*`.
   */
  rsvpPartials: 'meetup_rsvp_partials',
  /** Internal to the aggregator: per-partition snapshots (offset, watermark, dedup state). */
  aggregatorState: 'meetup_aggregator_state',
} as const;

export type IndexAlias = (typeof IndexAliases)[keyof typeof IndexAliases];
