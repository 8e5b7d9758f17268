import { HostileCategories, hostileInputs, type HostileInput } from '@meetup/hostile-rsvps';
import { SeededRandom } from '@meetup/rsvp-synthetic';
import {
  syntheticStream,
  type TestRsvp,
} from '../../../../apps/aggregator/test/support/synthetic-stream';

/** Event time of the first record: fixed, so a seed replays the same bytes. */
const START_MTIME = Date.UTC(2024, 4, 1, 12);
/** New RSVPs per second of event time, calm and in a burst. */
const CALM_RATE = 40;
const BURST_RATE = 400;
/** Records per segment of the stream; a seeded share of the segments are bursts. */
const SEGMENT = 2_500;
const BURST_SHARE = 0.3;

export interface TortureInput {
  /** What the simulator replays, one line per message, in send order. */
  lines: Buffer[];
  /** The valid records among them. */
  valid: TestRsvp[];
  /** The hostile lines among them (each must reach the DLQ with its category's reason). */
  hostileAtSource: HostileInput[];
  /** Produced straight into the RSVP topic mid-run: hostile records and records past the lateness. */
  straightIn: { hostile: HostileInput[]; late: TestRsvp[] };
  /** Event time the stream spans, for the replay speed. */
  spanMs: number;
}

/**
 * The torture's input: seeded synthetic RSVPs (resends, answer changes, up to 8 s of reordering)
 * in calm and burst segments, with hostile lines mixed in at the source, and a batch of hostile
 * and late records for the topic itself. Records sent minutes late are only in the topic batch:
 * at the source, a resume by `since_mtime` (less a margin of 10 s) cannot ask for them again,
 * which is the stream protocol's limit, not a loss the services could avoid.
 */
export function tortureInput(seed: number, records: number, hostileShare = 0.01): TortureInput {
  const random = new SeededRandom(seed);
  const valid: TestRsvp[] = [];
  let startMtime = START_MTIME;
  let firstRsvpId = 1_000_000;
  for (let segment = 0; valid.length < records; segment += 1) {
    const count = Math.min(SEGMENT, records - valid.length);
    const part = syntheticStream({
      seed: seed * 1_000 + segment,
      records: count,
      startMtime,
      firstRsvpId,
      ratePerSecond: random.chance(BURST_SHARE) ? BURST_RATE : CALM_RATE,
      resendShare: 0.12,
      changeShare: 0.06,
      reorderShare: 0.15,
      lateShare: 0,
    });
    valid.push(...part);
    startMtime = part.reduce((max, r) => Math.max(max, r.mtime), 0) + 1_000;
    firstRsvpId += count;
  }
  const templates = valid.slice(0, 200).map((r) => JSON.stringify(r));
  const hostileCount = Math.round(records * hostileShare);
  const hostileAtSource = hostileInputs({
    seed,
    count: hostileCount,
    templates,
    lineDelimited: true,
  });
  const lines: Buffer[] = [];
  let next = 0;
  for (const record of valid) {
    lines.push(Buffer.from(JSON.stringify(record)));
    if (next < hostileAtSource.length && random.chance(hostileShare)) {
      lines.push(hostileAtSource[next]!.bytes);
      next += 1;
    }
  }
  for (; next < hostileAtSource.length; next += 1) lines.push(hostileAtSource[next]!.bytes);

  // (reduce: a spread of 300,000 arguments overflows the stack)
  const newest = valid.reduce((max, r) => Math.max(max, r.mtime), 0);
  const oldest = valid.reduce((min, r) => Math.min(min, r.mtime), Infinity);
  return {
    lines,
    valid,
    hostileAtSource,
    straightIn: {
      hostile: hostileInputs({ seed: seed + 1, count: Math.max(14, hostileCount), templates }),
      late: lateRecords(random, valid, newest),
    },
    spanMs: newest - oldest,
  };
}

/** Answer changes far behind the stream (an hour): late for every window, still in the raw index. */
function lateRecords(random: SeededRandom, valid: readonly TestRsvp[], newest: number): TestRsvp[] {
  return Array.from({ length: 50 }, () => {
    const prior = valid[random.int(valid.length)]!;
    return {
      ...prior,
      rsvp_id: prior.rsvp_id + 500_000_000,
      mtime: newest - 3_600_000 + random.int(60_000),
      response: prior.response === 'yes' ? 'no' : 'yes',
    };
  });
}

/** The reason code the contract gives each hostile input, by its bytes. */
export function expectedReasons(inputs: readonly HostileInput[]): Map<string, string> {
  return new Map(inputs.map((h) => [h.bytes.toString('base64'), HostileCategories[h.category]]));
}
