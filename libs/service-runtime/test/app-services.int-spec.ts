import { runToCompletion, startService, testEngines, uniqueName } from '@meetup/test-support';

interface AppCase {
  app: string;
  env: () => Record<string, string>;
  /** Readiness checks the app reports. */
  checks: string[];
  /** A variable whose bad value must stop start-up, named in the error. */
  badVariable: [string, string];
}

const kafkaEnv = () => ({ KAFKA_BROKERS: testEngines().kafkaBrokers.join(',') });
const esEnv = () => ({ ES_URL: testEngines().elasticsearchUrl });

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
    checks: ['kafka'],
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
    checks: ['kafka', 'elasticsearch'],
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
    checks: ['elasticsearch'],
    badVariable: ['ES_URL', ''],
  },
];

describe.each(apps)('the $app service', ({ app, env, checks, badVariable }) => {
  it('becomes ready with its dependencies, serves metrics and stops cleanly on SIGTERM', async () => {
    const service = await startService(app, env());
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
