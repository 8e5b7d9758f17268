import type { ServiceProcess } from '@meetup/test-support';
import {
  AlertingApi,
  AlertingFixture,
  WebhookReceiver,
  eventually,
  gaugeRule,
  kinds,
} from './alerting-harness';

const MIN = 60_000;

describe('alerting rules against real Elasticsearch and a real webhook receiver', () => {
  const fixture = new AlertingFixture();
  const receiver = new WebhookReceiver();
  let service: ServiceProcess;
  let api: AlertingApi;

  beforeAll(async () => {
    await fixture.setUp();
    await receiver.start();
    service = await fixture.startAlerting();
    api = new AlertingApi(service.baseUrl);
  });

  afterAll(async () => {
    await service.stop();
    await receiver.stop();
    await fixture.tearDown();
  });

  const at = (path: string) => receiver.delivered(path);

  it('fires a threshold rule once, throttles while firing, and resolves only under the recovery threshold', async () => {
    await api.createRule(gaugeRule('threshold', fixture, receiver, {}));
    await fixture.setGauge('threshold', 150);
    await eventually(() => at('/threshold').length === 1, 'the firing notification');
    await fixture.evaluatedMore('threshold', 3);
    expect(kinds(at('/threshold'))).toEqual(['firing']);

    await fixture.setGauge('threshold', 90);
    await fixture.evaluatedMore('threshold', 3);
    expect(kinds(at('/threshold'))).toEqual(['firing']);

    await fixture.setGauge('threshold', 70);
    await eventually(() => at('/threshold').length === 2, 'the resolved notification');
    expect(kinds(at('/threshold'))).toEqual(['firing', 'resolved']);
    const [firing] = at('/threshold');
    expect(firing?.json).toMatchObject({ rule: { id: 'threshold' }, group: '_all', value: 150 });
  });

  it('fires spike, flatline, new-term and trending rules on data made for them and stays quiet otherwise', async () => {
    const spikeDocs = (rule: string, previous: number, current: number) => [
      ...Array.from({ length: previous }, () => ({ rule, agoMs: 15 * MIN })),
      ...Array.from({ length: current }, () => ({ rule, agoMs: MIN })),
    ];
    await fixture.addDocs([
      ...spikeDocs('spike-hot', 2, 12),
      ...spikeDocs('spike-flat', 5, 6),
      { rule: 'flat-dead', agoMs: 30 * MIN },
      { rule: 'flat-alive', agoMs: 30 * MIN },
      { rule: 'flat-alive', agoMs: MIN },
      { rule: 'nt', topic: 'old-topic', agoMs: 24 * 60 * MIN },
      { rule: 'nt', topic: 'old-topic', agoMs: MIN },
      { rule: 'nt', topic: 'brand-new', agoMs: MIN },
    ]);
    const now = Date.now();
    await fixture.es.bulk({
      refresh: true,
      operations: [
        ['hot', 5],
        ['cool', 1.2],
      ].flatMap(([topic, score]) => [
        { index: { _index: fixture.trendingIndex } },
        {
          window_start: now - 5 * MIN,
          window_end: now - 1000,
          topic_urlkey: topic,
          count: 20,
          score,
        },
      ]),
    });
    const hook = (id: string) => [{ id: 'hook', type: 'webhook', url: receiver.url(`/${id}`) }];
    const input = (rule: string, window = '10m') => ({
      index: fixture.dataIndex,
      window,
      query: { term: { rule } },
    });
    for (const id of ['spike-hot', 'spike-flat']) {
      await api.createRule({
        id,
        name: id,
        type: 'spike',
        trigger: { interval: '1s' },
        input: input(id),
        spike: { ratio: 3, min_count: 5, direction: 'up' },
        actions: hook(id),
      });
    }
    for (const id of ['flat-dead', 'flat-alive']) {
      await api.createRule({
        id,
        name: id,
        type: 'flatline',
        trigger: { interval: '1s' },
        input: input(id),
        condition: { op: 'lt', value: 1 },
        actions: hook(id),
      });
    }
    await api.createRule({
      id: 'new-topic',
      name: 'a topic never seen before',
      type: 'new_term',
      trigger: { interval: '1s' },
      input: input('nt'),
      new_term: { field: 'topic', lookback: '7d' },
      actions: hook('new-topic'),
    });
    await api.createRule({
      id: 'trending',
      name: 'trending topic',
      type: 'trending',
      trigger: { interval: '1s' },
      input: { window: '10m' },
      condition: { op: 'gte', value: 3 },
      actions: hook('trending'),
    });

    for (const id of ['spike-hot', 'flat-dead', 'new-topic', 'trending']) {
      await eventually(() => at(`/${id}`).length > 0, `a notification of ${id}`);
    }
    await fixture.evaluatedMore('spike-flat', 2);
    await fixture.evaluatedMore('flat-alive', 2);
    expect(at('/spike-flat')).toEqual([]);
    expect(at('/flat-alive')).toEqual([]);
    expect(at('/new-topic').map((r) => r.json.group)).toEqual(['brand-new']);
    expect(at('/trending').map((r) => r.json.group)).toEqual(['hot']);
    expect(at('/spike-hot')[0]?.json).toMatchObject({
      kind: 'firing',
      values: { current: 12, previous: 2 },
    });
  });

  it('gives two countries over the threshold two alerts, and a digest one notification listing both', async () => {
    await fixture.addDocs([
      ...['us', 'us', 'us', 'us', 'de', 'de', 'de', 'de', 'de', 'fr'].map((country) => ({
        rule: 'countries',
        country,
      })),
    ]);
    const grouped = (id: string, digest: boolean) => ({
      id,
      name: id,
      type: 'frequency',
      trigger: { interval: '1s' },
      input: {
        index: fixture.dataIndex,
        window: '10m',
        query: { term: { rule: 'countries' } },
        group_by: { field: 'country', size: 10 },
      },
      condition: { op: 'gte', value: 3 },
      digest,
      actions: [{ id: 'hook', type: 'webhook', url: receiver.url(`/${id}`) }],
    });
    await api.createRule(grouped('by-country', false));
    await api.createRule(grouped('by-country-digest', true));

    await eventually(() => at('/by-country').length === 2, 'one notification per country');
    expect(
      at('/by-country')
        .map((r) => r.json.group)
        .sort(),
    ).toEqual(['de', 'us']);
    await eventually(() => at('/by-country-digest').length === 1, 'the digest');
    await fixture.evaluatedMore('by-country-digest', 2);
    expect(at('/by-country-digest')).toHaveLength(1);
    const digest = at('/by-country-digest')[0]?.json as {
      alerts: { group: string }[];
      digest: boolean;
    };
    expect(digest.digest).toBe(true);
    expect(digest.alerts.map((a) => a.group).sort()).toEqual(['de', 'us']);
    const { body } = await api.call('GET', '/alerts?rule_id=by-country&state=firing');
    expect((body.alerts as { group: string }[]).map((a) => a.group).sort()).toEqual(['de', 'us']);
  });

  it('stops reminders when acknowledged and notifies a new firing after a resolve', async () => {
    const reminding = {
      actions: [{ id: 'hook', type: 'webhook', url: receiver.url('/ack'), throttle_period: '1s' }],
    };
    await api.createRule(gaugeRule('ack', fixture, receiver, reminding));
    await fixture.setGauge('ack', 150);
    await eventually(() => kinds(at('/ack')).includes('reminder'), 'a reminder while firing');

    expect((await api.call('POST', '/rules/ack/_execute', {})).status).toBe(200);
    const ack = await api.call('POST', '/alerts/ack/_ack', {});
    expect(ack.status).toBe(200);
    await fixture.evaluatedMore('ack', 2);
    const afterAck = at('/ack').length;
    await fixture.evaluatedMore('ack', 4);
    expect(at('/ack')).toHaveLength(afterAck);

    await fixture.setGauge('ack', 10);
    await eventually(() => kinds(at('/ack')).includes('resolved'), 'the resolved notification');
    await fixture.setGauge('ack', 150);
    await eventually(
      () => kinds(at('/ack')).filter((k) => k === 'firing').length === 2,
      'a new firing',
    );
    const episodes = at('/ack')
      .filter((r) => r.json.kind === 'firing')
      .map((r) => r.json.episode);
    expect(episodes).toEqual([1, 2]);
  });

  it('holds notifications while snoozed and sends them when the snooze ends', async () => {
    await api.createRule(gaugeRule('snoozed', fixture, receiver, { enabled: true }));
    // Long enough that a loaded CI machine still evaluates the rule while it is snoozed.
    const until = Date.now() + 15_000;
    const snooze = await api.call('POST', '/alerts/snoozed/_snooze', {
      until: new Date(until).toISOString(),
    });
    expect(snooze.status).toBe(200);
    await fixture.setGauge('snoozed', 150);
    await eventually(async () => {
      const { body } = await api.call('GET', '/alerts?rule_id=snoozed');
      return (body.alerts as { status: string }[])[0]?.status === 'firing';
    }, 'the alert firing while snoozed');
    expect(at('/snoozed').filter((r) => r.at < until)).toEqual([]);
    await eventually(() => at('/snoozed').length === 1, 'the firing after the snooze');
    expect(at('/snoozed')[0]!.at).toBeGreaterThanOrEqual(until);
  });

  it('dry-runs without sending or recording, names invalid fields, and refuses private addresses', async () => {
    await api.createRule(gaugeRule('dry', fixture, receiver, { enabled: false }));
    await fixture.setGauge('dry', 500);
    const run = await api.call('POST', '/rules/dry/_execute', {});
    expect(run.status).toBe(200);
    expect(run.body.notifications).toEqual([
      expect.objectContaining({ kind: 'firing', simulated: true, action_id: 'hook' }),
    ]);
    const alternative = await api.call('POST', '/rules/dry/_execute', {
      input: { index: fixture.dataIndex, window: '1h', query: { term: { rule: 'nothing' } } },
    });
    expect(alternative.body.notifications).toEqual([]);
    expect(at('/dry')).toEqual([]);
    expect((await api.call('GET', '/alerts?rule_id=dry')).body.alerts).toEqual([]);

    const invalid = await api.call('POST', '/rules', {
      id: 'bad',
      name: 'bad',
      type: 'threshold',
      trigger: { interval: 'often' },
      condition: { op: 'above', value: 'x' },
      actions: [],
    });
    expect(invalid.status).toBe(400);
    const fields = (invalid.body.problems as { field: string }[]).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['trigger.interval', 'condition', 'actions']));

    const privateHook = await api.call('POST', '/rules', {
      ...gaugeRule('private', fixture, receiver),
      actions: [{ id: 'hook', type: 'webhook', url: 'http://10.1.2.3/hook' }],
    });
    expect(privateHook.status).toBe(400);
    expect(privateHook.body.problems).toEqual([
      { field: 'actions.0.url', message: expect.stringContaining('private') as string },
    ]);
    expect((await api.call('GET', '/rules', undefined, 'wrong-token')).status).toBe(401);
    const openapi = await fetch(`${service.baseUrl}/openapi.json`).then(
      (r) => r.json() as Promise<{ paths: object }>,
    );
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/rules', '/rules/{id}/_execute']),
    );
  });
});
