import {
  buildHistorySearch,
  buildNotifications,
  buildSearch,
  evaluateRule,
  readGroupValues,
  resolveInput,
  windowTerms,
  type Notification,
  type Rule,
  type RuleEvaluation,
  type SearchContext,
  type SearchRequest,
} from '@meetup/alert-rules';
import { withSpan } from '@meetup/observability';
import type { AlertStateStore } from '../store/alert-state-store';
import type { AlertingIndices } from '../store/alerting-indices';
import type { HistoryRecord, HistoryWriter } from '../store/history-writer';
import type { OutboxEntry, OutboxStore } from '../store/outbox-store';
import type { NotificationDispatcher } from './notification-dispatcher';

/** Sends a rule's search as it is; answers Elasticsearch's search response. */
export interface RuleSearcher {
  search(request: SearchRequest): Promise<unknown>;
}

export interface RunnerDeps {
  search: RuleSearcher;
  indices: AlertingIndices;
  states: AlertStateStore;
  outbox: OutboxStore;
  history: HistoryWriter;
  dispatcher: NotificationDispatcher;
  replica: string;
}

export interface RunResult {
  evaluation: RuleEvaluation;
  notifications: Notification[];
  hits: number;
  latencyMs: number;
}

/**
 * One evaluation of one rule, in the order that makes notifications
 * exactly-once: search → next state → notifications recorded in the outbox
 * (create, id = idempotency key) → state written at the version read →
 * delivery. A crash at any point leaves either nothing (the evaluation runs
 * again and names its notifications the same) or pending outbox entries
 * that the next owner delivers with their keys.
 */
export class RuleRunner {
  constructor(private readonly deps: RunnerDeps) {}

  /** Evaluates without side effects (dry-run): nothing recorded, nothing sent. */
  async simulate(rule: Rule, now = Date.now()): Promise<RunResult> {
    const started = performance.now();
    const { found, hits, ctx } = await this.search(rule, now);
    const { state } = await this.deps.states.get(rule.id);
    const evaluation = evaluateRule(rule, resolveInput(rule, ctx), found, state, now);
    return {
      evaluation,
      notifications: buildNotifications(rule, evaluation.notices, now),
      hits,
      latencyMs: performance.now() - started,
    };
  }

  /** Evaluates, records, and delivers (also what earlier runs left pending): one span. */
  run(rule: Rule, now = Date.now()): Promise<RunResult> {
    const attributes = { 'meetup.rule.id': rule.id, 'meetup.rule.type': rule.type };
    return withSpan('alerting.evaluate', { attributes }, async (span) => {
      const result = await this.evaluate(rule, now);
      span.setAttributes({
        'meetup.rule.hits': result.hits,
        'meetup.rule.condition_met': result.evaluation.verdicts.some((v) => v.met),
        'meetup.rule.notifications': result.notifications.length,
      });
      return result;
    });
  }

  private async evaluate(rule: Rule, now: number): Promise<RunResult> {
    const started = performance.now();
    const leftOver = await this.deps.outbox.pending(rule.id);
    await this.deps.dispatcher.deliver(rule, leftOver);
    const { found, hits, ctx } = await this.search(rule, now);
    const { state, version } = await this.deps.states.get(rule.id);
    const evaluation = evaluateRule(rule, resolveInput(rule, ctx), found, state, now);
    const notifications = buildNotifications(rule, evaluation.notices, now);
    const recorded: OutboxEntry[] = [];
    for (const notification of notifications) {
      const entry = await this.deps.outbox.record(notification, this.deps.replica, now);
      if (entry) recorded.push(entry);
    }
    await this.deps.states.put(evaluation.state, version, this.deps.replica);
    const latencyMs = performance.now() - started;
    const { replica } = this.deps;
    await this.deps.history.write([
      evaluationHistory(rule, evaluation, { hits, latencyMs, now, replica }),
    ]);
    await this.deps.dispatcher.deliver(rule, recorded);
    return { evaluation, notifications, hits, latencyMs };
  }

  private async search(rule: Rule, now: number) {
    const ctx: SearchContext = {
      now,
      defaultIndex: (type) => (type === 'trending' ? this.deps.indices.trending : ''),
    };
    const input = resolveInput(rule, ctx);
    const response = await this.query(buildSearch(rule, ctx));
    const followUp = buildHistorySearch(rule, ctx, windowTerms(response));
    const history = followUp ? await this.query(followUp) : undefined;
    const found = readGroupValues(rule, input, response, history);
    return { found, hits: totalHits(response), ctx };
  }

  private async query(request: SearchRequest): Promise<unknown> {
    if (!request.index) throw new Error('the rule names no input index');
    return this.deps.search.search(request);
  }
}

/** `hits.total.value` of a search response (0 when the search counted none). */
export function totalHits(response: unknown): number {
  return (response as { hits?: { total?: { value?: number } } }).hits?.total?.value ?? 0;
}

/** How many groups' values an evaluation line keeps (a rule may watch thousands). */
const HISTORY_GROUPS = 100;

/** The history line of one evaluation: what it found per group and how states moved. */
export function evaluationHistory(
  rule: Rule,
  evaluation: RuleEvaluation,
  figures: { hits: number; latencyMs: number; now: number; replica: string },
): HistoryRecord {
  const changed = new Map(evaluation.transitions.map((t) => [t.group, t]));
  return {
    '@timestamp': new Date(figures.now).toISOString(),
    kind: 'evaluation',
    rule_id: rule.id,
    condition_met: evaluation.verdicts.some((v) => v.met),
    input_summary: { hits: figures.hits, groups: evaluation.verdicts.length },
    values: evaluation.verdicts.slice(0, HISTORY_GROUPS).map((v) => ({
      group: v.group,
      values: v.values,
      met: v.met,
      recovered: v.recovered,
      state_before: changed.get(v.group)?.before,
      state_after: evaluation.state.groups[v.group]?.status ?? 'ok',
    })),
    state_before: evaluation.transitions[0]?.before,
    state_after: evaluation.transitions[0]?.after,
    latency_ms: Math.round(figures.latencyMs),
    replica: figures.replica,
  };
}
