/**
 * Distributions of the synthetic generator, derived once from the recorded
 * Meetup data (../shared/data) by `deriveDistributionTables`, and committed
 * as `distribution-tables.generated.ts`.
 */
export interface TableGroup {
  id: number;
  name: string;
  city: string;
  country: string;
  state?: string;
  urlname: string;
  lat: number;
  lon: number;
  /** Indices into `DistributionTables.topics`, 5–15 per group. */
  topics: number[];
  /** Relative weight: how many recorded RSVPs the group had. */
  weight: number;
}

export interface DistributionTables {
  /** `[urlkey, topic_name]`. */
  topics: [string, string][];
  groups: TableGroup[];
  eventNames: string[];
  venueNames: string[];
  /** Share of `yes` answers. */
  yesRatio: number;
  /** `[guests, weight]` pairs. */
  guests: [number, number][];
  /** Share of records without a venue. */
  missingVenueRatio: number;
  /** Share of venues at lat/lon 0,0. */
  zeroVenueRatio: number;
}

interface RecordedRsvp {
  response: string;
  guests: number;
  venue?: { venue_name?: string; lat: number; lon: number };
  event: { event_name: string };
  group: {
    group_id: number;
    group_name: string;
    group_city: string;
    group_country: string;
    group_state?: string;
    group_urlname: string;
    group_lat: number;
    group_lon: number;
    group_topics: { urlkey: string; topic_name: string }[];
  };
}

const MIN_TOPICS = 5;
const MAX_TOPICS = 15;
const MAX_NAMES = 300;
// Keeps the committed table small: every city once, then the busiest groups.
const MAX_GROUPS = 700;

interface WeightedGroup {
  group: RecordedRsvp['group'];
  weight: number;
}

function representativeGroups(all: WeightedGroup[]): WeightedGroup[] {
  const candidates = all
    .filter(({ group }) => group.group_topics.length >= MIN_TOPICS)
    .sort((a, b) => b.weight - a.weight || a.group.group_id - b.group.group_id);
  const cities = new Set<string>();
  const kept = new Set<WeightedGroup>();
  for (const candidate of candidates) {
    const city = `${candidate.group.group_country}/${candidate.group.group_city}`;
    if (cities.has(city)) continue;
    cities.add(city);
    kept.add(candidate);
  }
  for (const candidate of candidates) {
    if (kept.size >= MAX_GROUPS) break;
    kept.add(candidate);
  }
  return [...kept].sort((a, b) => a.group.group_id - b.group.group_id);
}

/** Derives the generator's tables from recorded stream lines (one JSON record each). */
export function deriveDistributionTables(lines: readonly string[]): DistributionTables {
  const records = lines.map((line) => JSON.parse(line) as RecordedRsvp);
  const topicCount = new Map<string, { name: string; count: number }>();
  const groups = new Map<number, { group: RecordedRsvp['group']; weight: number }>();
  for (const record of records) {
    const seen = groups.get(record.group.group_id);
    if (seen) seen.weight += 1;
    else groups.set(record.group.group_id, { group: record.group, weight: 1 });
  }
  for (const { group } of groups.values()) {
    for (const topic of group.group_topics) {
      const entry = topicCount.get(topic.urlkey) ?? { name: topic.topic_name, count: 0 };
      entry.count += 1;
      topicCount.set(topic.urlkey, entry);
    }
  }
  const popularity = (urlkey: string): number => topicCount.get(urlkey)?.count ?? 0;
  const kept = representativeGroups([...groups.values()]);
  const topicIndex = new Map<string, number>();
  const topics: [string, string][] = [];
  const tableGroups = kept.map(({ group, weight }): TableGroup => {
    const chosen = [...group.group_topics]
      .sort(
        (a, b) => popularity(b.urlkey) - popularity(a.urlkey) || a.urlkey.localeCompare(b.urlkey),
      )
      .slice(0, MAX_TOPICS);
    const indices = chosen.map((topic) => {
      let index = topicIndex.get(topic.urlkey);
      if (index === undefined) {
        index = topics.length;
        topicIndex.set(topic.urlkey, index);
        topics.push([topic.urlkey, topic.topic_name]);
      }
      return index;
    });
    return {
      id: group.group_id,
      name: group.group_name,
      city: group.group_city,
      country: group.group_country,
      ...(group.group_state === undefined ? {} : { state: group.group_state }),
      urlname: group.group_urlname,
      lat: group.group_lat,
      lon: group.group_lon,
      topics: indices,
      weight,
    };
  });
  const guests = new Map<number, number>();
  for (const record of records) guests.set(record.guests, (guests.get(record.guests) ?? 0) + 1);
  const venues = records.flatMap((record) => (record.venue ? [record.venue] : []));
  return {
    topics,
    groups: tableGroups,
    eventNames: distinctSorted(records.map((r) => r.event.event_name)),
    venueNames: distinctSorted(venues.flatMap((v) => (v.venue_name ? [v.venue_name] : []))),
    yesRatio: round(records.filter((r) => r.response === 'yes').length / records.length),
    guests: [...guests.entries()].sort((a, b) => a[0] - b[0]),
    missingVenueRatio: round(1 - venues.length / records.length),
    zeroVenueRatio: round(venues.filter((v) => v.lat === 0 && v.lon === 0).length / venues.length),
  };
}

function distinctSorted(values: string[]): string[] {
  return [...new Set(values)].sort().slice(0, MAX_NAMES);
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
