import { Writable } from 'node:stream';
import {
  createLogger,
  type DependencyFailure,
  type Logger,
  type Prerequisite,
} from '@meetup/observability';
import { PrerequisiteTimeoutError, PrerequisiteWaiter } from './prerequisite-waiter';
import { notReadyDetails, type ReadinessCheck } from './readiness-check';

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

function capturedLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { logger: createLogger({ serviceName: 'test', level: 'debug' }, sink), lines };
}

/** A prerequisite whose answers the test scripts: missing names, or a failure to throw. */
function scripted(name: string, answers: (readonly string[] | Error)[]): Prerequisite {
  let last: readonly string[] | Error = [];
  return {
    name,
    missing: () => {
      last = answers.length > 0 ? answers.shift()! : last;
      return last instanceof Error ? Promise.reject(last) : Promise.resolve(last);
    },
    describeFailure: (error): DependencyFailure => ({
      dependency: 'kafka',
      kind: 'authorization',
      message: 'kafka authorization denied',
      reason: error instanceof Error ? error.message : String(error),
      // `status` is the readiness body's own key: a failure's field of that name is dropped.
      fields: { principal: 'User:ingestor', status: 403 },
    }),
  };
}

async function readiness(check: ReadinessCheck | undefined): Promise<Record<string, unknown>> {
  try {
    return { status: 'up', ...(await check?.check()) };
  } catch (error) {
    return { status: 'down', ...notReadyDetails(error) };
  }
}

describe('waiting for what a service needs', () => {
  it('is not ready, naming what it waits for, until it is there', async () => {
    const { logger } = capturedLogger();
    const topics = scripted('topics', [
      ['meetup.ingestor.checkpoints'],
      ['meetup.ingestor.checkpoints'],
      [],
    ]);
    const waiter = new PrerequisiteWaiter({ prerequisites: [topics], logger, pollMs: 20 });
    const [check] = waiter.readinessChecks();
    expect(check?.name).toBe('topics');
    expect(await readiness(check)).toEqual({ status: 'down', message: 'not checked yet' });

    const waiting = waiter.waitUntilMet();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await readiness(check)).toEqual({
      status: 'down',
      message: 'waiting for topics',
      waitingFor: ['meetup.ingestor.checkpoints'],
    });
    await expect(waiting).resolves.toBe(true);
    expect(await readiness(check)).toEqual({ status: 'up' });
  });

  it('logs a wait once, then at most every relog interval while it lasts', async () => {
    const { logger, lines } = capturedLogger();
    const indices = scripted('indices', [...Array<string[]>(6).fill(['meetup_alert_rules']), []]);
    const waiter = new PrerequisiteWaiter({
      prerequisites: [indices],
      logger,
      pollMs: 10,
      relogMs: 45,
    });
    await waiter.waitUntilMet();
    const waits = lines.filter((l) => l.msg === 'waiting for indices');
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits.length).toBeLessThanOrEqual(3);
    expect(waits[0]).toMatchObject({ level: 'info', waitingFor: ['meetup_alert_rules'] });
    expect(lines.at(-1)).toMatchObject({ msg: 'prerequisite met', prerequisite: 'indices' });
  });

  it('reports a failure once at error level, with the reason, in the log and in readiness', async () => {
    const { logger, lines } = capturedLogger();
    const denied = new Error('Kafka denied check topics on topic t to principal User:ingestor');
    const topics = scripted('topics', [denied, denied, denied, []]);
    const waiter = new PrerequisiteWaiter({ prerequisites: [topics], logger, pollMs: 20 });
    const waiting = waiter.waitUntilMet();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await readiness(waiter.readinessChecks()[0])).toEqual({
      status: 'down',
      message: 'kafka authorization denied',
      reason: denied.message,
      principal: 'User:ingestor',
    });
    await waiting;
    const failures = lines.filter((l) => l.msg === 'kafka authorization denied');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: 'error',
      reason: denied.message,
      prerequisite: 'topics',
    });
  });

  it('checks the next prerequisite only once the previous one is met', async () => {
    const { logger } = capturedLogger();
    const order: string[] = [];
    const step = (name: string): Prerequisite => ({
      ...scripted(name, []),
      missing: () => {
        order.push(name);
        return Promise.resolve([]);
      },
    });
    const waiter = new PrerequisiteWaiter({
      prerequisites: [step('topics'), step('checkpoints')],
      logger,
    });
    await waiter.waitUntilMet();
    expect(order).toEqual(['topics', 'checkpoints']);
  });

  it('gives up after its bound, naming what is still missing', async () => {
    const { logger } = capturedLogger();
    const indices = scripted('indices', [['meetup_rsvps', 'meetup_groups']]);
    const waiter = new PrerequisiteWaiter({ prerequisites: [indices], logger, pollMs: 10 });
    const outcome = waiter.waitUntilMet({ timeoutMs: 50 });
    await expect(outcome).rejects.toThrow(PrerequisiteTimeoutError);
    await expect(outcome).rejects.toThrow(
      'gave up waiting for indices after 50 ms: still missing meetup_rsvps, meetup_groups',
    );
  });

  it('stops waiting when the service stops', async () => {
    const { logger } = capturedLogger();
    const waiter = new PrerequisiteWaiter({
      prerequisites: [scripted('topics', [['t']])],
      logger,
      pollMs: 10_000,
    });
    const stop = new AbortController();
    const waiting = waiter.waitUntilMet({ signal: stop.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    stop.abort();
    await expect(waiting).resolves.toBe(false);
  });
});
