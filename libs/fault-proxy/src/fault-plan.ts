/**
 * What the fault proxy does to a request. Pure: the proxy asks `decide` per request with a
 * seeded random source, so a schedule replays exactly from its seed.
 */
export type FaultAction =
  /** Forwarded after a pause drawn uniformly from [minMs, maxMs]. */
  | { kind: 'delay'; minMs: number; maxMs: number }
  /** Held, unanswered, until the plan changes (then forwarded) or the client gives up. */
  | { kind: 'stall' }
  /** The connection is reset before anything reaches Elasticsearch. */
  | { kind: 'reset' }
  /** Forwarded, so Elasticsearch acts on it, but the client's connection is reset instead of the answer. */
  | { kind: 'lose-answer' }
  /** Answered with an Elasticsearch-shaped error, never forwarded. */
  | { kind: 'status'; status: 429 | 503 };

export type FaultKind = FaultAction['kind'];

export interface FaultRule {
  /** Only requests with this method (upper case); every method when absent. */
  method?: string;
  /** Only requests whose path (without the query) matches; every path when absent. */
  path?: RegExp;
  /** Share of the matching requests it applies to, in (0, 1]; 1 when absent. */
  rate?: number;
  action: FaultAction;
}

/** Rules in order: the first that matches a request and wins its draw decides; none → forwarded. */
export type FaultPlan = readonly FaultRule[];

export interface RequestLine {
  method: string;
  /** The request target without its query string. */
  path: string;
}

export function validatePlan(plan: FaultPlan): void {
  plan.forEach((rule, index) => {
    const where = `fault rule ${index}`;
    if (rule.rate !== undefined && !(rule.rate > 0 && rule.rate <= 1))
      throw new RangeError(`${where}: rate must be in (0, 1], got ${rule.rate}`);
    const action = rule.action;
    if (action.kind === 'delay' && !(action.minMs >= 0 && action.maxMs >= action.minMs))
      throw new RangeError(`${where}: delay needs 0 <= minMs <= maxMs`);
  });
}

/**
 * The action for one request, or undefined to forward it untouched. Draws one random number
 * per matching rule (none for a rule of rate 1) and one more for a delay's length.
 */
export function decide(
  plan: FaultPlan,
  request: RequestLine,
  random: () => number,
): FaultAction | undefined {
  for (const rule of plan) {
    if (rule.method !== undefined && rule.method !== request.method) continue;
    if (rule.path !== undefined && !rule.path.test(request.path)) continue;
    if (rule.rate !== undefined && rule.rate < 1 && random() >= rule.rate) continue;
    return rule.action;
  }
  return undefined;
}

/** The pause of a delay action, drawn from its range. */
export function delayOf(action: { minMs: number; maxMs: number }, random: () => number): number {
  if (action.maxMs === action.minMs) return action.minMs;
  return Math.round(action.minMs + (action.maxMs - action.minMs) * random());
}

/** The body Elasticsearch itself sends with these statuses, so clients classify them as they would. */
export function errorBody(status: 429 | 503): object {
  const type = status === 429 ? 'es_rejected_execution_exception' : 'unavailable_shards_exception';
  const reason = `fault proxy: ${status === 429 ? 'rejected' : 'unavailable'} on schedule`;
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}
