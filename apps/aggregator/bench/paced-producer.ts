import type { Rsvp } from '@meetup/contracts';
import { SyntheticRsvpStream } from '@meetup/rsvp-synthetic';
import type { Producer } from 'kafkajs';
import { producedRecord } from '../test/support/inputs';
import type { ProducedTick } from './delay-stats';

const TICK_MS = 100;
/** Share of each send that are probe records (delays are measured on them). */
const PROBE_SHARE = 0.1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A live stream in which every message is a new RSVP that counts (no resends, changes,
 * reordering or stale ones), with mtime = its produce time: the by-country totals grow by
 * one per message and its trending window is known from its produce time.
 */
export function liveStream(seed: number): SyntheticRsvpStream {
  return new SyntheticRsvpStream({
    seed,
    // Far above the history's ids: the live RSVPs are always new ones.
    firstRsvpId: 9_000_000_000,
    resendRatio: 0,
    changeRatio: 0,
    outOfOrderRatio: 0,
    staleRatio: 0,
  });
}

/**
 * Produces `ratePerSecond` messages a second for `seconds` (or until `until` says so),
 * every 100 ms as many as keep the count on schedule since the start — so a slow send is
 * made up for, and the offered rate is what was asked unless Kafka cannot take it. A tenth
 * of each send are probe records: their group's country is `probeCountry`, one no other
 * record has, so its by-country total counts exactly them, whatever an earlier step left
 * behind.
 */
export async function producePaced(options: {
  producer: Producer;
  topic: string;
  stream: SyntheticRsvpStream;
  ratePerSecond: number;
  seconds: number;
  probeCountry: string;
  until?: () => boolean;
  /** Where the sends are recorded (read while it runs); a new list by default. */
  ticks?: ProducedTick[];
}): Promise<ProducedTick[]> {
  const { producer, topic, stream, ratePerSecond, ticks = [] } = options;
  const started = Date.now();
  let sent = 0;
  for (;;) {
    const now = Date.now();
    const elapsed = now - started;
    if (elapsed >= options.seconds * 1000 || options.until?.() === true) break;
    const count = Math.floor((ratePerSecond * elapsed) / 1000) - sent + 1;
    if (count > 0) {
      const probes = Math.ceil(count * PROBE_SHARE);
      const messages = stream
        .take(count, now)
        .map((rsvp, i) => producedRecord(i < probes ? probeOf(rsvp, options.probeCountry) : rsvp));
      await producer.send({ topic, messages });
      ticks.push({ at: now, count, probes });
      sent += count;
    }
    await sleep(Math.max(0, TICK_MS - (Date.now() - now)));
  }
  return ticks;
}

function probeOf(rsvp: Rsvp, country: string): Rsvp {
  return { ...rsvp, group: { ...rsvp.group, group_country: country } };
}

/** Countries no synthetic record has (uninhabited territories): one per step. */
export const PROBE_COUNTRIES = ['aq', 'bv', 'hm', 'tf', 'um', 'io', 'gs', 'pn', 'nf', 'cc'];

/** Messages per second actually produced over the ticks. */
export function offeredRate(ticks: readonly ProducedTick[], seconds: number): number {
  return ticks.reduce((sum, t) => sum + t.count, 0) / seconds;
}
