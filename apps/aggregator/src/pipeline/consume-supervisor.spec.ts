import { KafkaJSConnectionError, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { memoryLogger, type Logger } from '@meetup/observability';
import { FailureReport } from '@meetup/service-runtime';
import { ConsumeSupervisor, reportConsumeFailure } from './consume-supervisor';

/** A consumer whose starts fail as long as `failures` says, recording what was asked of it. */
class ScriptedConsumer {
  readonly events: string[] = [];
  failures = 0;

  start = (): Promise<void> => {
    this.events.push(`start@${Date.now()}`);
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'));
    }
    return Promise.resolve();
  };

  stop = (): Promise<void> => {
    this.events.push(`stop@${Date.now()}`);
    return Promise.resolve();
  };
}

function setUp() {
  const { logger } = memoryLogger('aggregator');
  const consumer = new ScriptedConsumer();
  const failures: [string, number][] = [];
  const halt = new AbortController();
  const supervisor = new ConsumeSupervisor({
    start: consumer.start,
    stop: consumer.stop,
    onFailure: (error, attempt) => failures.push([(error as Error).name, attempt]),
    signal: halt.signal,
    logger,
    backoff: { initialMs: 500, maxMs: 10_000, jitter: 0 },
    restartAfterMs: 10_000,
  });
  return { consumer, failures, halt, supervisor };
}

const T0 = 1_000_000;

describe('ConsumeSupervisor', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts consuming once the prerequisites are met', async () => {
    const { consumer, supervisor } = setUp();
    let met: (value: boolean) => void = () => undefined;
    supervisor.start(() => new Promise<boolean>((resolve) => (met = resolve)));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(consumer.events).toEqual([]);
    met(true);
    await supervisor.settled();
    expect(consumer.events).toEqual([`start@${T0 + 5_000}`]);
  });

  it('does not consume when it stops before the prerequisites are met', async () => {
    const { consumer, supervisor } = setUp();
    supervisor.start(() => Promise.resolve(false));
    await supervisor.settled();
    expect(consumer.events).toEqual([]);
  });

  it('retries a failed start with growing waits, stopping the half-started consumer each time', async () => {
    const { consumer, failures, supervisor } = setUp();
    consumer.failures = 2;
    supervisor.start(() => Promise.resolve(true));
    await jest.advanceTimersByTimeAsync(2_000);
    await supervisor.settled();
    expect(consumer.events).toEqual([
      `start@${T0}`,
      `stop@${T0}`,
      `start@${T0 + 500}`,
      `stop@${T0 + 500}`,
      `start@${T0 + 1_500}`,
    ]);
    expect(failures).toEqual([
      ['KafkaJSConnectionError', 0],
      ['KafkaJSConnectionError', 1],
    ]);
  });

  it('stops retrying as soon as the service stops', async () => {
    const { consumer, halt, supervisor } = setUp();
    consumer.failures = Infinity;
    supervisor.start(() => Promise.resolve(true));
    await jest.advanceTimersByTimeAsync(600);
    halt.abort();
    await supervisor.settled();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(consumer.events.filter((e) => e.startsWith('start'))).toEqual([
      `start@${T0}`,
      `start@${T0 + 500}`,
    ]);
  });

  it('starts a consumer that kafkajs stopped for good again, after a pause', async () => {
    const { consumer, failures, supervisor } = setUp();
    supervisor.start(() => Promise.resolve(true));
    await supervisor.settled();
    supervisor.stopped(new KafkaJSConnectionError('group denied'));
    expect(failures).toEqual([['KafkaJSConnectionError', 0]]);
    await jest.advanceTimersByTimeAsync(9_999);
    expect(consumer.events).toEqual([`start@${T0}`]);
    await jest.advanceTimersByTimeAsync(1);
    await supervisor.settled();
    expect(consumer.events).toEqual([`start@${T0}`, `stop@${T0 + 10_000}`, `start@${T0 + 10_000}`]);
  });

  it('does not start again a consumer that stopped while the service stops', async () => {
    const { consumer, failures, halt, supervisor } = setUp();
    supervisor.start(() => Promise.resolve(true));
    await supervisor.settled();
    supervisor.stopped(new KafkaJSConnectionError('group denied'));
    await jest.advanceTimersByTimeAsync(5_000);
    halt.abort();
    await supervisor.settled();
    supervisor.stopped(new KafkaJSConnectionError('group denied'));
    await jest.advanceTimersByTimeAsync(60_000);
    expect(consumer.events).toEqual([`start@${T0}`]);
    expect(failures).toHaveLength(2);
  });
});

describe('reportConsumeFailure', () => {
  const context = (report: FailureReport, logger: Logger) => ({
    identity: { brokers: ['kafka-0:9093'], principal: 'aggregator' },
    topic: 'meetup.rsvps',
    group: 'meetup-aggregator',
    report,
    logger,
  });

  it('puts a failure an operator must fix (refused credentials) into readiness', async () => {
    const { lines: logs, logger } = memoryLogger('aggregator');
    const report = new FailureReport('consume', logger);
    // kafkajs's typings omit the message its SASL authenticator passes.
    const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
    reportConsumeFailure(
      new SaslError('SASL SCRAM-SHA-512 authentication failed: Authentication failed'),
      3,
      context(report, logger),
    );
    expect(report.failure).toMatchObject({ kind: 'authentication' });
    await expect(report.readinessCheck().check()).rejects.toThrow(/SASL credentials/);
    expect(logs.some((l) => l.msg === 'cannot consume yet, retrying')).toBe(false);
  });

  it('only logs a failure that waiting fixes (Kafka not up yet), with the attempt', () => {
    const { lines: logs, logger } = memoryLogger('aggregator');
    const report = new FailureReport('consume', logger);
    reportConsumeFailure(
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'),
      4,
      context(report, logger),
    );
    expect(report.failure).toBeUndefined();
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'cannot consume yet, retrying', attempt: 4 }),
    );
  });
});
