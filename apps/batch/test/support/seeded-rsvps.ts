import type { Rsvp } from '@meetup/contracts';
import { SeededRandom } from '@meetup/rsvp-synthetic';

/** Small, fast, seeded PRNG (mulberry32): the same seed gives the same data. */
function mulberry32(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}

export interface SeededRsvpOptions {
  seed: number;
  groups: number;
  eventsPerGroup: number;
  members: number;
  /** First RSVP time (epoch ms) and the span of days the RSVPs fall in. */
  startMs: number;
  days: number;
  /** Share of records that change an earlier RSVP (later mtime, other answer or guests). */
  changeRate: number;
}

const COUNTRIES = [
  ['us', 'NY'],
  ['us', 'CA'],
  ['gb', undefined],
  ['de', undefined],
  ['jp', undefined],
  ['fr', undefined],
  ['ca', 'ON'],
  ['in', undefined],
] as const;
const HOUR_MS = 3_600_000;

interface Emitted {
  rsvpId: number;
  group: number;
  event: number;
  member: number;
  mtime: number;
}

/**
 * A seeded stream of valid RSVP records with skewed group popularity and
 * answer changes; the test's own generator, independent of the job's code.
 */
export function* seededRsvps(options: SeededRsvpOptions): Generator<Rsvp> {
  const random = mulberry32(options.seed);
  const pick = (n: number, skew = 1) => Math.min(n - 1, Math.floor(n * random() ** skew));
  const groups = Array.from({ length: options.groups }, (_, g) => groupOf(g, options.seed));
  const emitted: Emitted[] = [];
  let nextRsvpId = options.seed * 10_000_000 + 1;
  for (;;) {
    const change = emitted.length > 0 && random() < options.changeRate;
    const base: Emitted = change
      ? { ...emitted[pick(emitted.length)]! }
      : {
          rsvpId: nextRsvpId++,
          group: pick(options.groups, 2),
          event: pick(options.eventsPerGroup),
          member: pick(options.members, 1.5),
          mtime: options.startMs + Math.floor(random() * options.days * 24 * HOUR_MS),
        };
    // A change comes later: minutes to two days, so it may move to another day.
    if (change) base.mtime += 1 + Math.floor(random() * 48 * HOUR_MS);
    emitted.push(base);
    const yes = random() < 0.8;
    const group = groups[base.group]!;
    yield {
      rsvp_id: base.rsvpId,
      mtime: base.mtime,
      response: yes ? 'yes' : 'no',
      guests: yes && random() < 0.1 ? 1 + pick(3) : 0,
      visibility: 'public',
      event: {
        event_id: `ev${options.seed}x${base.group}x${base.event}`,
        event_name: `Event ${base.event} of ${group.group_name}`,
        event_url: `https://www.meetup.com/${group.group_urlname}/events/${base.event}/`,
        time: options.startMs + (options.days + base.event) * 24 * HOUR_MS,
      },
      group,
      member: { member_id: 1 + base.member, member_name: `member-${base.member}` },
    };
  }
}

function groupOf(g: number, seed: number): Rsvp['group'] {
  const [country, state] = COUNTRIES[g % COUNTRIES.length]!;
  return {
    group_id: seed * 100_000 + g + 1,
    group_name: `Group ${g}`,
    group_city: `City ${g % 17}`,
    group_country: country,
    ...(state !== undefined ? { group_state: state } : {}),
    group_urlname: `group-${seed}-${g}`,
    group_lat: ((g * 7) % 120) - 60 + 0.25,
    group_lon: ((g * 13) % 300) - 150 + 0.5,
    group_topics: [
      { topic_name: `Topic ${g % 11}`, urlkey: `topic-${g % 11}` },
      { topic_name: `Topic ${g % 5}b`, urlkey: `topic-${g % 5}b` },
    ],
  };
}

/** The next `count` records of a stream. */
export function take<T>(stream: Iterator<T>, count: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < count; i++) {
    const next = stream.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}
