import type { Rsvp } from '@meetup/contracts';
import type { DistributionTables, TableGroup } from './distribution-tables';
import { DISTRIBUTION_TABLES_JSON } from './distribution-tables.generated';

export const EVENTS_PER_GROUP = 4;
const DAY_MS = 86_400_000;

let defaultTables: DistributionTables | undefined;

/** The tables derived from the recorded data, parsed once. */
export function recordedDistributionTables(): DistributionTables {
  defaultTables ??= JSON.parse(DISTRIBUTION_TABLES_JSON) as DistributionTables;
  return defaultTables;
}

/** Turns table rows into stream objects: groups, their events and venues. */
export class TableCatalog {
  constructor(readonly tables: DistributionTables) {}

  group(index: number): TableGroup {
    const group = this.tables.groups[index];
    if (!group) throw new RangeError(`no group ${index}`);
    return group;
  }

  groupObject(index: number): Rsvp['group'] {
    const g = this.group(index);
    return {
      group_topics: g.topics.map((t) => {
        const [urlkey, topic_name] = this.tables.topics[t] ?? ['unknown', 'Unknown'];
        return { urlkey, topic_name };
      }),
      group_city: g.city,
      group_country: g.country,
      group_id: g.id,
      group_name: g.name,
      group_lon: g.lon,
      group_urlname: g.urlname,
      ...(g.state === undefined ? {} : { group_state: g.state }),
      group_lat: g.lat,
    };
  }

  /** Event `slot` of a group: stable ids, names and a date some days after `now`. */
  eventObject(groupIndex: number, slot: number, now: number): Rsvp['event'] {
    const g = this.group(groupIndex);
    const id = 260_000_000 + groupIndex * EVENTS_PER_GROUP + slot;
    const names = this.tables.eventNames;
    const day = Math.floor(now / DAY_MS) + 2 + slot * 3;
    return {
      event_name: names[(g.id + slot * 7919) % names.length] ?? 'Meetup',
      event_id: String(id),
      time: day * DAY_MS + 18 * 3_600_000,
      event_url: `https://www.meetup.com/${g.urlname}/events/${id}/`,
    };
  }

  /** The venue of an event, or undefined for the share of records that have none. */
  venueObject(groupIndex: number, slot: number): Rsvp['venue'] {
    const id = 24_000_000 + groupIndex * EVENTS_PER_GROUP + slot;
    if (unitHash(id, 1) < this.tables.missingVenueRatio) return undefined;
    const g = this.group(groupIndex);
    const names = this.tables.venueNames;
    const atZero = unitHash(id, 2) < this.tables.zeroVenueRatio;
    const offset = ((id % 97) - 48) / 1_000;
    return {
      venue_name: names[id % names.length] ?? 'Venue',
      lon: atZero ? 0 : clamp(round6(g.lon + offset), -180, 180),
      lat: atZero ? 0 : clamp(round6(g.lat - offset / 2), -90, 90),
      venue_id: id,
    };
  }

  /** Groups matching a burst's topic, city and country (each optional). */
  matchingGroups(filter: { topicUrlkey?: string; city?: string; country?: string }): number[] {
    const topic = filter.topicUrlkey
      ? this.tables.topics.findIndex(([urlkey]) => urlkey === filter.topicUrlkey)
      : undefined;
    const city = filter.city?.toLowerCase();
    return this.tables.groups.flatMap((g, index) =>
      (topic === undefined || g.topics.includes(topic)) &&
      (city === undefined || g.city.toLowerCase() === city) &&
      (filter.country === undefined || g.country === filter.country)
        ? [index]
        : [],
    );
  }
}

/** A stable value in [0, 1) for an id, so a given event always has (or lacks) its venue. */
function unitHash(id: number, salt: number): number {
  let h = Math.imul(id ^ (salt * 0x9e3779b9), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
