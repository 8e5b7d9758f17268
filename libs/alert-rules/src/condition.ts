import type { ComparisonOp, Condition, Rule } from './rule.schema';
import { ALL_GROUPS, type GroupValues, type Values } from './rule-values';

export function compare(left: number, op: ComparisonOp, right: number): boolean {
  switch (op) {
    case 'gt':
      return left > right;
    case 'gte':
      return left >= right;
    case 'lt':
      return left < right;
    case 'lte':
      return left <= right;
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
  }
}

/** A condition on unknown values (no data, no previous evaluation) does not hold. */
export function conditionHolds(
  condition: Condition,
  values: Values,
  previous: Values | undefined,
): boolean {
  if ('change' in condition) {
    const { path, op, value, mode } = condition.change;
    const now = values[path];
    const before = previous?.[path];
    if (now === null || now === undefined || before === null || before === undefined) return false;
    if (mode === 'absolute') return compare(now - before, op, value);
    if (before === 0) return false;
    return compare(((now - before) / Math.abs(before)) * 100, op, value);
  }
  const now = values[condition.path];
  return now !== null && now !== undefined && compare(now, condition.op, condition.value);
}

export interface GroupVerdict {
  group: string;
  values: Values;
  /** The firing condition holds. */
  met: boolean;
  /** The recovery condition holds (the negation of `met` without a recovery condition). */
  recovered: boolean;
}

function spikeMet(rule: Rule, values: Values): boolean {
  const spike = rule.spike;
  if (!spike) return false;
  const current = values.current ?? 0;
  const previous = values.previous ?? 0;
  const up = current >= spike.min_count && current >= previous * spike.ratio && current > previous;
  const down =
    previous >= spike.min_count && current * spike.ratio <= previous && current < previous;
  if (spike.direction === 'up') return up;
  if (spike.direction === 'down') return down;
  return up || down;
}

/** Whether a group fires and whether it recovers, for one evaluation. */
export function judgeGroup(
  rule: Rule,
  { group, values }: GroupValues,
  previous: Values | undefined,
): GroupVerdict {
  let met: boolean;
  if (rule.type === 'spike') met = spikeMet(rule, values);
  else if (rule.type === 'new_term') met = values.value === 1;
  else met = rule.condition ? conditionHolds(rule.condition, values, previous) : false;
  const noData = values.value === null || values.value === undefined;
  const recovered = rule.recovery
    ? noData || conditionHolds(rule.recovery, values, previous)
    : !met;
  return { group, values, met, recovered };
}

/** `any`/`all` group modes: one alert for the rule out of every bucket's verdict. */
export function combineGroups(mode: 'any' | 'all', verdicts: GroupVerdict[]): GroupVerdict {
  const matching = verdicts.filter((v) => v.met);
  const met =
    mode === 'any'
      ? matching.length > 0
      : verdicts.length > 0 && matching.length === verdicts.length;
  const recovered =
    mode === 'any'
      ? verdicts.every((v) => v.recovered)
      : verdicts.length === 0 || verdicts.some((v) => v.recovered);
  return {
    group: ALL_GROUPS,
    values: { value: matching.length, matching: matching.length, groups: verdicts.length },
    met,
    recovered,
  };
}
