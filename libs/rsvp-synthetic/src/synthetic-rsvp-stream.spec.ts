import { RsvpValidator, type Rsvp } from '@meetup/contracts';
import { SyntheticRsvpStream } from './synthetic-rsvp-stream';

const validator = new RsvpValidator();
const START = Date.UTC(2024, 0, 1);

function share(rsvps: Rsvp[], predicate: (rsvp: Rsvp) => boolean): number {
  return rsvps.filter(predicate).length / rsvps.length;
}

describe('SyntheticRsvpStream', () => {
  const rsvps = new SyntheticRsvpStream({ seed: 7, startMtime: START, ratePerSecond: 100 }).take(
    20_000,
  );

  it('produces the same stream for the same seed and a different one for another seed', () => {
    const again = new SyntheticRsvpStream({ seed: 7, startMtime: START, ratePerSecond: 100 });
    expect(again.take(500)).toEqual(rsvps.slice(0, 500));
    const other = new SyntheticRsvpStream({ seed: 8, startMtime: START, ratePerSecond: 100 });
    expect(other.take(500)).not.toEqual(rsvps.slice(0, 500));
  });

  it('produces only records the contract validator accepts', () => {
    const rejected = rsvps.filter((rsvp) => !validator.validateRaw(JSON.stringify(rsvp)).ok);
    expect(rejected).toEqual([]);
  });

  it('repeats 15–18 % of rsvp_ids, as resends and answer changes', () => {
    const distinct = new Set(rsvps.map((r) => r.rsvp_id)).size;
    const repeated = 1 - distinct / rsvps.length;
    expect(repeated).toBeGreaterThan(0.15);
    expect(repeated).toBeLessThan(0.18);
  });

  it('makes every answer change newer than the state it changes', () => {
    const latest = new Map<number, Rsvp>();
    const olderChanges: Rsvp[] = [];
    let changes = 0;
    for (const rsvp of rsvps) {
      const before = latest.get(rsvp.rsvp_id);
      if (before && (before.response !== rsvp.response || before.guests !== rsvp.guests)) {
        changes += 1;
        if (rsvp.mtime <= before.mtime) olderChanges.push(rsvp);
      }
      if (!before || rsvp.mtime >= before.mtime) latest.set(rsvp.rsvp_id, rsvp);
    }
    expect(changes).toBeGreaterThan(rsvps.length * 0.05);
    expect(olderChanges).toEqual([]);
  });

  it('leaves ~16 % without venue, answers yes ~3 times in 4, mostly without guests', () => {
    expect(share(rsvps, (r) => r.venue === undefined)).toBeGreaterThan(0.1);
    expect(share(rsvps, (r) => r.venue === undefined)).toBeLessThan(0.22);
    expect(share(rsvps, (r) => r.response === 'yes')).toBeGreaterThan(0.65);
    expect(share(rsvps, (r) => r.response === 'yes')).toBeLessThan(0.85);
    expect(share(rsvps, (r) => r.guests === 0)).toBeGreaterThan(0.85);
  });

  it('sends mtimes out of order, a few by days or weeks', () => {
    const backwards = rsvps.filter((r, i) => i > 0 && r.mtime < rsvps[i - 1]!.mtime).length;
    expect(backwards / rsvps.length).toBeGreaterThan(0.1);
    const stale = rsvps.filter((r) => r.mtime < START - 86_400_000).length;
    expect(stale).toBeGreaterThan(0);
    expect(stale / rsvps.length).toBeLessThan(0.01);
  });

  it('uses groups with 5–15 topics from many countries and cities', () => {
    const counts = rsvps.map((r) => r.group.group_topics.length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...counts)).toBeLessThanOrEqual(15);
    expect(new Set(rsvps.map((r) => r.group.group_country)).size).toBeGreaterThan(20);
    expect(new Set(rsvps.map((r) => r.group.group_city)).size).toBeGreaterThan(100);
  });

  it('advances the virtual clock at the configured rate, or follows the given clock', () => {
    const stream = new SyntheticRsvpStream({ startMtime: START, ratePerSecond: 10, staleRatio: 0 });
    const tenSeconds = stream.take(100);
    expect(Math.max(...tenSeconds.map((r) => r.mtime))).toBeLessThan(START + 10_001);
    expect(stream.next(START + 60_000).mtime).toBeLessThanOrEqual(START + 60_000);
  });

  it('makes a topic surge during a burst', () => {
    const isHiking = (r: Rsvp) => r.group.group_topics.some((t) => t.urlkey === 'hiking');
    const burst = { topicUrlkey: 'hiking', factor: 4, from: START + 100_000, to: START + 200_000 };
    const stream = new SyntheticRsvpStream({ seed: 3, startMtime: START, bursts: [burst] });
    const all = stream.take(3_000);
    const inBurst = all.filter((r) => r.mtime >= burst.from + 5_000 && r.mtime < burst.to);
    const before = all.filter((r) => r.mtime < burst.from);
    expect(share(inBurst, isHiking)).toBeGreaterThan(2.5 * share(before, isHiking));
  });

  it('makes a city surge during a burst', () => {
    const burst = { city: 'London', country: 'gb', factor: 20, from: START, to: START + 1e9 };
    const stream = new SyntheticRsvpStream({ seed: 3, startMtime: START, bursts: [burst] });
    const london = share(stream.take(2_000), (r) => r.group.group_city === 'London');
    const normal = share(
      new SyntheticRsvpStream({ seed: 3 }).take(2_000),
      (r) => r.group.group_city === 'London',
    );
    expect(london).toBeGreaterThan(5 * normal);
  });

  it('rejects a burst that matches no group', () => {
    expect(
      () =>
        new SyntheticRsvpStream({
          bursts: [{ topicUrlkey: 'no-such-topic', factor: 2, from: 0, to: 1 }],
        }),
    ).toThrow(RangeError);
  });
});
