import { durationMs } from './duration';
import type { Rule } from './rule.schema';

/** An Elasticsearch search as plain JSON: the adapter sends it as it is. */
export interface SearchRequest {
  index: string;
  body: Record<string, unknown>;
}

export interface SearchContext {
  now: number;
  /** The index a rule searches when it names none (trending: the global trending alias). */
  defaultIndex: (type: Rule['type']) => string;
}

export type MetricAgg = 'count' | 'sum' | 'avg' | 'max' | 'min' | 'cardinality';

export interface ResolvedInput {
  index: string;
  timeField: string;
  windowMs: number;
  metric: { agg: MetricAgg; field: string | undefined };
  groupBy: { field: string; size: number; mode: 'per_group' | 'any' | 'all' } | undefined;
}

/** The input with each rule type's defaults filled in. */
export function resolveInput(rule: Rule, ctx: SearchContext): ResolvedInput {
  const trending = rule.type === 'trending';
  const input = rule.input;
  return {
    index: input.index ?? ctx.defaultIndex(rule.type),
    timeField: input.time_field ?? (trending ? 'window_end' : '@timestamp'),
    windowMs: durationMs(input.window),
    metric: {
      agg: input.metric?.agg ?? (trending ? 'max' : 'count'),
      field: input.metric?.field ?? (trending ? 'score' : undefined),
    },
    groupBy:
      input.group_by ??
      (trending ? { field: 'topic_urlkey', size: 50, mode: 'per_group' } : undefined),
  };
}

function rangeFilter(field: string, from: number, to: number): Record<string, unknown> {
  return { range: { [field]: { gte: from, lte: to, format: 'epoch_millis' } } };
}

function filtered(rule: Rule, range: Record<string, unknown>): Record<string, unknown> {
  const filter: unknown[] = [range];
  if (rule.input.query) filter.push(rule.input.query);
  return { bool: { filter } };
}

function metricAgg(input: ResolvedInput): Record<string, unknown> | undefined {
  if (input.metric.agg === 'count') return undefined;
  if (!input.metric.field) return undefined;
  return { metric: { [input.metric.agg]: { field: input.metric.field } } };
}

function grouped(
  input: ResolvedInput,
  inner: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (!input.groupBy) return inner ?? {};
  const terms = { field: input.groupBy.field, size: input.groupBy.size };
  return { groups: inner ? { terms, aggs: inner } : { terms } };
}

/** The first (often only) search a rule runs. */
export function buildSearch(rule: Rule, ctx: SearchContext): SearchRequest {
  const input = resolveInput(rule, ctx);
  const { now } = ctx;
  const w = input.windowMs;
  if (rule.type === 'spike') {
    const windows = {
      windows: {
        range: {
          field: input.timeField,
          ranges: [
            { key: 'previous', from: now - 2 * w, to: now - w },
            { key: 'current', from: now - w, to: now + 1 },
          ],
        },
      },
    };
    return search(
      input.index,
      filtered(rule, rangeFilter(input.timeField, now - 2 * w, now)),
      grouped(input, windows),
    );
  }
  if (rule.type === 'new_term') {
    const field = rule.new_term?.field ?? '';
    return search(input.index, filtered(rule, rangeFilter(input.timeField, now - w, now)), {
      terms: { terms: { field, size: 500 } },
    });
  }
  return search(
    input.index,
    filtered(rule, rangeFilter(input.timeField, now - w, now)),
    grouped(input, metricAgg(input)),
  );
}

/** new_term's second search: which of the window's terms were seen during the lookback. */
export function buildHistorySearch(
  rule: Rule,
  ctx: SearchContext,
  terms: string[],
): SearchRequest | undefined {
  if (rule.type !== 'new_term' || !rule.new_term || terms.length === 0) return undefined;
  const input = resolveInput(rule, ctx);
  const from = ctx.now - durationMs(rule.new_term.lookback);
  const to = ctx.now - input.windowMs - 1;
  return search(input.index, filtered(rule, rangeFilter(input.timeField, from, to)), {
    terms: { terms: { field: rule.new_term.field, include: terms, size: terms.length } },
  });
}

function search(
  index: string,
  query: Record<string, unknown>,
  aggs: Record<string, unknown>,
): SearchRequest {
  return { index, body: { size: 0, track_total_hits: true, query, aggs } };
}
