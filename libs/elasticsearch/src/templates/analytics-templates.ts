import { IndexAliases, type IndexAlias } from '@meetup/contracts';
import { HOUR_MS } from '../time-partitions';
import { field, groupDescriptorFields } from './field-types';
import type { IndexSpec } from './index-spec';

const rsvps: IndexSpec = {
  alias: IndexAliases.rsvps,
  version: 1,
  mappings: {
    // Unknown stream fields stay in _source without growing the mapping.
    dynamic: false,
    properties: {
      rsvp_id: field.id(),
      mtime: field.time(),
      indexed_at: field.time(),
      response: field.code(),
      guests: field.integer(),
      attendees: field.integer(),
      visibility: field.code(),
      event: {
        properties: {
          event_id: field.id(),
          event_name: field.text(),
          event_url: field.keyword(),
          time: field.time(),
        },
      },
      group: {
        properties: {
          ...groupDescriptorFields(),
          group_lat: field.float(),
          group_lon: field.float(),
          group_topics: {
            properties: { topic_name: field.keyword(), urlkey: field.id() },
          },
          topic_names: field.keyword(),
          topic_urlkeys: field.keyword(),
        },
      },
      member: { properties: { member_id: field.id(), member_name: field.keyword() } },
      venue: {
        properties: {
          venue_id: field.id(),
          venue_name: field.text(),
          lat: field.float(),
          lon: field.float(),
          location: field.location(),
        },
      },
    },
  },
};

const countryKey = {
  country: field.code(),
  country_name: field.keyword(),
  continent: field.code(),
  location: field.location(),
};

const rsvpByCountry: IndexSpec = {
  alias: IndexAliases.rsvpByCountry,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      bucket_start: field.time(),
      bucket_end: field.time(),
      ...countryKey,
      response: field.code(),
      responses: field.count(),
      guests: field.count(),
      attendees: field.count(),
      final: field.bool(),
      updated_at: field.time(),
    },
  },
};

const trendingFields = {
  window_start: field.time(),
  window_end: field.time(),
  topic_urlkey: field.id(),
  topic_name: field.keyword(),
  count: field.count(),
  score: field.float(),
  baseline_mean: field.float(),
  baseline_stddev: field.float(),
  ratio: field.float(),
  rank: field.integer(),
  final: field.bool(),
  updated_at: field.time(),
};

const globalTrending: IndexSpec = {
  alias: IndexAliases.globalTrendingTopics,
  version: 1,
  mappings: { dynamic: 'strict', properties: trendingFields },
};

const countryTrending: IndexSpec = {
  alias: IndexAliases.countryTrendingTopics,
  version: 1,
  mappings: { dynamic: 'strict', properties: { ...trendingFields, ...countryKey } },
};

const rsvpFigures = {
  responses: field.count(),
  yes: field.count(),
  no: field.count(),
  guests: field.count(),
  attendees: field.count(),
};

const groups: IndexSpec = {
  alias: IndexAliases.groups,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      ...groupDescriptorFields(),
      scope: field.code(),
      day: field.time(),
      ...rsvpFigures,
      distinct_members: field.count(),
      distinct_events: field.count(),
      computed_at: field.time(),
    },
  },
};

const events: IndexSpec = {
  alias: IndexAliases.events,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      event_id: field.id(),
      event_name: field.text(),
      event_time: field.time(),
      event_url: field.keyword(),
      ...groupDescriptorFields(),
      ...rsvpFigures,
      first_rsvp_at: field.time(),
      last_rsvp_at: field.time(),
      computed_at: field.time(),
    },
  },
};

const alertRules: IndexSpec = {
  alias: IndexAliases.alertRules,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      rule_id: field.id(),
      name: field.text(),
      type: field.code(),
      enabled: field.bool(),
      origin: field.code(),
      definition: field.opaque(),
      created_at: field.time(),
      updated_at: field.time(),
    },
  },
};

const alertHistory: IndexSpec = {
  alias: IndexAliases.alertHistory,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      '@timestamp': field.time(),
      kind: field.code(),
      rule_id: field.id(),
      group: field.keyword(),
      state_before: field.code(),
      state_after: field.code(),
      condition_met: field.bool(),
      values: field.opaque(),
      input_summary: field.opaque(),
      action_id: field.id(),
      idempotency_key: field.id(),
      outcome: field.code(),
      attempts: field.integer(),
      latency_ms: field.count(),
      error: field.keyword(),
      replica: field.id(),
    },
  },
};

/** The batch job's lock (`_id` lock) and checkpoint (`_id` checkpoint). */
const batchState: IndexSpec = {
  alias: IndexAliases.batchState,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      kind: field.code(),
      owner: field.id(),
      mode: field.code(),
      acquired_at: field.time(),
      expires_at: field.time(),
      indexed_before: field.time(),
      completed_at: field.time(),
    },
  },
};

/** One document per rule: the lifecycle state of each of its alert groups (read and written with if_seq_no). */
const alertState: IndexSpec = {
  alias: IndexAliases.alertState,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      rule_id: field.id(),
      groups: field.opaque(),
      snoozed_until: field.time(),
      updated_at: field.time(),
      replica: field.id(),
    },
  },
};

/** One document per notification, id = its idempotency key, written before it is sent. */
const alertOutbox: IndexSpec = {
  alias: IndexAliases.alertOutbox,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      rule_id: field.id(),
      group: field.keyword(),
      kind: field.code(),
      action_id: field.id(),
      status: field.code(),
      rounds: field.integer(),
      view: field.opaque(),
      created_at: field.time(),
      sent_at: field.time(),
      replica: field.id(),
    },
  },
};

/** One document per rule: which replica evaluates it, until when, and when it last ran. */
const alertLeases: IndexSpec = {
  alias: IndexAliases.alertLeases,
  version: 1,
  mappings: {
    dynamic: 'strict',
    properties: {
      rule_id: field.id(),
      owner: field.id(),
      expires_at: field.time(),
      last_run_at: field.time(),
    },
  },
};

/**
 * A partition's share of the aggregates: by-country counts of one bucket (`kind` bucket) or
 * topic counts of one pane (`kind` pane), as of the partition's `offset` (also the external
 * version). `counts` stays unmapped in _source; the combine step reads documents by time.
 */
const rsvpPartials: IndexSpec = {
  alias: IndexAliases.rsvpPartials,
  version: 1,
  timePartitions: { sizeMs: HOUR_MS },
  mappings: {
    dynamic: 'strict',
    properties: {
      partition: field.integer(),
      kind: field.code(),
      start: field.time(),
      offset: field.count(),
      final: field.bool(),
      /** Counted messages it holds. */
      messages: field.count(),
      /** Event time of the oldest and the newest counted message it holds. */
      first_mtime: field.time(),
      last_mtime: field.time(),
      counts: field.opaque(),
    },
  },
};

/** Aggregator recovery points; the dedup state text stays unmapped in _source. */
const aggregatorState: IndexSpec = {
  alias: IndexAliases.aggregatorState,
  version: 1,
  mappings: {
    dynamic: false,
    properties: {
      kind: field.code(),
      group: field.id(),
      topic: field.id(),
      partition: field.integer(),
      offset: field.count(),
      watermark: field.count(),
      updated_at: field.time(),
    },
  },
};

/** Every index of the system, in the order the bootstrap creates them. */
export const analyticsIndexSpecs: readonly IndexSpec[] = [
  rsvps,
  rsvpByCountry,
  globalTrending,
  countryTrending,
  groups,
  events,
  alertRules,
  alertHistory,
  alertState,
  alertOutbox,
  alertLeases,
  batchState,
  // The partials' template before the aggregator's state alias: the aggregator waits for
  // the alias, which so stands for the template too (it may not read templates itself).
  rsvpPartials,
  aggregatorState,
];

/** The spec of one alias of the system. */
export function indexSpecOf(alias: IndexAlias): IndexSpec {
  const spec = analyticsIndexSpecs.find((s) => s.alias === alias);
  if (spec === undefined) throw new Error(`no index spec for "${alias}"`);
  return spec;
}
