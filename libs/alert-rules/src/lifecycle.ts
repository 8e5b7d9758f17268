import { durationMs } from './duration';
import type { GroupVerdict } from './condition';
import type { Rule } from './rule.schema';
import type { Values } from './rule-values';

export const alertStatuses = ['ok', 'pending', 'firing', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof alertStatuses)[number];

/** The lifecycle of one alert (a rule, or one group of a grouped rule). */
export interface AlertInstance {
  status: AlertStatus;
  /** Episode of the current or last firing; unique within the rule, so it names notifications. */
  episode: number;
  since: number;
  pending_since?: number;
  values?: Values;
  /** Times of recent firing/resolving changes, for flapping detection. */
  transitions: number[];
  flapping: boolean;
  /** Highest episode whose firing, resp. resolution, was notified. */
  notified_firing: number;
  notified_resolved: number;
  /** Per action: reminders sent in this episode and when the action last sent. */
  reminders: Record<string, { count: number; last_at: number }>;
  snoozed_until?: number;
  last_evaluated_at?: number;
}

/** What the alert state index holds per rule. */
export interface RuleAlertState {
  rule_id: string;
  /** The last episode number handed out; episodes never repeat within a rule. */
  last_episode: number;
  snoozed_until?: number;
  groups: Record<string, AlertInstance>;
}

export type NoticeKind = 'firing' | 'resolved' | 'reminder';

export interface Notice {
  kind: NoticeKind;
  group: string;
  episode: number;
  action_id: string;
  /** Reminder number within the episode; 0 for firing and resolved. */
  sequence: number;
  values: Values;
  status: AlertStatus;
}

export interface Transition {
  group: string;
  before: AlertStatus;
  after: AlertStatus;
}

export function emptyRuleState(ruleId: string): RuleAlertState {
  return { rule_id: ruleId, last_episode: 0, groups: {} };
}

export function newInstance(now: number): AlertInstance {
  return {
    status: 'ok',
    episode: 0,
    since: now,
    transitions: [],
    flapping: false,
    notified_firing: 0,
    notified_resolved: 0,
    reminders: {},
  };
}

interface StepContext {
  rule: Rule;
  now: number;
  nextEpisode: () => number;
}

function fire(a: AlertInstance, ctx: StepContext): void {
  a.status = 'firing';
  a.episode = ctx.nextEpisode();
  a.since = ctx.now;
  a.pending_since = undefined;
  a.transitions.push(ctx.now);
  a.reminders = {};
}

function move(a: AlertInstance, status: AlertStatus, now: number): void {
  a.status = status;
  a.since = now;
}

function updateFlapping(a: AlertInstance, rule: Rule, now: number): void {
  if (!rule.flapping) {
    a.transitions = a.transitions.slice(-2);
    a.flapping = false;
    return;
  }
  const from = now - durationMs(rule.flapping.window);
  a.transitions = a.transitions.filter((t) => t >= from);
  a.flapping = a.transitions.length >= rule.flapping.max_transitions;
}

/** Moves one alert along ok → pending → firing → (acknowledged) → resolved → ok. */
export function advance(a: AlertInstance, verdict: GroupVerdict, ctx: StepContext): void {
  const { rule, now } = ctx;
  updateFlapping(a, rule, now);
  switch (a.status) {
    case 'ok':
    case 'resolved':
      if (!verdict.met) {
        if (a.status === 'resolved') move(a, 'ok', now);
      } else if (rule.pending_period) {
        move(a, 'pending', now);
        a.pending_since = now;
        if (durationMs(rule.pending_period) === 0) fire(a, ctx);
      } else fire(a, ctx);
      break;
    case 'pending':
      if (!verdict.met) {
        move(a, 'ok', now);
        a.pending_since = undefined;
      } else if (now - (a.pending_since ?? now) >= durationMs(rule.pending_period ?? '0s')) {
        fire(a, ctx);
      }
      break;
    case 'firing':
    case 'acknowledged':
      // Damping: a flapping alert stays active until its changes calm down.
      if (verdict.recovered && !a.flapping) {
        move(a, 'resolved', now);
        a.transitions.push(now);
      }
      break;
  }
  updateFlapping(a, rule, now);
  a.values = verdict.values;
  a.last_evaluated_at = now;
}

/**
 * The notifications an alert owes, from its state and what was already
 * notified: a firing not yet notified, a resolution of a notified firing,
 * reminders after each action's throttle period. Nothing while snoozed; what
 * a snooze held back is sent when it ends, if still true.
 */
export function owedNotices(
  a: AlertInstance,
  group: string,
  rule: Rule,
  now: number,
  ruleSnoozedUntil?: number,
): Notice[] {
  const snoozedUntil = Math.max(a.snoozed_until ?? 0, ruleSnoozedUntil ?? 0);
  if (now < snoozedUntil) return [];
  const notices: Notice[] = [];
  const notice = (kind: NoticeKind, actionId: string, sequence = 0) =>
    notices.push({
      kind,
      group,
      episode: a.episode,
      action_id: actionId,
      sequence,
      values: a.values ?? {},
      status: a.status,
    });
  const active = a.status === 'firing' || a.status === 'acknowledged';
  if (active && a.notified_firing < a.episode) {
    for (const action of rule.actions) {
      notice('firing', action.id);
      a.reminders[action.id] = { count: 0, last_at: now };
    }
    a.notified_firing = a.episode;
  } else if (!active && a.episode > 0 && a.notified_firing === a.episode) {
    if (a.notified_resolved < a.episode) {
      for (const action of rule.actions) notice('resolved', action.id);
      a.notified_resolved = a.episode;
    }
  } else if (a.status === 'firing' && a.notified_firing === a.episode) {
    for (const action of rule.actions) {
      if (!action.throttle_period) continue;
      const last = a.reminders[action.id] ?? { count: 0, last_at: a.since };
      if (now - last.last_at < durationMs(action.throttle_period)) continue;
      a.reminders[action.id] = { count: last.count + 1, last_at: now };
      notice('reminder', action.id, last.count + 1);
    }
  }
  return notices;
}
