import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import { IndexAliases } from '@meetup/contracts';
import { analyticsIndexSpecs, IndexBootstrapper, type IndexSpec } from '@meetup/elasticsearch';
import {
  startService,
  testElasticsearch,
  testEngines,
  uniqueName,
  type ServiceProcess,
} from '@meetup/test-support';

export const API_TOKEN = 'test-token-0123456789abcdef';

export interface Received {
  path: string;
  key: string;
  signature: string | undefined;
  traceparent: string | undefined;
  body: string;
  json: Record<string, unknown>;
  status: number;
  at: number;
}

interface Reply {
  status: number;
  delayMs?: number;
}

/** A real webhook receiver: records every request; replies can be scripted per path. */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Reply[]>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, delayMs }) =>
        sleep(delayMs ?? 0).then(() => {
          if (!res.destroyed) res.writeHead(status).end();
        }),
      );
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as { port: number }).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next requests to `path` get these replies, then 200. */
  script(path: string, replies: Reply[]): void {
    this.scripts.set(path, [...replies]);
  }

  delivered(path: string): Received[] {
    return this.received.filter((r) => r.path === path && r.status === 200);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(req: IncomingMessage): Promise<Reply> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const path = req.url ?? '/';
    const reply = this.scripts.get(path)?.shift() ?? { status: 200 };
    this.received.push({
      path,
      key: String(req.headers['idempotency-key']),
      signature: req.headers['x-meetup-signature'] as string | undefined,
      traceparent: req.headers.traceparent as string | undefined,
      body,
      json: JSON.parse(body) as Record<string, unknown>,
      status: reply.status,
      at: Date.now(),
    });
    return reply;
  }
}

/** Polls until `check` returns a value (not undefined/false); the bound is generous, not a timing assertion. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Indices of one test file: the alerting ones under a unique prefix, and a data index. */
export class AlertingFixture {
  readonly es: Client = testElasticsearch();
  readonly prefix = `${uniqueName('alerting')}-`;
  readonly dataIndex = `${this.prefix}data`;
  readonly trendingIndex = this.prefix + IndexAliases.globalTrendingTopics;
  readonly historyIndex = this.prefix + IndexAliases.alertHistory;
  readonly leasesIndex = this.prefix + IndexAliases.alertLeases;

  /** The indices the bootstrap creates (by default all of them), and the data index. */
  async setUp(specs: readonly IndexSpec[] = analyticsIndexSpecs): Promise<void> {
    await new IndexBootstrapper(this.es, { prefix: this.prefix }).apply(specs);
    await this.es.indices.create({
      index: this.dataIndex,
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          rule: { type: 'keyword' },
          country: { type: 'keyword' },
          topic: { type: 'keyword' },
          value: { type: 'double' },
        },
      },
    });
  }

  async tearDown(): Promise<void> {
    // wildcard deletes are refused (action.destructive_requires_name): name every index
    const created = Object.keys(await this.es.indices.get({ index: `${this.prefix}*` }));
    if (created.length > 0) await this.es.indices.delete({ index: created });
    await this.es.close();
  }

  startAlerting(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    return startService('alerting', {
      ES_URL: testEngines().elasticsearchUrl,
      ALERTING_INDEX_PREFIX: this.prefix,
      ALERTING_API_TOKEN: API_TOKEN,
      ALERTING_TICK_MS: '250',
      // 10.1.2.3 is allowlisted so that the private-address rule is what refuses it
      WEBHOOK_ALLOWLIST: '127.0.0.1,http://10.1.2.3/',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      LOG_LEVEL: 'warn',
      ...extraEnv,
    });
  }

  /** Writes data documents (`@timestamp` as ms ago) and makes them searchable. */
  async addDocs(
    docs: (Record<string, unknown> & { agoMs?: number; id?: string })[],
  ): Promise<void> {
    const now = Date.now();
    const operations = docs.flatMap(({ agoMs, id, ...doc }) => [
      { index: { _index: this.dataIndex, ...(id ? { _id: id } : {}) } },
      { '@timestamp': now - (agoMs ?? 0), ...doc },
    ]);
    const result = await this.es.bulk({ operations, refresh: true });
    if (result.errors) throw new Error('writing test documents failed');
  }

  /** A gauge: one document per rule whose `value` the rule watches (max over the last hour). */
  setGauge(rule: string, value: number): Promise<void> {
    return this.addDocs([{ id: `gauge-${rule}`, rule, value }]);
  }

  /** Evaluations of a rule recorded in the history so far. */
  async evaluations(ruleId: string): Promise<number> {
    await this.es.indices.refresh({ index: this.historyIndex });
    const { count } = await this.es.count({
      index: this.historyIndex,
      query: {
        bool: { filter: [{ term: { rule_id: ruleId } }, { term: { kind: 'evaluation' } }] },
      },
    });
    return count;
  }

  /** Waits until a rule has been evaluated `n` more times. */
  async evaluatedMore(ruleId: string, n: number): Promise<void> {
    const start = await this.evaluations(ruleId);
    await eventually(
      async () => (await this.evaluations(ruleId)) >= start + n,
      `${n} evaluations of ${ruleId}`,
    );
  }
}

/** The alerting API as a test calls it. */
export class AlertingApi {
  constructor(private readonly baseUrl: string) {}

  async call(method: string, path: string, body?: unknown, token = API_TOKEN) {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
    };
  }

  async createRule(rule: Record<string, unknown>): Promise<void> {
    const { status, body } = await this.call('POST', '/rules', rule);
    if (status !== 201) throw new Error(`creating rule failed: ${status} ${JSON.stringify(body)}`);
  }
}

/** A gauge rule: fires above `fire`, resolves below `resolve`, posts to `path`. */
export function gaugeRule(
  id: string,
  fixture: AlertingFixture,
  receiver: WebhookReceiver,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    name: `gauge ${id}`,
    type: 'threshold',
    trigger: { interval: '1s' },
    input: {
      index: fixture.dataIndex,
      window: '1h',
      query: { term: { rule: id } },
      metric: { agg: 'max', field: 'value' },
    },
    condition: { op: 'gt', value: 100 },
    recovery: { op: 'lt', value: 80 },
    actions: [
      { id: 'hook', type: 'webhook', url: receiver.url(`/${id}`), retries: 2, backoff: '100ms' },
    ],
    ...extra,
  };
}

export function kinds(received: Received[]): string[] {
  return received.map((r) => String(r.json.kind));
}
