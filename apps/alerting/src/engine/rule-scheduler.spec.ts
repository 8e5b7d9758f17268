import { Writable } from 'node:stream';
import { parseRule, type Rule } from '@meetup/alert-rules';
import { createLogger, Registry } from '@meetup/observability';
import { AlertingMetrics } from '../alerting.metrics';
import type { Lease, LeaseStore } from '../store/lease-store';
import type { RuleStore } from '../store/rule-store';
import type { RuleRunner } from './rule-runner';
import { RuleScheduler } from './rule-scheduler';

const TTL = 10_000;
const T = Date.UTC(2024, 4, 3, 12);

function rule(id: string, interval = '30s', enabled = true): Rule {
  const parsed = parseRule({
    id,
    name: id,
    type: 'trending',
    enabled,
    trigger: { interval },
    condition: { op: 'gte', value: 3 },
    actions: [{ id: 'log', type: 'log' }],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.rule;
}

/**
 * The lease table as LeaseStore promises it: a claim wins only against the version it read
 * (or, without one, when there is no lease yet).
 */
class LeaseTable {
  readonly rows = new Map<string, Lease & { version: { seqNo: number; primaryTerm: number } }>();

  getMany(ids: string[]): Promise<Map<string, Lease>> {
    return Promise.resolve(
      new Map(ids.flatMap((id) => (this.rows.get(id) ? [[id, { ...this.rows.get(id)! }]] : []))),
    );
  }

  claim(current: Lease | undefined, next: Omit<Lease, 'version'>): Promise<Lease | undefined> {
    const row = this.rows.get(next.rule_id);
    const expected = current?.version?.seqNo;
    if (
      (row === undefined) !== (expected === undefined) ||
      (row && row.version.seqNo !== expected)
    ) {
      return Promise.resolve(undefined);
    }
    const written = { ...next, version: { seqNo: (row?.version.seqNo ?? 0) + 1, primaryTerm: 1 } };
    this.rows.set(next.rule_id, written);
    return Promise.resolve({ ...written });
  }
}

function replica(name: string, rules: Rule[], leases: LeaseTable, concurrency = 2) {
  const runs: string[] = [];
  const runner = {
    run: (r: Rule) => {
      runs.push(r.id);
      return Promise.resolve({ evaluation: { state: { groups: {} } } });
    },
  };
  const scheduler = new RuleScheduler({
    rules: { list: () => Promise.resolve(rules.map((r) => ({ rule: r }))) } as unknown as RuleStore,
    leases: leases as unknown as LeaseStore,
    runner: runner as unknown as RuleRunner,
    metrics: new AlertingMetrics(new Registry()),
    logger: createLogger(
      { serviceName: 'alerting', level: 'silent' },
      new Writable({
        write: (_c, _e, done) => {
          done();
        },
      }),
    ),
    replica: name,
    tickMs: 1_000,
    leaseTtlMs: TTL,
    concurrency,
  });
  return { scheduler, runs };
}

describe('RuleScheduler', () => {
  it('evaluates each enabled rule once when it is due, and not again before its interval', async () => {
    const leases = new LeaseTable();
    const { scheduler, runs } = replica(
      'a',
      [rule('r1'), rule('r2'), rule('off', '30s', false)],
      leases,
    );
    await scheduler.tick(T);
    expect(runs.sort()).toEqual(['r1', 'r2']);
    await scheduler.tick(T + 1_000);
    expect(runs).toHaveLength(2);
    await scheduler.tick(T + 30_000);
    expect(runs).toHaveLength(4);
    expect(leases.rows.get('off')).toBeUndefined();
  });

  it('lets only one of two replicas evaluate a rule in the same tick', async () => {
    const leases = new LeaseTable();
    const rules = [rule('r1'), rule('r2'), rule('r3')];
    const a = replica('a', rules, leases);
    const b = replica('b', rules, leases);
    await Promise.all([a.scheduler.tick(T), b.scheduler.tick(T)]);
    expect([...a.runs, ...b.runs].sort()).toEqual(['r1', 'r2', 'r3']);
    const firstA = [...a.runs].sort();
    const firstB = [...b.runs].sort();
    await Promise.all([a.scheduler.tick(T + 30_000), b.scheduler.tick(T + 30_000)]);
    // Each evaluates again the rules it holds the lease of, and only those.
    expect(a.runs.slice(firstA.length).sort()).toEqual(firstA);
    expect(b.runs.slice(firstB.length).sort()).toEqual(firstB);
  });

  it('leaves a rule to the replica holding its lease, and takes it over once the lease expired', async () => {
    const leases = new LeaseTable();
    const a = replica('a', [rule('r1', '1s')], leases);
    const b = replica('b', [rule('r1', '1s')], leases);
    await a.scheduler.tick(T);
    await b.scheduler.tick(T + 5_000);
    expect(b.runs).toEqual([]);
    // a died: it renews no more, and its lease runs out after the TTL.
    await b.scheduler.tick(T + TTL);
    expect(b.runs).toEqual(['r1']);
    expect(leases.rows.get('r1')).toMatchObject({
      owner: 'b',
      expires_at: T + 2 * TTL,
      last_run_at: T + TTL,
    });
  });

  it('renews its lease once past half the TTL without evaluating a rule that is not due', async () => {
    const leases = new LeaseTable();
    const { scheduler, runs } = replica('a', [rule('r1', '1h')], leases);
    await scheduler.tick(T);
    await scheduler.tick(T + TTL / 2 - 1);
    expect(leases.rows.get('r1')?.expires_at).toBe(T + TTL);
    await scheduler.tick(T + TTL / 2 + 1);
    expect(leases.rows.get('r1')).toMatchObject({
      expires_at: T + TTL / 2 + 1 + TTL,
      last_run_at: T,
    });
    expect(runs).toEqual(['r1']);
  });

  it('lets its leases go on stop, so another replica takes the rules at once', async () => {
    const leases = new LeaseTable();
    const a = replica('a', [rule('r1', '1s')], leases);
    const b = replica('b', [rule('r1', '1s')], leases);
    await a.scheduler.tick(T);
    await a.scheduler.stop();
    expect(leases.rows.get('r1')?.expires_at).toBe(0);
    await b.scheduler.tick(T + 1_000);
    expect(b.runs).toEqual(['r1']);
  });
});
