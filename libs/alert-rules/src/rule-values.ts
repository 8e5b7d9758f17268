import type { Rule } from './rule.schema';
import type { ResolvedInput } from './rule-search';

/** Numbers a condition can look at, per group: `value`, `count`, and per type `current`, `previous`. */
export type Values = Record<string, number | null>;

export interface GroupValues {
  /** The bucket key, or `_all` for an ungrouped rule. */
  group: string;
  values: Values;
}

export const ALL_GROUPS = '_all';

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' ? (value as Json) : {};
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function buckets(agg: unknown): Json[] {
  const list = obj(agg).buckets;
  if (Array.isArray(list)) return list.map(obj);
  // keyed range aggregations answer an object keyed by range
  return Object.entries(obj(list)).map(([key, b]) => ({ key, ...obj(b) }));
}

function totalHits(response: Json): number {
  const total = obj(obj(response.hits).total).value;
  return num(total) ?? 0;
}

function metricValues(input: ResolvedInput, scope: Json, count: number): Values {
  if (input.metric.agg === 'count' || !input.metric.field) return { value: count, count };
  return { value: num(obj(scope.metric).value), count };
}

function spikeValues(scope: Json): Values {
  const ranges = buckets(scope.windows);
  const count = (key: string) => num(ranges.find((b) => b.key === key)?.doc_count) ?? 0;
  const current = count('current');
  const previous = count('previous');
  const ratio = previous === 0 ? (current === 0 ? 1 : current) : current / previous;
  return { value: ratio, current, previous, count: current };
}

/** Turns a rule's search response(s) into values per group. */
export function readGroupValues(
  rule: Rule,
  input: ResolvedInput,
  response: unknown,
  history?: unknown,
): GroupValues[] {
  const root = obj(response);
  const aggs = obj(root.aggregations);
  if (rule.type === 'new_term') return newTerms(aggs, obj(obj(history).aggregations));
  const read = (scope: Json, count: number): Values =>
    rule.type === 'spike' ? spikeValues(scope) : metricValues(input, scope, count);
  if (!input.groupBy) return [{ group: ALL_GROUPS, values: read(aggs, totalHits(root)) }];
  return buckets(aggs.groups).map((b) => ({
    group: String(b.key_as_string ?? b.key),
    values: read(b, num(b.doc_count) ?? 0),
  }));
}

function newTerms(current: Json, history: Json): GroupValues[] {
  const seen = new Set(buckets(history.terms).map((b) => String(b.key)));
  return buckets(current.terms).map((b) => {
    const term = String(b.key_as_string ?? b.key);
    return { group: term, values: { value: seen.has(term) ? 0 : 1, count: num(b.doc_count) } };
  });
}

/** The terms a new_term rule's first search found in its window. */
export function windowTerms(response: unknown): string[] {
  const aggs = obj(obj(response).aggregations);
  return buckets(aggs.terms).map((b) => String(b.key_as_string ?? b.key));
}

/**
 * Values of a group the search no longer returns (a country that went quiet):
 * zero for counts, unknown for other metrics.
 */
export function absentGroupValues(rule: Rule, input: ResolvedInput): Values {
  if (rule.type === 'spike') return { value: 0, current: 0, previous: null, count: 0 };
  if (rule.type === 'new_term') return { value: 0, count: 0 };
  return input.metric.agg === 'count' ? { value: 0, count: 0 } : { value: null, count: 0 };
}
