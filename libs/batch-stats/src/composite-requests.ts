import { RawFields } from './raw-fields';

/** A composite aggregation source, as Elasticsearch takes it. */
export type CompositeSource = Record<string, Record<string, Record<string, unknown>>>;
export type AfterKey = Record<string, string | number>;

/** One paged composite aggregation: its sources, sub-aggregations and page size. */
export interface CompositeSpec {
  sources: CompositeSource[];
  aggs?: Record<string, unknown>;
  size: number;
}

const terms = (name: string, field: string): CompositeSource => ({ [name]: { terms: { field } } });

/** UTC days by RSVP time (`mtime`); keys are epoch milliseconds of 00:00 UTC. */
const utcDay: CompositeSource = {
  day: { date_histogram: { field: RawFields.mtime, calendar_interval: '1d', time_zone: 'UTC' } },
};

/** The latest RSVP of a bucket (ties broken by rsvp_id), for descriptors that may change over time. */
const latestRsvp = (includes: string[]) => ({
  top_hits: {
    size: 1,
    sort: [{ [RawFields.mtime]: 'desc' }, { [RawFields.rsvpId]: 'desc' }],
    _source: { includes },
  },
});

/**
 * Figures of a bucket. Only `yes` and `no` exist, but both are counted so an
 * unexpected response shows up as responses ≠ yes + no instead of as a `no`.
 */
const figureAggs = {
  yes: {
    filter: { term: { [RawFields.response]: 'yes' } },
    aggs: { guests: { sum: { field: RawFields.guests } } },
  },
  no: { filter: { term: { [RawFields.response]: 'no' } } },
};

/** Per group and UTC day: figures and the day's latest RSVP (for the group's descriptors). */
export function groupDayFiguresSpec(size = 500): CompositeSpec {
  return {
    sources: [terms('group', RawFields.groupId), utcDay],
    aggs: { ...figureAggs, latest: latestRsvp(['group']) },
    size,
  };
}

/**
 * Distinct members per group and day, exactly: one bucket per (group, member,
 * day). Buckets arrive sorted by group, then member, then day, so a member's
 * buckets are contiguous within its group (all-time distinct count) and each
 * bucket is one distinct member of its day.
 */
export function groupMemberDaysSpec(size = 10_000): CompositeSpec {
  return {
    sources: [terms('group', RawFields.groupId), terms('member', RawFields.memberId), utcDay],
    size,
  };
}

/** Distinct events per group and day, exactly, in the same way as members. */
export function groupEventDaysSpec(size = 10_000): CompositeSpec {
  return {
    sources: [terms('group', RawFields.groupId), terms('event', RawFields.eventId), utcDay],
    size,
  };
}

/** Per event: figures, first and last RSVP time, and the latest RSVP (event and group descriptors). */
export function eventFiguresSpec(size = 500): CompositeSpec {
  return {
    sources: [terms('event', RawFields.eventId)],
    aggs: {
      ...figureAggs,
      first: { min: { field: RawFields.mtime } },
      last: { max: { field: RawFields.mtime } },
      latest: latestRsvp(['group', 'event']),
    },
    size,
  };
}

/** The keys touched by a selection of RSVPs: groups or events, one bucket each. */
export function touchedKeysSpec(key: 'group' | 'event', size = 5_000): CompositeSpec {
  return { sources: [terms(key, key === 'group' ? RawFields.groupId : RawFields.eventId)], size };
}
