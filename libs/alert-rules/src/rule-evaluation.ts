import { combineGroups, judgeGroup, type GroupVerdict } from './condition';
import {
  advance,
  newInstance,
  owedNotices,
  type AlertInstance,
  type Notice,
  type RuleAlertState,
  type Transition,
} from './lifecycle';
import type { Rule } from './rule.schema';
import type { ResolvedInput } from './rule-search';
import { ALL_GROUPS, absentGroupValues, type GroupValues } from './rule-values';

export interface RuleEvaluation {
  state: RuleAlertState;
  verdicts: GroupVerdict[];
  transitions: Transition[];
  notices: Notice[];
}

function verdictsOf(
  rule: Rule,
  input: ResolvedInput,
  found: GroupValues[],
  state: RuleAlertState,
): GroupVerdict[] {
  const byGroup = new Map(found.map((g) => [g.group, g]));
  const mode = input.groupBy?.mode ?? 'per_group';
  if (mode === 'per_group') {
    // Groups the search no longer returns still get a verdict, so they can resolve (or flatline).
    for (const group of Object.keys(state.groups)) {
      if (!byGroup.has(group)) {
        byGroup.set(group, { group, values: absentGroupValues(rule, input) });
      }
    }
  }
  const verdicts = [...byGroup.values()].map((g) =>
    judgeGroup(rule, g, state.groups[g.group]?.values),
  );
  return mode === 'per_group' ? verdicts : [combineGroups(mode, verdicts)];
}

/** Whether an alert carries nothing worth keeping (a quiet group that went away). */
function forgettable(rule: Rule, a: AlertInstance, present: boolean): boolean {
  if (present || rule.type === 'flatline') return false;
  const settled = a.status === 'ok' && a.notified_resolved === a.notified_firing;
  return settled && (a.snoozed_until ?? 0) === 0;
}

/**
 * One evaluation of a rule: each group's verdict moves its alert along the
 * lifecycle, and the notifications owed are listed. Pure: the same inputs
 * and state give the same episodes and notices, so a replica that re-runs an
 * evaluation after a crash names its notifications exactly as the first did.
 */
export function evaluateRule(
  rule: Rule,
  input: ResolvedInput,
  found: GroupValues[],
  previous: RuleAlertState,
  now: number,
): RuleEvaluation {
  const state: RuleAlertState = structuredClone(previous);
  const verdicts = verdictsOf(rule, input, found, state);
  const present = new Set(found.map((g) => g.group).concat(ALL_GROUPS));
  const transitions: Transition[] = [];
  const notices: Notice[] = [];
  const ctx = { rule, now, nextEpisode: () => ++state.last_episode };
  for (const verdict of verdicts) {
    const alert = state.groups[verdict.group] ?? newInstance(now);
    const before = alert.status;
    advance(alert, verdict, ctx);
    if (alert.status !== before)
      transitions.push({ group: verdict.group, before, after: alert.status });
    notices.push(...owedNotices(alert, verdict.group, rule, now, state.snoozed_until));
    state.groups[verdict.group] = alert;
  }
  state.groups = Object.fromEntries(
    Object.entries(state.groups).filter(([group, a]) => !forgettable(rule, a, present.has(group))),
  );
  return { state, verdicts, transitions, notices };
}
