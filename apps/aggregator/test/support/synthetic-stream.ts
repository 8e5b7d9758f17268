import { SeededRandom } from '@meetup/rsvp-synthetic';
/** A seeded stream of RSVP records for the aggregator's tests (not the aggregator's code). */

export interface StreamOptions {
  seed: number;
  records: number;
  startMtime: number;
  /** New RSVPs per second of event time. */
  ratePerSecond: number;
  resendShare: number;
  changeShare: number;
  /** Share of new RSVPs sent up to 8 s out of order, and of those sent 3–10 minutes late. */
  reorderShare: number;
  lateShare: number;
  firstRsvpId?: number;
}

export type TestRsvp = Record<string, unknown> & {
  rsvp_id: number;
  mtime: number;
  response: 'yes' | 'no';
  guests: number;
  event: Record<string, unknown> & { event_id: string };
  group: Record<string, unknown> & {
    group_country: string;
    group_topics: { topic_name: string; urlkey: string }[];
  };
};

/** Uniform [0, 1) numbers from a seed (the synthetic library's mulberry32): same seed, same data. */
export function mulberry32(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

const COUNTRIES = [
  ['us', 40.7, -74, 30],
  ['gb', 51.5, -0.1, 15],
  ['de', 52.5, 13.4, 12],
  ['jp', 35.7, 139.7, 10],
  ['in', 12.97, 77.6, 9],
  ['fr', 48.9, 2.35, 8],
  ['ca', 43.7, -79.4, 7],
  ['au', -33.9, 151.2, 5],
  ['br', -23.5, -46.6, 3],
  ['es', 40.4, -3.7, 1],
] as const;
const GLOBAL_TOPICS = [
  'software-dev',
  'new-in-town',
  'socialnetwork',
  'hiking',
  'fitness',
  'startups',
  'photography',
  'language',
  'board-games',
  'yoga',
];

export interface Group {
  id: number;
  country: string;
  lat: number;
  lon: number;
  topics: { topic_name: string; urlkey: string }[];
}

export function makeGroups(random: () => number, count: number): Group[] {
  const total = COUNTRIES.reduce((sum, c) => sum + c[3], 0);
  const groups: Group[] = [];
  for (let i = 0; i < count; i += 1) {
    let pick = random() * total;
    const country = COUNTRIES.find((c) => (pick -= c[3]) < 0) ?? COUNTRIES[0];
    const global = GLOBAL_TOPICS[Math.floor(random() ** 2 * GLOBAL_TOPICS.length)] ?? 'hiking';
    const local = [0, 1].map(() => `${country[0]}-local-${Math.floor(random() ** 1.5 * 5)}`);
    const keys = [...new Set([global, ...local])];
    groups.push({
      id: 1000 + i,
      country: country[0],
      lat: country[1] + random(),
      lon: country[2] + random(),
      topics: keys.map((urlkey) => ({ urlkey, topic_name: `Topic ${urlkey}` })),
    });
  }
  return groups;
}

export function rsvpOf(
  id: number,
  mtime: number,
  response: 'yes' | 'no',
  guests: number,
  group: Group,
  eventNo: number,
  withVenue: boolean,
): TestRsvp {
  return {
    rsvp_id: id,
    mtime,
    response,
    guests,
    visibility: 'public',
    member: { member_id: 50_000 + (id % 9_000), member_name: `member-${id % 9_000}` },
    event: {
      event_id: `ev${group.id}x${eventNo}`,
      event_name: `Event ${eventNo} of ${group.id}`,
      time: mtime + 86_400_000,
    },
    group: {
      group_id: group.id,
      group_name: `Group ${group.id}`,
      group_city: 'City',
      group_country: group.country,
      group_urlname: `group-${group.id}`,
      group_lat: group.lat,
      group_lon: group.lon,
      group_topics: group.topics,
    },
    ...(withVenue ? { venue: { venue_id: group.id, venue_name: 'Hall', lat: 0, lon: 0 } } : {}),
  };
}

/** Records in send order: new RSVPs, resends, answer changes, reordering and late ones. */
export function syntheticStream(options: StreamOptions): TestRsvp[] {
  const random = mulberry32(options.seed);
  const groups = makeGroups(random, 120);
  const out: { sendAt: number; rsvp: TestRsvp }[] = [];
  const latest: TestRsvp[] = [];
  let clock = options.startMtime;
  let nextId = options.firstRsvpId ?? 1_000_000;
  while (out.length < options.records) {
    const roll = random();
    if (latest.length > 10 && roll < options.resendShare + options.changeShare) {
      const index = latest.length - 1 - Math.floor(random() * Math.min(latest.length, 500));
      const prior = latest[index];
      if (!prior) continue;
      const change = roll >= options.resendShare;
      const mtime = change
        ? clock + Math.floor(random() * 3000)
        : Math.ceil((prior.mtime + 1) / 1000) * 1000;
      const next: TestRsvp = change
        ? random() < 0.6
          ? { ...prior, mtime, response: prior.response === 'yes' ? 'no' : 'yes' }
          : { ...prior, mtime, guests: (prior.guests + 1) % 3 }
        : { ...prior, mtime };
      latest[index] = next;
      out.push({ sendAt: Math.max(clock, mtime), rsvp: next });
      continue;
    }
    clock += Math.round(1000 / options.ratePerSecond);
    const group = groups[Math.floor(random() * groups.length)] ?? groups[0];
    if (!group) break;
    const rsvp = rsvpOf(
      nextId++,
      clock,
      random() < 0.8 ? 'yes' : 'no',
      random() < 0.93 ? 0 : 1 + Math.floor(random() * 3),
      group,
      Math.floor(random() * 8),
      random() < 0.8,
    );
    latest.push(rsvp);
    const delay =
      random() < options.lateShare
        ? 180_000 + random() * 420_000
        : random() < options.reorderShare
          ? random() * 8_000
          : 0;
    out.push({ sendAt: clock + delay, rsvp });
  }
  return out
    .map((entry, index) => ({ ...entry, index }))
    .sort((a, b) => a.sendAt - b.sendAt || a.index - b.index)
    .map((entry) => entry.rsvp);
}
