import type { Rsvp } from '@meetup/contracts';
import { countryInfo } from '@meetup/country-info';

/**
 * The expected contents of meetup_groups and meetup_events, computed straight
 * from the input records (latest mtime per rsvp_id wins, the first seen on a
 * tie, as external versioning does), with none of the job's code.
 */
export interface ReferenceStats {
  groups: Map<string, Record<string, unknown>>;
  events: Map<string, Record<string, unknown>>;
}

export function latestStates(records: Iterable<Rsvp>): Rsvp[] {
  const latest = new Map<number, Rsvp>();
  for (const record of records) {
    const seen = latest.get(record.rsvp_id);
    if (!seen || record.mtime > seen.mtime) latest.set(record.rsvp_id, record);
  }
  return [...latest.values()];
}

const isLater = (a: Rsvp, b: Rsvp | undefined): boolean =>
  !b || a.mtime > b.mtime || (a.mtime === b.mtime && String(a.rsvp_id) > String(b.rsvp_id));

function descriptorsOf(group: Rsvp['group']): Record<string, unknown> {
  const name = countryInfo(group.group_country)?.name;
  return {
    group_id: String(group.group_id),
    group_name: group.group_name,
    group_urlname: group.group_urlname,
    group_city: group.group_city,
    ...(group.group_state !== undefined ? { group_state: group.group_state } : {}),
    group_country: group.group_country,
    ...(name !== undefined ? { group_country_name: name } : {}),
    group_location: { lat: group.group_lat, lon: group.group_lon },
    group_topics: group.group_topics.map((t) => t.urlkey),
  };
}

interface Tally {
  responses: number;
  yes: number;
  no: number;
  guests: number;
  attendees: number;
  members: Set<number>;
  events: Set<string>;
  latest: Rsvp | undefined;
  first: number;
  last: number;
}

const tally = (): Tally => ({
  responses: 0,
  yes: 0,
  no: 0,
  guests: 0,
  attendees: 0,
  members: new Set(),
  events: new Set(),
  latest: undefined,
  first: Infinity,
  last: -Infinity,
});

function count(t: Tally, r: Rsvp): void {
  t.responses += 1;
  if (r.response === 'yes') {
    t.yes += 1;
    t.guests += r.guests;
    t.attendees += r.guests + 1;
  } else {
    t.no += 1;
  }
  t.members.add(r.member.member_id);
  t.events.add(r.event.event_id);
  if (isLater(r, t.latest)) t.latest = r;
  t.first = Math.min(t.first, r.mtime);
  t.last = Math.max(t.last, r.mtime);
}

const figures = (t: Tally) => ({
  responses: t.responses,
  yes: t.yes,
  no: t.no,
  guests: t.guests,
  attendees: t.attendees,
});

export function referenceStats(records: Iterable<Rsvp>): ReferenceStats {
  const days = new Map<string, Tally>();
  const allTime = new Map<string, Tally>();
  const events = new Map<string, Tally>();
  const at = (map: Map<string, Tally>, key: string) => {
    let t = map.get(key);
    if (!t) map.set(key, (t = tally()));
    return t;
  };
  for (const r of latestStates(records)) {
    const day = new Date(r.mtime).toISOString().slice(0, 10);
    count(at(days, `${r.group.group_id}:${day}`), r);
    count(at(allTime, String(r.group.group_id)), r);
    count(at(events, r.event.event_id), r);
  }
  const groups = new Map<string, Record<string, unknown>>();
  for (const [id, t] of days) {
    const [groupId, day] = id.split(':') as [string, string];
    const descriptors = descriptorsOf(allTime.get(groupId)!.latest!.group);
    groups.set(id, {
      ...descriptors,
      scope: 'day',
      day,
      ...figures(t),
      distinct_members: t.members.size,
      distinct_events: t.events.size,
    });
  }
  for (const [groupId, t] of allTime) {
    groups.set(`${groupId}:all`, {
      ...descriptorsOf(t.latest!.group),
      scope: 'all',
      ...figures(t),
      distinct_members: t.members.size,
      distinct_events: t.events.size,
    });
  }
  const eventDocs = new Map<string, Record<string, unknown>>();
  for (const [eventId, t] of events) {
    const latest = t.latest!;
    eventDocs.set(eventId, {
      event_id: eventId,
      event_name: latest.event.event_name,
      ...(latest.event.time !== undefined
        ? { event_time: new Date(latest.event.time).toISOString() }
        : {}),
      ...(latest.event.event_url !== undefined ? { event_url: latest.event.event_url } : {}),
      ...descriptorsOf(latest.group),
      ...figures(t),
      first_rsvp_at: new Date(t.first).toISOString(),
      last_rsvp_at: new Date(t.last).toISOString(),
    });
  }
  return { groups, events: eventDocs };
}
