import { durationMs, type Rule } from '@meetup/alert-rules';
import type { Logger } from '@meetup/observability';
import { renderBody, type DeliveryResult, type WebhookSender } from '@meetup/webhook-delivery';
import type { AlertingMetrics } from '../alerting.metrics';
import type { HistoryRecord, HistoryWriter } from '../store/history-writer';
import type { OutboxEntry, OutboxStore } from '../store/outbox-store';

export interface DispatcherDeps {
  outbox: OutboxStore;
  history: HistoryWriter;
  sender: WebhookSender;
  metrics: AlertingMetrics;
  logger: Logger;
  replica: string;
}

/** A pending entry gives up after this many delivery rounds (each with its own retries). */
const MAX_ROUNDS = 5;

/** Delivers recorded notifications; the outbox entry is marked sent only after delivery. */
export class NotificationDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async deliver(rule: Rule, entries: OutboxEntry[]): Promise<void> {
    for (const entry of entries) {
      if (entry.doc.status !== 'pending') continue;
      await this.deliverOne(rule, entry);
    }
  }

  private async deliverOne(rule: Rule, found: OutboxEntry): Promise<void> {
    // Searches are near-real-time: re-read the entry (a real-time get) so one marked sent a
    // moment ago is not sent again, and the update below uses its current version.
    const entry = await this.deps.outbox.get(found.key);
    if (entry?.doc.status !== 'pending') return;
    const action = rule.actions.find((a) => a.id === entry.doc.action_id);
    const result = await this.send(rule, entry, action);
    const now = Date.now();
    const records: HistoryRecord[] = result.attempts.map((attempt) => ({
      ...this.base(entry, now),
      kind: 'notification_attempt',
      outcome: attempt.error === undefined ? 'delivered' : 'failed',
      attempts: attempt.attempt,
      latency_ms: attempt.latencyMs,
      error: attempt.error,
    }));
    records.push({
      ...this.base(entry, now),
      kind: 'notification',
      outcome: result.outcome,
      attempts: result.attempts.length,
      error: result.error,
    });
    await this.deps.history.write(records);
    const actionType = action?.type ?? 'unknown';
    if (result.outcome === 'delivered') {
      this.deps.metrics.notificationsSent.inc({ action_type: actionType, kind: entry.doc.kind });
      await this.deps.outbox.update(entry, {
        status: 'sent',
        sent_at: now,
        replica: this.deps.replica,
      });
      return;
    }
    this.deps.metrics.notificationsFailed.inc({
      action_type: actionType,
      reason: result.error ?? 'failed',
    });
    const rounds = entry.doc.rounds + 1;
    const giveUp = result.outcome === 'refused' || rounds >= MAX_ROUNDS;
    await this.deps.outbox.update(entry, { rounds, status: giveUp ? 'failed' : 'pending' });
  }

  private async send(
    rule: Rule,
    entry: OutboxEntry,
    action: Rule['actions'][number] | undefined,
  ): Promise<DeliveryResult> {
    if (!action) return { outcome: 'refused', attempts: [], error: 'action_removed' };
    if (action.type === 'log') {
      this.deps.logger.info(
        { rule_id: rule.id, group: entry.doc.group, kind: entry.doc.kind, key: entry.key },
        'alert notification',
      );
      return { outcome: 'delivered', attempts: [] };
    }
    return this.deps.sender.send({
      url: action.url,
      method: action.method,
      headers: action.headers,
      body: renderBody(action.body, entry.doc.view),
      secret: action.secret,
      idempotencyKey: entry.key,
      timeoutMs: durationMs(action.timeout),
      retries: action.retries,
      backoffMs: durationMs(action.backoff),
    });
  }

  private base(entry: OutboxEntry, now: number) {
    return {
      '@timestamp': new Date(now).toISOString(),
      rule_id: entry.doc.rule_id,
      group: entry.doc.group,
      action_id: entry.doc.action_id,
      idempotency_key: entry.key,
      replica: this.deps.replica,
    };
  }
}
