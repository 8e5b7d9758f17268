import {
  emptyRuleState,
  type Notification,
  type Rule,
  type RuleAlertState,
  type RuleEvaluation,
  type SearchRequest,
} from '@meetup/alert-rules';
import { StateConflictError, type VersionedState } from '../store/alert-state-store';
import { alertingIndices } from '../store/alerting-indices';
import type { HistoryRecord, HistoryWriter } from '../store/history-writer';
import { outboxDocOf, type OutboxEntry, type OutboxStore } from '../store/outbox-store';
import type { AlertStateStore } from '../store/alert-state-store';
import type { NotificationDispatcher } from './notification-dispatcher';
import { ruleOf } from '../../test/support/in-memory-alerting';
import { evaluationHistory, RuleRunner, totalHits, type RuleSearcher } from './rule-runner';

const T = Date.UTC(2024, 4, 3, 12);
const indices = alertingIndices('a_');

/** The trending index answering a rule's terms aggregation with the best score per topic. */
class TrendingIndex implements RuleSearcher {
  readonly requests: SearchRequest[] = [];
  constructor(
    private readonly steps: string[],
    public scores: Record<string, number>,
  ) {}

  search(request: SearchRequest): Promise<unknown> {
    this.steps.push('search');
    this.requests.push(request);
    const buckets = Object.entries(this.scores).map(([key, score]) => ({
      key,
      doc_count: 2,
      metric: { value: score },
    }));
    return Promise.resolve({
      hits: { total: { value: buckets.length * 2, relation: 'eq' }, hits: [] },
      aggregations: { groups: { doc_count_error_upper_bound: 0, buckets } },
    });
  }
}

/** The outbox as OutboxStore keeps it: one entry per idempotency key, created once. */
class Outbox {
  readonly entries = new Map<string, OutboxEntry>();
  constructor(private readonly steps: string[]) {}

  record(notification: Notification, replica: string, now: number) {
    this.steps.push(`record ${notification.key}`);
    const stored = this.entries.get(notification.key);
    if (stored) return Promise.resolve(stored);
    const entry: OutboxEntry = {
      key: notification.key,
      doc: outboxDocOf(notification, replica, now),
      version: { seqNo: 1, primaryTerm: 1 },
    };
    this.entries.set(entry.key, entry);
    return Promise.resolve(entry);
  }

  pending(ruleId: string) {
    this.steps.push('pending');
    return Promise.resolve(
      [...this.entries.values()].filter(
        (e) => e.doc.rule_id === ruleId && e.doc.status === 'pending',
      ),
    );
  }
}

/** Alert states written only at the version read; `interfere` writes one in between. */
class States {
  readonly states = new Map<string, { state: RuleAlertState; seqNo: number }>();
  interfere = false;
  constructor(private readonly steps: string[]) {}

  get(ruleId: string): Promise<VersionedState> {
    this.steps.push('state read');
    const found = this.states.get(ruleId);
    return Promise.resolve({
      state: structuredClone(found?.state ?? emptyRuleState(ruleId)),
      version: found ? { seqNo: found.seqNo, primaryTerm: 1 } : undefined,
    });
  }

  put(state: RuleAlertState, version: VersionedState['version']): Promise<void> {
    this.steps.push('state written');
    if (this.interfere) {
      this.interfere = false;
      const other = this.states.get(state.rule_id);
      this.states.set(state.rule_id, {
        state: other?.state ?? emptyRuleState(state.rule_id),
        seqNo: (other?.seqNo ?? 0) + 1,
      });
    }
    const current = this.states.get(state.rule_id);
    if (current?.seqNo !== version?.seqNo) {
      return Promise.reject(new StateConflictError(state.rule_id));
    }
    this.states.set(state.rule_id, { state, seqNo: (current?.seqNo ?? 0) + 1 });
    return Promise.resolve();
  }
}

function setUp(scores: Record<string, number> = { ai: 5, go: 1 }) {
  const steps: string[] = [];
  const search = new TrendingIndex(steps, scores);
  const outbox = new Outbox(steps);
  const states = new States(steps);
  const history: HistoryRecord[] = [];
  const delivered: string[][] = [];
  const runner = new RuleRunner({
    search,
    indices,
    states: states as unknown as AlertStateStore,
    outbox: outbox as unknown as OutboxStore,
    history: {
      write: (records: HistoryRecord[]) => {
        steps.push('history');
        history.push(...records);
        return Promise.resolve();
      },
    } as unknown as HistoryWriter,
    dispatcher: {
      deliver: (_rule: Rule, entries: OutboxEntry[]) => {
        steps.push(`deliver ${entries.map((e) => e.key).join(',')}`);
        delivered.push(entries.map((e) => e.key));
        return Promise.resolve();
      },
    } as unknown as NotificationDispatcher,
    replica: 'replica-1',
  });
  return { runner, steps, search, outbox, states, history, delivered };
}

const FIRING_KEY = 'hot:ai:e1:firing:log';

describe('RuleRunner', () => {
  it('records a notification before the state that caused it, and delivers it only then', async () => {
    const { runner, steps, search } = setUp();

    const result = await runner.run(ruleOf(), T);

    expect(steps).toEqual([
      'pending',
      'deliver ',
      'search',
      'state read',
      `record ${FIRING_KEY}`,
      'state written',
      'history',
      `deliver ${FIRING_KEY}`,
    ]);
    expect(search.requests[0]?.index).toBe('a_meetup_global_trending_topics');
    expect(result.hits).toBe(4);
    expect(result.notifications.map((n) => n.key)).toEqual([FIRING_KEY]);
    expect(result.evaluation.transitions).toMatchObject([
      { group: 'ai', before: 'ok', after: 'firing' },
    ]);
  });

  it('writes one history line per evaluation, naming the replica', async () => {
    const { runner, history } = setUp();
    await runner.run(ruleOf(), T);
    expect(history).toEqual([
      expect.objectContaining({
        '@timestamp': '2024-05-03T12:00:00.000Z',
        kind: 'evaluation',
        rule_id: 'hot',
        condition_met: true,
        input_summary: { hits: 4, groups: 2 },
        state_before: 'ok',
        state_after: 'firing',
        replica: 'replica-1',
      }),
    ]);
  });

  it('notifies a firing alert once: the next evaluation records and sends nothing new', async () => {
    const { runner, delivered, outbox } = setUp();
    await runner.run(ruleOf(), T);
    for (const entry of outbox.entries.values()) entry.doc.status = 'sent';

    const again = await runner.run(ruleOf(), T + 30_000);

    expect(again.notifications).toEqual([]);
    expect(delivered.slice(-2)).toEqual([[], []]);
  });

  it('leaves the notification pending when the state moved meanwhile, and the next run delivers it', async () => {
    const { runner, states, delivered, outbox } = setUp();
    states.interfere = true;

    await expect(runner.run(ruleOf(), T)).rejects.toThrow(StateConflictError);
    expect(delivered).toEqual([[]]);
    expect(outbox.entries.get(FIRING_KEY)?.doc.status).toBe('pending');

    await runner.run(ruleOf(), T + 30_000);
    expect(delivered[1]).toEqual([FIRING_KEY]);
  });

  it('simulates without recording, writing or sending anything', async () => {
    const { runner, steps, outbox, states, history } = setUp();

    const result = await runner.simulate(ruleOf(), T);

    expect(result.notifications.map((n) => n.key)).toEqual([FIRING_KEY]);
    expect(result.evaluation.verdicts.map((v) => [v.group, v.met])).toEqual([
      ['ai', true],
      ['go', false],
    ]);
    expect(steps).toEqual(['search', 'state read']);
    expect(outbox.entries.size).toBe(0);
    expect(states.states.size).toBe(0);
    expect(history).toEqual([]);
  });

  it('refuses a rule whose type has no default index and that names none', async () => {
    const { runner } = setUp();
    const threshold = ruleOf({ type: 'threshold', condition: { op: 'gt', value: 1 } });
    await expect(runner.simulate(threshold, T)).rejects.toThrow('the rule names no input index');
  });

  it('asks, for a new term, whether the lookback saw the window’s terms', async () => {
    const { runner, search } = setUp();
    search.search = (request: SearchRequest) => {
      search.requests.push(request);
      const lookback = search.requests.length === 2;
      const keys = lookback ? ['go'] : ['ai', 'go'];
      return Promise.resolve({
        hits: { total: { value: 3 } },
        aggregations: { terms: { buckets: keys.map((key) => ({ key, doc_count: 1 })) } },
      });
    };
    const newTerm = ruleOf({
      type: 'new_term',
      condition: undefined,
      input: { index: 'topics', window: '1h' },
      new_term: { field: 'topic', lookback: '7d' },
    });

    const result = await runner.simulate(newTerm, T);

    expect(search.requests).toHaveLength(2);
    expect(search.requests[1]?.body.aggs).toEqual({
      terms: { terms: { field: 'topic', include: ['ai', 'go'], size: 2 } },
    });
    expect(result.notifications.map((n) => n.group)).toEqual(['ai']);
  });
});

describe('evaluationHistory', () => {
  const evaluation = (groups: number): RuleEvaluation => ({
    state: { rule_id: 'hot', last_episode: 0, groups: {} },
    verdicts: Array.from({ length: groups }, (_, i) => ({
      group: `g${i}`,
      values: { value: i },
      met: false,
      recovered: false,
    })),
    transitions: [],
    notices: [],
  });

  it('keeps the values of the first 100 groups, each ok when it has no alert', () => {
    const line = evaluationHistory(ruleOf(), evaluation(150), {
      hits: 300,
      latencyMs: 12.6,
      now: T,
      replica: 'r',
    });
    expect(line.values).toHaveLength(100);
    expect((line.values as { state_after: string }[])[0]).toEqual({
      group: 'g0',
      values: { value: 0 },
      met: false,
      recovered: false,
      state_before: undefined,
      state_after: 'ok',
    });
    expect(line).toMatchObject({
      condition_met: false,
      input_summary: { hits: 300, groups: 150 },
      latency_ms: 13,
      state_before: undefined,
    });
  });
});

describe('totalHits', () => {
  it('reads hits.total.value, and 0 from an answer without it', () => {
    expect(totalHits({ hits: { total: { value: 7, relation: 'eq' }, hits: [] } })).toBe(7);
    expect(totalHits({ aggregations: {} })).toBe(0);
  });
});
