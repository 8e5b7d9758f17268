import type { ServiceProcess } from '@meetup/test-support';
import {
  API_TOKEN,
  AlertingApi,
  AlertingFixture,
  gaugeRule,
  WebhookReceiver,
} from './alerting-harness';

/** Every route of the API, with a body where it takes one. */
const ROUTES: [string, string, unknown?][] = [
  ['GET', '/rules'],
  ['POST', '/rules', { id: 'intruder', name: 'x' }],
  ['GET', '/rules/any'],
  ['PUT', '/rules/any', { id: 'any', name: 'x' }],
  ['DELETE', '/rules/any'],
  ['POST', '/rules/any/_execute', {}],
  ['GET', '/alerts'],
  ['POST', '/alerts/any/_ack', {}],
  ['POST', '/alerts/any/_unack', {}],
  ['POST', '/alerts/any/_snooze', { until: '2030-01-01T00:00:00Z' }],
];

/** Authorization headers that must not pass: none, wrong, near misses, other schemes. */
const BAD_CREDENTIALS: (string | undefined)[] = [
  undefined,
  '',
  'Bearer',
  'Bearer wrong-token-0123456789ab',
  `Bearer ${API_TOKEN.slice(0, -1)}`,
  `Bearer ${API_TOKEN}x`,
  `Bearer ${API_TOKEN.toUpperCase()}`,
  `Basic ${Buffer.from(`user:${API_TOKEN}`).toString('base64')}`,
  API_TOKEN,
];

describe('the alerting API against hostile requests', () => {
  const fixture = new AlertingFixture();
  const receiver = new WebhookReceiver();
  let service: ServiceProcess;
  let api: AlertingApi;

  const raw = (method: string, path: string, body: string, contentType = 'application/json') =>
    fetch(service.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': contentType },
      body,
    }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as Record<string, unknown>,
    }));

  beforeAll(async () => {
    await fixture.setUp();
    await receiver.start();
    // As in production: no loopback or private targets, any public one.
    service = await fixture.startAlerting({
      WEBHOOK_ALLOWLIST: '*',
      WEBHOOK_ALLOW_LOOPBACK: 'false',
      LOG_LEVEL: 'debug',
    });
    api = new AlertingApi(service.baseUrl);
  });

  afterAll(async () => {
    await service.stop();
    await receiver.stop();
    await fixture.tearDown();
  });

  it('answers 401 on every route to a missing, wrong or malformed token, and changes nothing', async () => {
    const answers: string[] = [];
    for (const [method, path, body] of ROUTES) {
      for (const authorization of BAD_CREDENTIALS) {
        const response = await fetch(service.baseUrl + path, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(authorization === undefined ? {} : { authorization }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        answers.push(`${method} ${path} ${response.status} ${text}`);
        // The answer never echoes what was sent.
        expect(text).not.toContain(API_TOKEN.slice(4, -4));
      }
    }
    const refusal = '401 {"error":"unauthorized","message":"a valid bearer token is required"}';
    expect(answers.filter((answer) => !answer.endsWith(refusal))).toEqual([]);
    expect(answers).toHaveLength(ROUTES.length * BAD_CREDENTIALS.length);
    expect((await api.call('GET', '/rules')).body.rules).toEqual([]);
  });

  it('refuses to snooze a rule that does not exist instead of creating state for it', async () => {
    const answer = await api.call('POST', '/alerts/no-such-rule/_snooze', {
      until: '2030-01-01T00:00:00Z',
    });
    expect(answer).toEqual({
      status: 404,
      body: { error: 'rule_not_found', message: 'no rule no-such-rule' },
    });
    expect((await api.call('GET', '/alerts?rule_id=no-such-rule')).body.alerts).toEqual([]);
  });

  it('answers 413 in the API error shape to a body over 100 KiB, and stores nothing', async () => {
    const huge = JSON.stringify({
      ...gaugeRule('huge', fixture, receiver),
      name: 'n'.repeat(200_000),
    });
    expect(await raw('POST', '/rules', huge)).toEqual({
      status: 413,
      body: { error: 'payload_too_large', message: 'the body is larger than 100 KiB' },
    });
    expect((await api.call('GET', '/rules/huge')).status).toBe(404);
  });

  it('answers 400 to a body that is not JSON, saying so', async () => {
    const answer = await raw('POST', '/rules', '{"id": "half');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_request' });
    expect(answer.body.message).toMatch(/^the body is not JSON: /);
  });

  it('answers 400 to malformed rules, naming each field at fault', async () => {
    const valid = gaugeRule('shape', fixture, receiver);
    const cases: [Record<string, unknown>, string][] = [
      [{ ...valid, name: undefined }, 'name'],
      [{ ...valid, type: 'sql' }, 'type'],
      [{ ...valid, trigger: { interval: 'sometimes' } }, 'trigger.interval'],
      [{ ...valid, condition: { op: 'gt', value: 'NaN' } }, 'condition'],
      [{ ...valid, actions: [{ id: 'a', type: 'webhook', url: 42 }] }, 'actions.0.url'],
      [{ ...valid, actions: 'all' }, 'actions'],
      [{ ...valid, id: 'a/../../b' }, 'id'],
    ];
    for (const [rule, field] of cases) {
      const answer = await api.call('POST', '/rules', rule);
      const fields = ((answer.body.problems ?? []) as { field: string }[]).map((p) => p.field);
      expect({
        field,
        status: answer.status,
        error: answer.body.error,
        named: fields.includes(field),
      }).toEqual({ field, status: 400, error: 'invalid_rule', named: true });
    }
    const polluting = await raw(
      'POST',
      '/rules',
      `{"__proto__":{"admin":true},${JSON.stringify(valid).slice(1)}`,
    );
    expect(polluting.status).toBe(400);
    expect(JSON.stringify(polluting.body)).toContain('__proto__');
    expect((await api.call('GET', '/rules')).body.rules).toEqual([]);
  });

  it('refuses webhook targets on loopback, private and link-local addresses, by name or by address', async () => {
    const targets: [string, string][] = [
      [receiver.url('/hook'), 'loopback'],
      [`http://localhost:${receiver.port}/hook`, 'loopback'],
      ['http://[::1]/hook', 'loopback'],
      ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
      ['http://10.0.0.1/hook', 'private'],
      ['http://192.168.1.10/hook', 'private'],
      ['http://169.254.169.254/latest/meta-data', 'linkLocal'],
      ['http://0.0.0.0/hook', 'unspecified'],
    ];
    for (const [url, kind] of targets) {
      const rule = {
        ...gaugeRule('ssrf', fixture, receiver),
        actions: [{ id: 'h', type: 'webhook', url }],
      };
      const answer = await api.call('POST', '/rules', rule);
      expect({ url, status: answer.status, problems: answer.body.problems }).toEqual({
        url,
        status: 400,
        problems: [
          {
            field: 'actions.0.url',
            message: expect.stringContaining(kind === 'loopback' ? 'loopback' : kind) as unknown,
          },
        ],
      });
    }
    expect(receiver.received).toEqual([]);
  });

  it('refuses a body template that reaches past the notification, naming the field', async () => {
    const rule = {
      ...gaugeRule('template', fixture, receiver),
      actions: [
        {
          id: 'h',
          type: 'webhook',
          url: 'https://93.184.216.34/x',
          body: '{"t":"{{constructor.constructor}}"}',
        },
      ],
    };
    const answer = await api.call('POST', '/rules', rule);
    expect(answer.status).toBe(400);
    expect(answer.body.problems).toEqual([
      {
        field: 'actions.0.body',
        message: '{{constructor.constructor}} names constructor, which is not notification data',
      },
    ]);
  });

  it('never writes the token or a webhook secret into its log or its answers', async () => {
    const secret = 'hmac-secret-value-0123456789';
    // Stored, shown, dry-run (disabled, and a target it would never reach: nothing is sent).
    const rule = {
      ...gaugeRule('secretive', fixture, receiver, { enabled: false }),
      actions: [{ id: 'h', type: 'webhook', url: 'https://93.184.216.34/x', secret }],
    };
    const created = await api.call('POST', '/rules', rule);
    expect(created.status).toBe(201);
    const shown = await api.call('GET', '/rules/secretive');
    expect(shown.body.actions).toEqual([expect.objectContaining({ secret: '[redacted]' })]);
    expect((await api.call('POST', '/rules/secretive/_execute', {})).status).toBe(200);
    const answers = JSON.stringify([created.body, shown.body]);
    const log = service.output();
    expect(log).toContain('"service":"alerting"'); // the log was captured
    for (const text of [log, answers]) {
      expect(text).not.toContain(API_TOKEN);
      expect(text).not.toContain(secret);
    }
  });
});
