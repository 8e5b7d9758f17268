import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { newInstance, type Rule } from '@meetup/alert-rules';
import { describeElasticsearchFailure } from '@meetup/elasticsearch';
import { createLogger } from '@meetup/observability';
import { PrerequisiteWaiter } from '@meetup/service-runtime';
import { UrlGuard } from '@meetup/webhook-delivery';
import { InMemoryRules, InMemoryStates, ruleOf } from '../test/support/in-memory-alerting';
import type { AlertingRuntime } from './alerting.runtime';
import { ApiExceptionFilter } from './api/api-exception.filter';
import { serveOpenApi } from './api/openapi';
import { AlertingModule, AlertingStartup } from './app.module';
import type { RunResult } from './engine/rule-runner';
import { RuleFileSync } from './rules/rule-file-sync';
import type { RuleStore } from './store/rule-store';

const TOKEN = 'token-0123456789abcdef';
const T = Date.UTC(2024, 4, 3, 12);
const SECRET = 'hmac-secret-of-sixteen';

const logger = createLogger({ serviceName: 'alerting', level: 'silent' });
const guard = new UrlGuard({
  allowlist: ['https://hooks.example.com/'],
  resolve: () => Promise.resolve(['93.184.216.34']),
});

const webhookRule = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `rule ${id}`,
  type: 'trending',
  trigger: { interval: '30s' },
  condition: { op: 'gte', value: 3 },
  actions: [
    {
      id: 'hook',
      type: 'webhook',
      url: 'https://hooks.example.com/alerts',
      secret: SECRET,
      body: '{"topic":"{{group}}"}',
    },
  ],
  ...extra,
});

/** The evaluation engine as the API uses it: what it ran, and a firing alert for topic `ai`. */
class Runner {
  readonly ran: { how: 'simulate' | 'run'; rule: Rule }[] = [];
  failure: Error | undefined;

  simulate(rule: Rule) {
    return this.answer('simulate', rule);
  }

  run(rule: Rule) {
    return this.answer('run', rule);
  }

  private answer(how: 'simulate' | 'run', rule: Rule): Promise<RunResult> {
    if (this.failure) return Promise.reject(this.failure);
    this.ran.push({ how, rule });
    const view = { rule: { id: rule.id }, group: 'ai', values: { value: 5 } };
    return Promise.resolve({
      hits: 4,
      latencyMs: 12.4,
      evaluation: {
        state: { rule_id: rule.id, last_episode: 1, groups: {} },
        verdicts: [{ group: 'ai', values: { value: 5 }, met: true, recovered: false }],
        transitions: [{ group: 'ai', before: 'ok', after: 'firing' }],
        notices: [],
      },
      notifications: [
        {
          key: `${rule.id}:ai:e1:firing:hook`,
          rule_id: rule.id,
          action_id: 'hook',
          kind: 'firing',
          group: 'ai',
          view,
        },
      ],
    } as unknown as RunResult);
  }
}

class Scheduler {
  started = 0;
  stopped = 0;
  start() {
    this.started += 1;
  }
  stop() {
    this.stopped += 1;
    return Promise.resolve();
  }
}

async function start(options: { rulesDir?: string } = {}) {
  const rules = new InMemoryRules();
  const states = new InMemoryStates({
    rule_id: 'hot',
    last_episode: 1,
    groups: { ai: { ...newInstance(T), status: 'firing', episode: 1, values: { value: 5 } } },
  });
  const runner = new Runner();
  const scheduler = new Scheduler();
  const runtime = { rules, states, guard, runner, scheduler } as unknown as AlertingRuntime;
  const ruleFiles =
    options.rulesDir === undefined
      ? undefined
      : new RuleFileSync(options.rulesDir, {
          rules: rules as unknown as RuleStore,
          guard,
          logger,
        });
  const prerequisites = new PrerequisiteWaiter({
    prerequisites: [
      {
        name: 'indices',
        missing: () => Promise.resolve([]),
        describeFailure: (error) => describeElasticsearchFailure(error),
      },
      ...(ruleFiles ? [ruleFiles.prerequisite({})] : []),
    ],
    logger,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      AlertingModule.forRoot(runtime, new AlertingStartup(prerequisites, ruleFiles, logger), TOKEN),
    ],
  }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  app.useGlobalFilters(new ApiExceptionFilter(app.getHttpAdapter()));
  serveOpenApi(app);
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const call = async (method: string, path: string, body?: unknown, raw?: string) => {
    const response = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> & {
        problems?: { field: string; message: string }[];
      },
    };
  };
  return { app, base, call, rules, states, runner, scheduler };
}

describe('the alerting API', () => {
  let api: Awaited<ReturnType<typeof start>>;
  beforeEach(async () => {
    api = await start();
  });
  afterEach(() => api.app.close());

  it('answers 401 without the bearer token', async () => {
    const response = await fetch(`${api.base}/rules`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: 'unauthorized',
      message: 'a valid bearer token is required',
    });
  });

  it('creates a rule, shows it with its secrets redacted, and refuses it a second time', async () => {
    const created = await api.call('POST', '/rules', webhookRule('hot'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'hot', origin: 'api' });

    const shown = await api.call('GET', '/rules/hot');
    expect(shown.status).toBe(200);
    expect(shown.body.actions).toEqual([expect.objectContaining({ secret: '[redacted]' })]);
    expect(JSON.stringify((await api.call('GET', '/rules')).body)).not.toContain(SECRET);

    expect(await api.call('POST', '/rules', webhookRule('hot'))).toEqual({
      status: 409,
      body: { error: 'rule_exists', message: 'rule hot exists' },
    });
  });

  it('answers 400 naming each field at fault in an invalid rule', async () => {
    const answer = await api.call('POST', '/rules', webhookRule('bad', { trigger: {} }));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_rule');
    expect(answer.body.problems?.map((p) => p.field)).toContain('trigger');
  });

  it('replaces and deletes an API rule, and then knows it no more', async () => {
    await api.call('POST', '/rules', webhookRule('hot'));
    const replaced = await api.call('PUT', '/rules/hot', webhookRule('ignored', { name: 'new' }));
    expect(replaced).toMatchObject({ status: 200, body: { id: 'hot', name: 'new' } });
    expect(api.rules.rules.get('hot')?.rule.actions[0]).toMatchObject({ secret: SECRET });

    const deleted = await api.call('DELETE', '/rules/hot');
    expect(deleted).toEqual({ status: 204, body: undefined });
    expect(await api.call('GET', '/rules/hot')).toEqual({
      status: 404,
      body: { error: 'rule_not_found', message: 'no rule hot' },
    });
  });

  it('refuses to change a rule that comes from a rules file', async () => {
    await api.rules.put(ruleOf({ id: 'filed' }), 'file');
    const answer = await api.call('DELETE', '/rules/filed');
    expect(answer).toMatchObject({ status: 409, body: { error: 'rule_from_file' } });
    expect(api.rules.rules.has('filed')).toBe(true);
  });

  it('dry-runs a rule: the request a notification would send, without secrets, nothing recorded', async () => {
    await api.call('POST', '/rules', webhookRule('hot'));

    const answer = await api.call('POST', '/rules/hot/_execute', {});

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      rule_id: 'hot',
      recorded: false,
      hits: 4,
      latency_ms: 12,
      groups: [{ group: 'ai', met: true }],
      transitions: [{ group: 'ai', after: 'firing' }],
      notifications: [
        {
          idempotency_key: 'hot:ai:e1:firing:hook',
          simulated: true,
          request: {
            method: 'POST',
            url: 'https://hooks.example.com/alerts',
            body: '{"topic":"ai"}',
          },
        },
      ],
    });
    expect(JSON.stringify(answer.body)).not.toContain(SECRET);
    expect(api.runner.ran.map((r) => r.how)).toEqual(['simulate']);
  });

  it('runs a rule for real with `record`, on the input given for this run', async () => {
    await api.call('POST', '/rules', webhookRule('hot'));
    const input = { index: 'other_trending', window: '10m' };

    const answer = await api.call('POST', '/rules/hot/_execute', { record: true, input });

    expect(answer.body).toMatchObject({ recorded: true, notifications: [{ simulated: false }] });
    expect(api.runner.ran).toEqual([
      {
        how: 'run',
        rule: expect.objectContaining({
          input: expect.objectContaining(input) as unknown,
        }) as unknown,
      },
    ]);
  });

  it('answers 400 to an execute body with a field it does not know', async () => {
    await api.call('POST', '/rules', webhookRule('hot'));
    const answer = await api.call('POST', '/rules/hot/_execute', { dry: true });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: 'invalid_request' });
    expect(api.runner.ran).toEqual([]);
  });

  it('lists alerts by rule and state, and refuses a state that does not exist', async () => {
    expect((await api.call('GET', '/alerts?state=firing')).body.alerts).toEqual([
      expect.objectContaining({ rule_id: 'hot', group: 'ai', status: 'firing', episode: 1 }),
    ]);
    expect((await api.call('GET', '/alerts?rule_id=other')).body.alerts).toEqual([]);
    expect(await api.call('GET', '/alerts?state=burning')).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', problems: [{ field: 'state' }] },
    });
  });

  it('acknowledges a firing alert and takes the acknowledgement back', async () => {
    const acked = await api.call('POST', '/alerts/hot/_ack', { group: 'ai' });
    expect(acked.status).toBe(200);
    expect((await api.states.get('hot')).state.groups.ai?.status).toBe('acknowledged');

    const unacked = await api.call('POST', '/alerts/hot/_unack', { group: 'ai' });
    expect(unacked.status).toBe(200);
    expect((await api.states.get('hot')).state.groups.ai?.status).toBe('firing');

    expect(await api.call('POST', '/alerts/hot/_ack', { group: 'go' })).toMatchObject({
      status: 404,
      body: { error: 'alert_not_found' },
    });
  });

  it('snoozes the alerts of a rule that exists, until a valid time only', async () => {
    await api.rules.put(ruleOf({ id: 'hot' }), 'api');
    const snoozed = await api.call('POST', '/alerts/hot/_snooze', {
      until: '2030-01-01T00:00:00Z',
    });
    expect(snoozed.status).toBe(200);
    expect((await api.states.get('hot')).state.snoozed_until).toBe(Date.UTC(2030, 0, 1));

    expect(await api.call('POST', '/alerts/hot/_snooze', { until: 'tomorrow' })).toMatchObject({
      status: 400,
      body: { problems: [{ field: 'until', message: 'must be an ISO date-time' }] },
    });
    expect(
      await api.call('POST', '/alerts/nope/_snooze', { until: '2030-01-01T00:00:00Z' }),
    ).toMatchObject({ status: 404, body: { error: 'rule_not_found' } });
  });
});

describe('the API’s error answers', () => {
  let api: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    api = await start();
  });
  afterAll(() => api.app.close());

  it('answers 400 to a body that is not JSON, saying so', async () => {
    const answer = await api.call('POST', '/rules', undefined, '{"id": "half');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
    expect(answer.body.message).toMatch(/^the body is not JSON: /);
  });

  it('answers 413 to a body over 100 KiB', async () => {
    const answer = await api.call(
      'POST',
      '/rules',
      webhookRule('huge', { name: 'n'.repeat(200_000) }),
    );
    expect(answer).toEqual({
      status: 413,
      body: { error: 'payload_too_large', message: 'the body is larger than 100 KiB' },
    });
  });

  it('answers 415 to a body in a charset it cannot read', async () => {
    const response = await fetch(`${api.base}/rules`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json; charset=klingon',
      },
      body: '{}',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'unsupported_media_type' });
  });

  it('answers 404 in the API’s shape to a route it does not have', async () => {
    const answer = await api.call('GET', '/nowhere');
    expect(answer).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'Cannot GET /nowhere' },
    });
  });

  it('answers 500 without the message of an error it did not expect', async () => {
    await api.rules.put(ruleOf({ id: 'hot' }), 'api');
    api.runner.failure = new Error('connect ECONNREFUSED 10.0.0.7:9200');
    const answer = await api.call('POST', '/rules/hot/_execute', {});
    expect(answer).toEqual({
      status: 500,
      body: { statusCode: 500, message: 'Internal server error' },
    });
  });
});

describe('the API’s description', () => {
  it('serves an OpenAPI document of its routes, with the rule schema', async () => {
    const api = await start();
    try {
      const document = (await (await fetch(`${api.base}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
        components: { schemas: { Rule: { properties: Record<string, unknown> } } };
      };
      expect(Object.keys(document.paths)).toEqual(
        expect.arrayContaining(['/rules', '/rules/{id}/_execute', '/alerts/{ruleId}/_snooze']),
      );
      expect(Object.keys(document.components.schemas.Rule.properties)).toEqual(
        expect.arrayContaining(['id', 'trigger', 'condition', 'actions']),
      );
    } finally {
      await api.app.close();
    }
  });
});

describe('the alerting lifecycle', () => {
  it('reads the rule files, stores them and schedules once the indices exist; stops on shutdown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'alerting-rules-'));
    await writeFile(
      join(dir, 'hot.yaml'),
      'id: filed\nname: filed\ntype: trending\ntrigger: { interval: 30s }\ncondition: { op: gte, value: 3 }\nactions: [{ id: log, type: log }]\n',
    );
    const api = await start({ rulesDir: dir });
    for (let i = 0; i < 50 && api.scheduler.started === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(api.scheduler.started).toBe(1);
    expect(api.rules.rules.get('filed')?.origin).toBe('file');

    await api.app.close();

    expect(api.scheduler.stopped).toBe(1);
  });
});
