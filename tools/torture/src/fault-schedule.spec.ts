import {
  describeFaults,
  FaultKinds,
  longFaults,
  planFaults,
  SHORT_FAULTS,
  type FaultKind,
} from './fault-schedule';

const short = { name: 'short', durationMs: 150_000, faults: SHORT_FAULTS };

describe('the torture fault schedule', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(planFaults(7, short)).toEqual(planFaults(7, short));
    expect(planFaults(8, short)).not.toEqual(planFaults(7, short));
  });

  it('schedules every fault of the form once', () => {
    const kinds = planFaults(3, short).map((f) => f.kind);
    expect([...kinds].sort()).toEqual([...SHORT_FAULTS].sort());
  });

  it('lets each fault end before the next starts, inside the stream, with calm at both ends', () => {
    for (const seed of [1, 2, 3, 99, 12345]) {
      const faults = planFaults(seed, short);
      expect(faults[0]?.atMs).toBeGreaterThanOrEqual(short.durationMs * 0.1);
      for (let i = 1; i < faults.length; i += 1) {
        const previous = faults[i - 1]!;
        expect(previous.atMs + previous.forMs).toBeLessThan(faults[i]!.atMs);
      }
      const last = faults[faults.length - 1]!;
      expect(last.atMs + last.forMs).toBeLessThanOrEqual(short.durationMs * 0.8);
    }
  });

  it('gives every kind a duration in its range when the slot has room', () => {
    const long = { name: 'long', durationMs: 3_600_000, faults: longFaults(3_600_000) };
    const faults = planFaults(5, long);
    const of = (kind: FaultKind) => faults.filter((f) => f.kind === kind);
    expect(of('slow-elasticsearch').every((f) => f.forMs >= 20_000 && f.forMs <= 60_000)).toBe(
      true,
    );
    expect(of('kill-broker').every((f) => f.forMs >= 10_000 && f.forMs <= 20_000)).toBe(true);
    expect(of('add-ingestor').map((f) => f.forMs)).toEqual([0]);
  });

  it('repeats every kind once per six minutes in the long form, with one redundant ingestor', () => {
    const faults = longFaults(30 * 60_000);
    const kinds = Object.keys(FaultKinds) as FaultKind[];
    for (const kind of kinds) {
      expect(faults.filter((f) => f === kind)).toHaveLength(kind === 'add-ingestor' ? 1 : 5);
    }
    expect(longFaults(60_000).filter((f) => f === 'kill-broker')).toHaveLength(1);
  });

  it('prints the seed and every fault with its start, target and duration', () => {
    const text = describeFaults(42, short, planFaults(42, short));
    expect(text.split('\n')[0]).toBe('torture form short, seed 42, stream 150.0 s, 8 faults:');
    expect(text).toMatch(/\+ +\d+\.\d s {2}kill-broker +target +\d+ {2}for \d+\.\d s/);
    expect(text.split('\n')).toHaveLength(1 + SHORT_FAULTS.length);
  });
});
