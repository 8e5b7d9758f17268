import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { analyticsIndexSpecs, IndexBootstrapper } from '@meetup/elasticsearch';
import { ensureTopics } from '@meetup/kafka';
import {
  runToCompletion,
  startService,
  testElasticsearch,
  testEngines,
  testKafka,
  uniqueName,
} from '@meetup/test-support';

interface AppCase {
  app: string;
  env: () => Record<string, string>;
  /** Creates what the bootstrap would (indices, topics) for this env, before the app starts. */
  prepare?: (env: Record<string, string>) => Promise<void>;
  /** Readiness checks the app reports. */
  checks: string[];
  /** A variable whose bad value must stop start-up, named in the error. */
  badVariable: [string, string];
}

const kafkaEnv = () => ({ KAFKA_BROKERS: testEngines().kafkaBrokers.join(',') });
const esEnv = () => ({ ES_URL: testEngines().elasticsearchUrl });

async function bootstrapIndices(prefix: string | undefined): Promise<void> {
  const es = testElasticsearch();
  await new IndexBootstrapper(es, { prefix }).apply(analyticsIndexSpecs).finally(() => es.close());
}

async function createTopics(...names: (string | undefined)[]): Promise<void> {
  const admin = testKafka('app-services').admin();
  await admin.connect();
  const specs = names.flatMap((name) =>
    name ? [{ name, partitions: 1, replicationFactor: 1 }] : [],
  );
  await ensureTopics(admin, specs).finally(() => admin.disconnect());
}

/** Lines of a service's output that are not one JSON object each (logs are JSON lines only). */
function notJsonLines(output: string): string[] {
  return output.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      const parsed: unknown = JSON.parse(line);
      return typeof parsed !== 'object' || parsed === null;
    } catch {
      return true;
    }
  });
}

// Each service gets names of its own, so booting it touches nothing another test uses.
const apps: AppCase[] = [
  {
    app: 'simulator',
    env: () => ({ STREAM_PORT: '0' }),
    checks: [],
    badVariable: ['HTTP_PORT', 'eighty'],
  },
  {
    app: 'ingestor',
    env: () => ({
      ...kafkaEnv(),
      // A source that is not there: the ingestor keeps reconnecting, its Kafka side is ready.
      SOURCES: `absent=ws://127.0.0.1:9/2/rsvps>${uniqueName('boot-rsvps')}`,
      DLQ_TOPIC: uniqueName('boot-dlq'),
      CHECKPOINT_TOPIC: uniqueName('boot-checkpoints'),
    }),
    // Creates its checkpoint topic (KAFKA_TOPICS_CREATE defaults to true), then reads it.
    checks: ['kafka', 'topics', 'checkpoints', 'produce'],
    badVariable: ['KAFKA_BROKERS', 'no-port'],
  },
  {
    app: 'aggregator',
    env: () => ({
      ...kafkaEnv(),
      ...esEnv(),
      RSVP_TOPIC: uniqueName('boot-rsvps'),
      DLQ_TOPIC: uniqueName('boot-dlq'),
      CONSUMER_GROUP: uniqueName('boot-group'),
      INDEX_PREFIX: `${uniqueName('boot')}-`,
    }),
    prepare: async (env) => {
      await createTopics(env.RSVP_TOPIC, env.DLQ_TOPIC);
      await bootstrapIndices(env.INDEX_PREFIX);
    },
    checks: ['kafka', 'elasticsearch', 'topics', 'indices', 'consume'],
    badVariable: ['ES_URL', 'not a url'],
  },
  // batch is a one-shot CronJob without HTTP: apps/batch/test covers its exit codes and config.
  {
    app: 'alerting',
    env: () => ({
      ...esEnv(),
      ALERTING_API_TOKEN: 'boot-test-token-0123456789',
      ALERTING_INDEX_PREFIX: `${uniqueName('boot')}-`,
    }),
    prepare: (env) => bootstrapIndices(env.ALERTING_INDEX_PREFIX),
    checks: ['elasticsearch', 'indices'],
    badVariable: ['ES_URL', ''],
  },
];

describe.each(apps)('the $app service', ({ app, env, prepare, checks, badVariable }) => {
  it('becomes ready with its dependencies, serves metrics and stops cleanly on SIGTERM', async () => {
    const values = env();
    await prepare?.(values);
    const service = await startService(app, values);
    try {
      const ready = await fetch(`${service.baseUrl}/health/ready`);
      expect(ready.status).toBe(200);
      const body = (await ready.json()) as {
        status: string;
        info: Record<string, { status: string }>;
      };
      expect(body.status).toBe('ok');
      expect(Object.keys(body.info).sort()).toEqual([...checks].sort());
      expect(Object.values(body.info).every((check) => check.status === 'up')).toBe(true);

      expect((await fetch(`${service.baseUrl}/health/live`)).status).toBe(200);

      const metrics = await fetch(`${service.baseUrl}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain(`process_cpu_user_seconds_total{service="${app}"}`);
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
    // Node's TimeoutNegativeWarning (kafkajs) or any other process warning would be a text line.
    expect(notJsonLines(service.output())).toEqual([]);
    expect(service.output()).not.toMatch(/switched default partitioner/);
  });

  it('refuses to start with a bad configuration, naming the variable', async () => {
    const [variable, value] = badVariable;
    const { code, output } = await runToCompletion(app, { ...env(), [variable]: value });
    expect(code).toBe(1);
    const line = JSON.parse(output.trim().split('\n').pop()!) as { level: string; msg: string };
    expect(line.level).toBe('fatal');
    expect(line.msg).toContain(variable);
  });
});

describe('a process warning in a service process', () => {
  it('is one JSON line on stdout, once per kind, and nothing on stderr', async () => {
    // runMain as every app's main.ts calls it; Node's own emitWarning, twice the same kind.
    const runtime = resolve(__dirname, '../dist/index.js');
    const script = `require(${JSON.stringify(runtime)}).runMain('warning-probe', async () => {
      process.emitWarning('-1796059505545 is a negative number.\\nTimeout duration was set to 1.', 'TimeoutNegativeWarning');
      process.emitWarning('-17 is a negative number.\\nTimeout duration was set to 1.', 'TimeoutNegativeWarning');
      await new Promise((done) => setTimeout(done, 50));
    });`;
    const child = spawn(process.execPath, ['-e', script], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];

    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'warn',
      service: 'warning-probe',
      warning: {
        name: 'TimeoutNegativeWarning',
        message: '-1796059505545 is a negative number.\nTimeout duration was set to 1.',
      },
    });
  });
});
