import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  runToCompletion,
  startService,
  testEngines,
  type ServiceProcess,
} from '@meetup/test-support';

export interface PipelineOptions {
  name: string;
  /** SYNTHETIC_BURSTS of the simulator. */
  bursts: object[];
  rate: number;
}

/**
 * The whole system on the test engines, as `make demo` runs it: simulator → ingestor → Kafka →
 * aggregator → Elasticsearch, alerting with one rule that fires once more than ten RSVPs are
 * indexed (its webhook answered here), and the console — every index and topic named after the test.
 */
export class Pipeline {
  readonly prefix: string;
  readonly services = new Map<string, ServiceProcess>();
  readonly webhooks: unknown[] = [];
  private receiver: Server | undefined;

  constructor(private readonly options: PipelineOptions) {
    this.prefix = `${options.name}-`;
  }

  get engines() {
    return {
      KAFKA_BROKERS: testEngines().kafkaBrokers.join(','),
      ES_URL: testEngines().elasticsearchUrl,
    };
  }

  get topics() {
    const { name } = this.options;
    return {
      RSVP_TOPIC: `${name}-rsvps`,
      DLQ_TOPIC: `${name}-dlq`,
      CHECKPOINT_TOPIC: `${name}-checkpoints`,
    };
  }

  /** The console's environment (also used to start it again on the same port). */
  consoleEnv(): Record<string, string> {
    return {
      ...this.engines,
      RSVP_TOPIC: this.topics.RSVP_TOPIC,
      DLQ_TOPIC: this.topics.DLQ_TOPIC,
      AGGREGATOR_CONSUMER_GROUP: `${this.options.name}-aggregator`,
      INDEX_PREFIX: this.prefix,
      CONSOLE_SLOW_POLL_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
    };
  }

  async start(): Promise<void> {
    const bootstrap = await runToCompletion('bootstrap', {
      ...this.engines,
      ...this.topics,
      INDEX_PREFIX: this.prefix,
      KAFKA_TOPICS_CREATE: 'true',
      RSVP_TOPIC_PARTITIONS: '2',
    });
    if (bootstrap.code !== 0)
      throw new Error(`bootstrap exited ${bootstrap.code}:\n${bootstrap.output}`);
    const receiverPort = await this.startReceiver();
    const streamPort = await freePort();
    await this.add('simulator', {
      STREAM_HOST: '127.0.0.1',
      STREAM_PORT: String(streamPort),
      SYNTHETIC_RATE: String(this.options.rate),
      SYNTHETIC_SEED: '14',
      SYNTHETIC_BURSTS: JSON.stringify(this.options.bursts),
    });
    await this.add('ingestor', {
      KAFKA_BROKERS: this.engines.KAFKA_BROKERS,
      ...this.topics,
      SOURCES: `sim=ws://127.0.0.1:${streamPort}/2/rsvps`,
      INITIAL_SINCE_MTIME: '0',
    });
    await this.add('aggregator', {
      ...this.engines,
      RSVP_TOPIC: this.topics.RSVP_TOPIC,
      DLQ_TOPIC: this.topics.DLQ_TOPIC,
      CONSUMER_GROUP: `${this.options.name}-aggregator`,
      INDEX_PREFIX: this.prefix,
    });
    const rules = mkdtempSync(join(tmpdir(), 'console-rules-'));
    writeFileSync(
      join(rules, 'busy.yaml'),
      [
        'id: console-busy',
        'name: The stream is busy',
        'type: threshold',
        'trigger: { interval: 2s }',
        `input: { index: ${this.prefix}meetup_rsvps, time_field: indexed_at, window: 5m }`,
        'condition: { op: gt, value: 10 }',
        'actions:',
        `  - { id: hook, type: webhook, url: 'http://127.0.0.1:${receiverPort}/alerts' }`,
        '',
      ].join('\n'),
    );
    await this.add('alerting', {
      ES_URL: this.engines.ES_URL,
      ALERTING_INDEX_PREFIX: this.prefix,
      ALERTING_API_TOKEN: 'console-test-token-0123456789',
      ALERTING_RULES_DIR: rules,
      WEBHOOK_ALLOWLIST: `http://127.0.0.1:${receiverPort}/`,
      WEBHOOK_ALLOW_LOOPBACK: 'true',
    });
    await this.add('console', this.consoleEnv());
  }

  service(name: string): ServiceProcess {
    const service = this.services.get(name);
    if (service === undefined) throw new Error(`${name} is not running`);
    return service;
  }

  async stop(): Promise<void> {
    for (const name of ['console', 'alerting', 'simulator', 'ingestor', 'aggregator']) {
      await this.services.get(name)?.stop();
    }
    this.receiver?.close();
  }

  /** The last lines each service wrote, for a failure's message. */
  logs(): string {
    return [...this.services]
      .map(([name, service]) => `--- ${name}\n${service.output().slice(-3000)}`)
      .join('\n');
  }

  private async add(app: string, env: Record<string, string>): Promise<void> {
    this.services.set(app, await startService(app, env, 60_000));
  }

  private async startReceiver(): Promise<number> {
    const port = await freePort();
    this.receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.webhooks.push(JSON.parse(body || '{}'));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.receiver?.listen(port, '127.0.0.1', resolve));
    return port;
  }
}
