import { Writable } from 'node:stream';
import { parseRule, type NotificationView, type Rule } from '@meetup/alert-rules';
import { createLogger, Registry } from '@meetup/observability';
import type { DeliveryResult, WebhookRequest, WebhookSender } from '@meetup/webhook-delivery';
import { AlertingMetrics } from '../alerting.metrics';
import type { HistoryRecord, HistoryWriter } from '../store/history-writer';
import type { OutboxDoc, OutboxEntry, OutboxStore } from '../store/outbox-store';
import { NotificationDispatcher } from './notification-dispatcher';

const rule: Rule = (() => {
  const parsed = parseRule({
    id: 'hot',
    name: 'hot topics',
    type: 'trending',
    trigger: { interval: '30s' },
    condition: { op: 'gte', value: 3 },
    actions: [
      { id: 'log', type: 'log' },
      {
        id: 'hook',
        type: 'webhook',
        url: 'https://hooks.example.com/a',
        body: '{"rule":"{{rule.name}}","group":"{{group}}"}',
        retries: 2,
      },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.rule;
})();

const view = {
  rule: { id: 'hot', name: 'hot topics', type: 'trending' },
  kind: 'fired',
  group: 'de',
  status: 'firing',
  episode: 1,
  value: 4,
  values: {},
  fields: {},
  at: '2024-05-03T12:00:00.000Z',
  alerts: [],
  digest: false,
} as unknown as NotificationView;

function entry(key: string, actionId: string, doc: Partial<OutboxDoc> = {}): OutboxEntry {
  return {
    key,
    version: { seqNo: 1, primaryTerm: 1 },
    doc: {
      rule_id: 'hot',
      group: 'de',
      kind: 'fired',
      action_id: actionId,
      status: 'pending',
      rounds: 0,
      view,
      created_at: 0,
      replica: 'r1',
      ...doc,
    },
  };
}

/** The outbox as its store keeps it: a real-time get by key, updates merged into the entry. */
class Outbox {
  readonly entries = new Map<string, OutboxEntry>();

  constructor(...entries: OutboxEntry[]) {
    for (const e of entries) this.entries.set(e.key, e);
  }

  get(key: string): Promise<OutboxEntry | undefined> {
    return Promise.resolve(this.entries.get(key));
  }

  update(current: OutboxEntry, changes: Partial<OutboxDoc>): Promise<void> {
    this.entries.set(current.key, { ...current, doc: { ...current.doc, ...changes } });
    return Promise.resolve();
  }
}

function dispatcher(outbox: Outbox, results: DeliveryResult[]) {
  const requests: WebhookRequest[] = [];
  const history: HistoryRecord[] = [];
  const logs: Record<string, unknown>[] = [];
  const subject = new NotificationDispatcher({
    outbox: outbox as unknown as OutboxStore,
    history: {
      write: (records: HistoryRecord[]) => {
        history.push(...records);
        return Promise.resolve();
      },
    } as unknown as HistoryWriter,
    sender: {
      send: (request: WebhookRequest) => {
        requests.push(request);
        return Promise.resolve(results.shift() ?? { outcome: 'delivered', attempts: [] });
      },
    } as unknown as WebhookSender,
    metrics: new AlertingMetrics(new Registry()),
    logger: createLogger(
      { serviceName: 'alerting', level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      }),
    ),
    replica: 'r1',
  });
  return { subject, requests, history, logs };
}

const attempt = (n: number, error?: string) => ({
  attempt: n,
  status: error ? 500 : 200,
  error,
  latencyMs: 5,
});

describe('NotificationDispatcher', () => {
  it('sends a webhook with its rendered body under the entry’s idempotency key, then marks it sent', async () => {
    const outbox = new Outbox(entry('k1', 'hook'));
    const { subject, requests, history } = dispatcher(outbox, [
      { outcome: 'delivered', attempts: [attempt(1, 'http_500'), attempt(2)] },
    ]);
    await subject.deliver(rule, [entry('k1', 'hook')]);
    expect(requests).toEqual([
      expect.objectContaining({
        url: 'https://hooks.example.com/a',
        idempotencyKey: 'k1',
        body: '{"rule":"hot topics","group":"de"}',
        retries: 2,
      }),
    ]);
    expect(outbox.entries.get('k1')?.doc).toMatchObject({ status: 'sent', replica: 'r1' });
    expect(history.map((h) => [h.kind, h.outcome, h.attempts])).toEqual([
      ['notification_attempt', 'failed', 1],
      ['notification_attempt', 'delivered', 2],
      ['notification', 'delivered', 2],
    ]);
    expect(history.every((h) => h.idempotency_key === 'k1' && h.action_id === 'hook')).toBe(true);
  });

  it('does not send again an entry that was marked sent since it was found', async () => {
    const outbox = new Outbox(entry('k1', 'hook', { status: 'sent' }));
    const { subject, requests, history } = dispatcher(outbox, []);
    await subject.deliver(rule, [entry('k1', 'hook')]);
    expect(requests).toEqual([]);
    expect(history).toEqual([]);
  });

  it('keeps a failed entry pending for the next round, and gives up after the fifth', async () => {
    const outbox = new Outbox(entry('k1', 'hook', { rounds: 3 }));
    const failed: DeliveryResult = {
      outcome: 'failed',
      attempts: [attempt(1, 'timeout')],
      error: 'timeout',
    };
    const { subject } = dispatcher(outbox, [failed, failed]);
    await subject.deliver(rule, [entry('k1', 'hook')]);
    expect(outbox.entries.get('k1')?.doc).toMatchObject({ status: 'pending', rounds: 4 });
    await subject.deliver(rule, [outbox.entries.get('k1')!]);
    expect(outbox.entries.get('k1')?.doc).toMatchObject({ status: 'failed', rounds: 5 });
  });

  it('gives up at once on a refused webhook', async () => {
    const outbox = new Outbox(entry('k1', 'hook'));
    const { subject, history } = dispatcher(outbox, [
      { outcome: 'refused', attempts: [], error: 'private_address' },
    ]);
    await subject.deliver(rule, [entry('k1', 'hook')]);
    expect(outbox.entries.get('k1')?.doc).toMatchObject({ status: 'failed', rounds: 1 });
    expect(history).toEqual([
      expect.objectContaining({
        kind: 'notification',
        outcome: 'refused',
        error: 'private_address',
      }),
    ]);
  });

  it('gives up on an entry whose action was removed from the rule, without sending', async () => {
    const outbox = new Outbox(entry('k1', 'gone'));
    const { subject, requests, history } = dispatcher(outbox, []);
    await subject.deliver(rule, [entry('k1', 'gone')]);
    expect(requests).toEqual([]);
    expect(outbox.entries.get('k1')?.doc.status).toBe('failed');
    expect(history.at(-1)).toMatchObject({ outcome: 'refused', error: 'action_removed' });
  });

  it('delivers a log action as a log line', async () => {
    const outbox = new Outbox(entry('k1', 'log'));
    const { subject, requests, logs } = dispatcher(outbox, []);
    await subject.deliver(rule, [entry('k1', 'log')]);
    expect(requests).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'alert notification', rule_id: 'hot', key: 'k1' }),
    );
    expect(outbox.entries.get('k1')?.doc.status).toBe('sent');
  });

  it('skips entries found already sent or failed', async () => {
    const outbox = new Outbox(entry('k1', 'hook'));
    const { subject, requests } = dispatcher(outbox, []);
    await subject.deliver(rule, [
      entry('k1', 'hook', { status: 'failed' }),
      entry('k2', 'hook', { status: 'sent' }),
    ]);
    expect(requests).toEqual([]);
  });
});
