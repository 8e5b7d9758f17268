import { createHash } from 'node:crypto';
import type { Notice, NoticeKind } from './lifecycle';
import type { Rule } from './rule.schema';
import type { Values } from './rule-values';

/** One alert as templates and receivers see it. */
export interface AlertView {
  group: string;
  kind: NoticeKind;
  status: string;
  episode: number;
  values: Values;
  /** `transform` fields of the rule. */
  fields: Record<string, number | null>;
}

/** A notification to deliver through one action: one alert, or a digest of several. */
export interface Notification {
  /** The idempotency key: recorded before sending, sent as a header, the same on every retry. */
  key: string;
  rule_id: string;
  action_id: string;
  kind: NoticeKind;
  group: string;
  view: NotificationView;
}

export interface NotificationView {
  rule: { id: string; name: string; type: string };
  kind: NoticeKind;
  group: string;
  status: string;
  episode: number;
  value: number | null;
  values: Values;
  fields: Record<string, number | null>;
  at: string;
  /** Every alert of a digest (one entry for a single notification). */
  alerts: AlertView[];
  digest: boolean;
}

const MAX_KEY_PART = 120;

function keyPart(text: string): string {
  const safe = encodeURIComponent(text);
  if (safe.length <= MAX_KEY_PART) return safe;
  return `h-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
}

/** Deterministic: the same transition of the same alert always gets the same key. */
export function noticeKey(ruleId: string, notice: Notice): string {
  const base = [ruleId, keyPart(notice.group), `e${notice.episode}`, notice.kind, notice.action_id];
  if (notice.kind === 'reminder') base.push(`r${notice.sequence}`);
  return base.join(':');
}

function alertView(rule: Rule, notice: Notice): AlertView {
  const fields: Record<string, number | null> = {};
  for (const [name, path] of Object.entries(rule.transform ?? {})) {
    fields[name] = notice.values[path] ?? null;
  }
  return {
    group: notice.group,
    kind: notice.kind,
    status: notice.status,
    episode: notice.episode,
    values: notice.values,
    fields,
  };
}

function view(rule: Rule, alerts: AlertView[], now: number, digest: boolean): NotificationView {
  const first = alerts[0];
  if (!first) throw new RangeError('a notification needs at least one alert');
  return {
    rule: { id: rule.id, name: rule.name, type: rule.type },
    kind: first.kind,
    group: digest ? alerts.map((a) => a.group).join(',') : first.group,
    status: first.status,
    episode: first.episode,
    value: first.values.value ?? null,
    values: first.values,
    fields: first.fields,
    at: new Date(now).toISOString(),
    alerts,
    digest,
  };
}

/**
 * The notifications of one evaluation: one per notice, or with `digest` one
 * per action and kind listing every alert (its key derives from the keys of
 * the alerts it carries, so it is as deterministic as theirs).
 */
export function buildNotifications(rule: Rule, notices: Notice[], now: number): Notification[] {
  const single = (n: Notice): Notification => ({
    key: noticeKey(rule.id, n),
    rule_id: rule.id,
    action_id: n.action_id,
    kind: n.kind,
    group: n.group,
    view: view(rule, [alertView(rule, n)], now, false),
  });
  if (!rule.digest) return notices.map(single);
  const batches = new Map<string, Notice[]>();
  for (const n of notices) {
    const id = `${n.action_id}:${n.kind}`;
    batches.set(id, [...(batches.get(id) ?? []), n]);
  }
  return [...batches.values()].map((batch) => {
    const [first, ...others] = batch;
    if (!first) throw new RangeError('empty digest batch');
    if (others.length === 0) return single(first);
    const keys = batch.map((n) => noticeKey(rule.id, n)).sort();
    const digest = createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 32);
    return {
      key: [rule.id, 'digest', first.kind, first.action_id, digest].join(':'),
      rule_id: rule.id,
      action_id: first.action_id,
      kind: first.kind,
      group: batch.map((n) => n.group).join(','),
      view: view(
        rule,
        batch.map((n) => alertView(rule, n)),
        now,
        true,
      ),
    };
  });
}
