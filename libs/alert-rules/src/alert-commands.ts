import type { RuleAlertState } from './lifecycle';

export type AlertCommandError = 'unknown_group' | 'not_firing' | 'not_acknowledged';

export type AlertCommandResult =
  { ok: true; state: RuleAlertState } | { ok: false; error: AlertCommandError };

function withGroup(
  state: RuleAlertState,
  group: string,
  change: (a: RuleAlertState['groups'][string]) => AlertCommandError | undefined,
): AlertCommandResult {
  const next = structuredClone(state);
  const alert = next.groups[group];
  if (!alert) return { ok: false, error: 'unknown_group' };
  const error = change(alert);
  return error ? { ok: false, error } : { ok: true, state: next };
}

/** Acknowledging a firing alert stops its reminders until it resolves. */
export function acknowledge(state: RuleAlertState, group: string, now: number): AlertCommandResult {
  return withGroup(state, group, (a) => {
    if (a.status !== 'firing') return 'not_firing';
    a.status = 'acknowledged';
    a.since = now;
    return undefined;
  });
}

/** Back to firing: reminders resume one throttle period from now. */
export function unacknowledge(
  state: RuleAlertState,
  group: string,
  now: number,
): AlertCommandResult {
  return withGroup(state, group, (a) => {
    if (a.status !== 'acknowledged') return 'not_acknowledged';
    a.status = 'firing';
    a.since = now;
    for (const reminder of Object.values(a.reminders)) reminder.last_at = now;
    return undefined;
  });
}

/** Holds notifications of the rule, or of one of its groups, until `until` (0 lifts the snooze). */
export function snooze(state: RuleAlertState, until: number, group?: string): AlertCommandResult {
  if (group === undefined) {
    const next = structuredClone(state);
    next.snoozed_until = until;
    return { ok: true, state: next };
  }
  return withGroup(state, group, (a) => {
    a.snoozed_until = until;
    return undefined;
  });
}
