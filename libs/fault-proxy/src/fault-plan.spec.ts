import { SeededRandom } from '@meetup/rsvp-synthetic';
import { decide, delayOf, errorBody, validatePlan, type FaultPlan } from './fault-plan';

const bulk = { method: 'POST', path: '/_bulk' };
const health = { method: 'GET', path: '/_cluster/health' };
const never = () => {
  throw new Error('no draw expected');
};

describe('the fault plan', () => {
  it('forwards a request no rule matches', () => {
    const plan: FaultPlan = [{ path: /_bulk$/, action: { kind: 'reset' } }];
    expect(decide(plan, health, never)).toBeUndefined();
    expect(decide([], bulk, never)).toBeUndefined();
  });

  it('applies the first rule that matches method and path', () => {
    const plan: FaultPlan = [
      { method: 'GET', path: /_bulk$/, action: { kind: 'reset' } },
      { path: /_bulk$/, action: { kind: 'status', status: 429 } },
      { action: { kind: 'stall' } },
    ];
    expect(decide(plan, bulk, never)).toEqual({ kind: 'status', status: 429 });
    expect(decide(plan, health, never)).toEqual({ kind: 'stall' });
  });

  it('hits the share of matching requests its rate says, falling through to the next rule', () => {
    const plan: FaultPlan = [
      { rate: 0.25, action: { kind: 'status', status: 503 } },
      { rate: 0.5, action: { kind: 'reset' } },
    ];
    const random = new SeededRandom(7);
    const kinds = { status: 0, reset: 0, forwarded: 0 };
    for (let i = 0; i < 20_000; i++) {
      const action = decide(plan, bulk, () => random.next());
      if (action?.kind === 'status') kinds.status += 1;
      else if (action?.kind === 'reset') kinds.reset += 1;
      else kinds.forwarded += 1;
    }
    // 25 % to the first rule, half of the other 75 % to the second, the rest forwarded.
    expect(kinds.status / 20_000).toBeCloseTo(0.25, 1);
    expect(kinds.reset / 20_000).toBeCloseTo(0.375, 1);
    expect(kinds.forwarded / 20_000).toBeCloseTo(0.375, 1);
  });

  it('decides the same way for the same seed, so a schedule replays exactly', () => {
    const plan: FaultPlan = [{ rate: 0.5, action: { kind: 'reset' } }];
    const run = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 64 }, () => decide(plan, bulk, () => random.next())?.kind);
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('draws a delay within its range', () => {
    const random = new SeededRandom(1);
    const delays = Array.from({ length: 1000 }, () =>
      delayOf({ minMs: 10_000, maxMs: 30_000 }, () => random.next()),
    );
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(30_000);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(15_000);
    expect(delayOf({ minMs: 250, maxMs: 250 }, never)).toBe(250);
  });

  it('refuses a rate outside (0, 1] and a delay range upside down, naming the rule', () => {
    expect(() => {
      validatePlan([{ rate: 0, action: { kind: 'reset' } }]);
    }).toThrow('fault rule 0: rate must be in (0, 1], got 0');
    expect(() => {
      validatePlan([
        { action: { kind: 'reset' } },
        { action: { kind: 'delay', minMs: 20, maxMs: 10 } },
      ]);
    }).toThrow('fault rule 1: delay needs 0 <= minMs <= maxMs');
    expect(() => {
      validatePlan([{ rate: 1, action: { kind: 'stall' } }]);
    }).not.toThrow();
  });

  it('answers with the error types Elasticsearch itself uses for 429 and 503', () => {
    expect(errorBody(429)).toMatchObject({
      status: 429,
      error: { type: 'es_rejected_execution_exception' },
    });
    expect(errorBody(503)).toMatchObject({
      status: 503,
      error: { type: 'unavailable_shards_exception' },
    });
  });
});
