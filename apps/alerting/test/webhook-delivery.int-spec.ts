import { verifySignature } from '@meetup/webhook-delivery';
import type { ServiceProcess } from '@meetup/test-support';
import {
  AlertingApi,
  AlertingFixture,
  WebhookReceiver,
  eventually,
  gaugeRule,
} from './alerting-harness';

describe('webhook delivery', () => {
  const fixture = new AlertingFixture();
  const receiver = new WebhookReceiver();
  let service: ServiceProcess;

  beforeAll(async () => {
    await fixture.setUp();
    await receiver.start();
    service = await fixture.startAlerting();
  });

  afterAll(async () => {
    await service.stop();
    await receiver.stop();
    await fixture.tearDown();
  });

  it('retries a failing receiver (500, timeout) and delivers once, with attempts in history and a valid HMAC', async () => {
    const secret = 'per-action-secret-42';
    receiver.script('/flaky', [{ status: 500 }, { status: 504, delayMs: 2_000 }, { status: 503 }]);
    await new AlertingApi(service.baseUrl).createRule(
      gaugeRule('flaky', fixture, receiver, {
        actions: [
          {
            id: 'hook',
            type: 'webhook',
            url: receiver.url('/flaky'),
            secret,
            headers: { 'X-Team': 'alerts' },
            body: '{"text":"{{rule.name}} is {{kind}} at {{value}}","key":"{{group}}"}',
            timeout: '500ms',
            retries: 3,
            backoff: '100ms',
          },
        ],
      }),
    );
    await fixture.setGauge('flaky', 150);
    await eventually(() => receiver.delivered('/flaky').length === 1, 'the delivery');

    const requests = receiver.received.filter((r) => r.path === '/flaky');
    expect(requests.map((r) => r.status)).toEqual([500, 504, 503, 200]);
    expect(new Set(requests.map((r) => r.key)).size).toBe(1);
    for (const r of requests) expect(verifySignature(r.body, secret, r.signature)).toBe(true);
    // W3C trace context: one trace (the rule's evaluation), one span per attempt.
    const contexts = requests.map((r) =>
      /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(r.traceparent ?? ''),
    );
    expect(contexts.every((c) => c !== null)).toBe(true);
    expect(new Set(contexts.map((c) => c?.[1])).size).toBe(1);
    expect(new Set(contexts.map((c) => c?.[2])).size).toBe(4);
    expect(requests[0]?.json).toEqual({ text: 'gauge flaky is firing at 150', key: '_all' });

    const key = requests[0]!.key;
    const attempts = await eventually(async () => {
      await fixture.es.indices.refresh({ index: fixture.historyIndex });
      const found = await fixture.es.search<{ outcome: string; error?: string; attempts: number }>({
        index: fixture.historyIndex,
        size: 20,
        query: { term: { idempotency_key: key } },
        sort: [{ '@timestamp': 'asc' }],
      });
      const docs = found.hits.hits.map((h) => h._source!);
      return docs.some((d) => d.outcome === 'delivered' && d.attempts === 4) ? docs : undefined;
    }, 'the attempts in history');
    const perAttempt = attempts.filter((d) => d.attempts !== 4 || d.error === undefined);
    expect(perAttempt.map((d) => d.error ?? d.outcome)).toEqual(
      expect.arrayContaining(['http_500', 'timeout', 'http_503', 'delivered']),
    );
    const history = JSON.stringify(attempts);
    expect(history).not.toContain(secret);
    expect(service.output()).not.toContain(secret);
    await fixture.evaluatedMore('flaky', 2);
    expect(receiver.delivered('/flaky')).toHaveLength(1);
  });
});
