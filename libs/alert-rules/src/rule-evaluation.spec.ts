import { acknowledge, snooze, unacknowledge } from './alert-commands';
import { emptyRuleState, type RuleAlertState } from './lifecycle';
import { buildNotifications } from './notification';
import { evaluateRule } from './rule-evaluation';
import { parseRule, type Rule, type RuleInput } from './rule.schema';
import { buildSearch, resolveInput, type SearchContext } from './rule-search';
import { readGroupValues, type GroupValues } from './rule-values';
import { isDue } from './schedule';

const T0 = Date.UTC(2024, 0, 1, 12);
const ctx: SearchContext = { now: T0, defaultIndex: (type) => `default-${type}` };

function rule(overrides: Partial<RuleInput> = {}): Rule {
  const parsed = parseRule({
    id: 'r1',
    name: 'too many',
    type: 'threshold',
    trigger: { interval: '10s' },
    condition: { op: 'gt', value: 100 },
    recovery: { op: 'lt', value: 80 },
    actions: [{ id: 'hook', type: 'log', throttle_period: '1m' }],
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.rule;
}

/** Runs evaluations at T0, T0+10s, … with one value each; returns the notice kinds per step. */
function run(r: Rule, series: (number | Record<string, number>)[], start = emptyRuleState('r1')) {
  let state: RuleAlertState = start;
  const kinds: string[][] = [];
  series.forEach((point, i) => {
    const found: GroupValues[] =
      typeof point === 'number'
        ? [{ group: '_all', values: { value: point, count: point } }]
        : Object.entries(point).map(([group, value]) => ({
            group,
            values: { value, count: value },
          }));
    const result = evaluateRule(r, resolveInput(r, ctx), found, state, T0 + i * 10_000);
    state = result.state;
    kinds.push(result.notices.map((n) => `${n.kind}:${n.group}`));
  });
  return { state, kinds };
}

describe('alert lifecycle', () => {
  it('fires once, reminds after the throttle period, and resolves only under the recovery threshold', () => {
    const { kinds } = run(rule(), [50, 150, 150, 90, 120, 150, 150, 150, 150, 79, 50]);
    expect(kinds).toEqual([
      [],
      ['firing:_all'],
      [],
      [], // 90: above the recovery threshold, still firing
      [],
      [],
      [],
      ['reminder:_all'], // one minute after the firing
      [],
      ['resolved:_all'],
      [],
    ]);
  });

  it('waits for the pending period before firing', () => {
    const { kinds } = run(rule({ pending_period: '20s' }), [150, 150, 50, 150, 150, 150]);
    expect(kinds.flat()).toEqual(['firing:_all']);
    expect(kinds[5]).toEqual(['firing:_all']);
  });

  it('damps a flapping alert: it stays firing until the changes calm down', () => {
    const r = rule({ flapping: { window: '1m', max_transitions: 3 } });
    const { kinds, state } = run(r, [150, 50, 150, 50, 150, 50, 50, 50, 50, 50, 50, 50]);
    expect(kinds.flat()).toEqual(['firing:_all', 'resolved:_all', 'firing:_all', 'resolved:_all']);
    expect(kinds[3]).toEqual([]);
    expect(state.groups._all?.status).toBe('ok');
  });

  it('stops reminders when acknowledged and notifies a new firing after a resolve', () => {
    const r = rule();
    const first = run(r, [150]);
    const acked = acknowledge(first.state, '_all', T0);
    expect(acked.ok).toBe(true);
    if (!acked.ok) return;
    const { kinds } = run(r, [150, 150, 150, 150, 150, 150, 150, 50, 50, 150], acked.state);
    expect(kinds.flat()).toEqual(['resolved:_all', 'firing:_all']);
    expect(unacknowledge(acked.state, '_all', T0).ok).toBe(true);
  });

  it('holds notifications while snoozed and sends what is still true when the snooze ends', () => {
    const snoozed = snooze(emptyRuleState('r1'), T0 + 25_000);
    if (!snoozed.ok) throw new Error('snooze failed');
    const { kinds } = run(rule(), [150, 150, 150, 150], snoozed.state);
    expect(kinds).toEqual([[], [], [], ['firing:_all']]);
  });

  it('gives every group its own alert and a digest one notification listing them', () => {
    const r = rule({ digest: true, input: { group_by: { field: 'country', size: 10 } } });
    const result = evaluateRule(
      r,
      resolveInput(r, ctx),
      [
        { group: 'us', values: { value: 150 } },
        { group: 'de', values: { value: 120 } },
        { group: 'fr', values: { value: 3 } },
      ],
      emptyRuleState('r1'),
      T0,
    );
    expect(result.notices.map((n) => n.group)).toEqual(['us', 'de']);
    const notifications = buildNotifications(r, result.notices, T0);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]?.view.alerts.map((a) => a.group)).toEqual(['us', 'de']);
    expect(buildNotifications(r, result.notices, T0)[0]?.key).toBe(notifications[0]?.key);
  });

  it('names a notification the same way when an evaluation is repeated after a crash', () => {
    const r = rule();
    const state = run(r, [50]).state;
    const once = evaluateRule(
      r,
      resolveInput(r, ctx),
      [{ group: '_all', values: { value: 200 } }],
      state,
      T0,
    );
    const again = evaluateRule(
      r,
      resolveInput(r, ctx),
      [{ group: '_all', values: { value: 300 } }],
      state,
      T0 + 5,
    );
    expect(buildNotifications(r, again.notices, T0)[0]?.key).toBe(
      buildNotifications(r, once.notices, T0)[0]?.key,
    );
    expect(once.notices[0]?.episode).toBe(1);
  });
});

describe('rule types', () => {
  it('detects a spike against the previous window, with a minimum count', () => {
    const r = rule({
      type: 'spike',
      condition: undefined,
      recovery: undefined,
      spike: { ratio: 3, min_count: 10 },
    });
    const values = (current: number, previous: number): GroupValues[] => [
      { group: '_all', values: { value: current / Math.max(previous, 1), current, previous } },
    ];
    const input = resolveInput(r, ctx);
    const fired = evaluateRule(r, input, values(40, 10), emptyRuleState('r1'), T0);
    expect(fired.notices).toHaveLength(1);
    const small = evaluateRule(r, input, values(6, 1), emptyRuleState('r1'), T0);
    expect(small.notices).toHaveLength(0);
  });

  it('fires a flatline for a group that went silent', () => {
    const r = rule({
      type: 'flatline',
      condition: { op: 'lt', value: 1 },
      recovery: undefined,
      input: { group_by: { field: 'country', size: 10 } },
    });
    const { kinds } = run(r, [{ us: 5, de: 5 }, { us: 5 }]);
    expect(kinds).toEqual([[], ['firing:de']]);
  });

  it('reads new terms: in the window, absent from the lookback', () => {
    const r = rule({
      type: 'new_term',
      condition: undefined,
      recovery: undefined,
      new_term: { field: 'topic', lookback: '7d' },
    });
    const found = readGroupValues(
      r,
      resolveInput(r, ctx),
      {
        aggregations: {
          terms: {
            buckets: [
              { key: 'ai', doc_count: 3 },
              { key: 'go', doc_count: 2 },
            ],
          },
        },
      },
      { aggregations: { terms: { buckets: [{ key: 'go', doc_count: 9 }] } } },
    );
    expect(found).toEqual([
      { group: 'ai', values: { value: 1, count: 3 } },
      { group: 'go', values: { value: 0, count: 2 } },
    ]);
  });

  it('searches the trending index by default, by topic, for the best score', () => {
    const r = rule({ type: 'trending', condition: { op: 'gte', value: 3 }, recovery: undefined });
    const search = buildSearch(r, ctx);
    expect(search.index).toBe('default-trending');
    expect(search.body.aggs).toEqual({
      groups: {
        terms: { field: 'topic_urlkey', size: 50 },
        aggs: { metric: { max: { field: 'score' } } },
      },
    });
  });
});

describe('rule validation and schedule', () => {
  it('names every invalid field', () => {
    const result = parseRule({
      id: 'Bad Id',
      name: 'x',
      type: 'threshold',
      trigger: { interval: 'soon' },
      actions: [{ id: 'a', type: 'webhook', url: 'ftp://x' }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field).sort()).toEqual(
      ['actions.0.url', 'condition', 'id', 'trigger.interval'].sort(),
    );
  });

  it('requires a condition for a threshold rule', () => {
    const result = parseRule({
      id: 'a',
      name: 'x',
      type: 'threshold',
      trigger: { cron: '*/5 * * * *' },
      actions: [{ id: 'a', type: 'log' }],
    });
    expect(result).toEqual({
      ok: false,
      problems: [{ field: 'condition', message: 'is required for threshold' }],
    });
  });

  it('is due after its interval or at the next cron time', () => {
    expect(isDue({ interval: '10s' }, T0, T0 + 9_999)).toBe(false);
    expect(isDue({ interval: '10s' }, T0, T0 + 10_000)).toBe(true);
    expect(isDue({ cron: '*/5 * * * *' }, T0 + 1, T0 + 299_000)).toBe(false);
    expect(isDue({ cron: '*/5 * * * *' }, T0 + 1, T0 + 300_000)).toBe(true);
  });
});
