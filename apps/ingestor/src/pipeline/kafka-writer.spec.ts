import { KafkaJSConnectionError, KafkaJSProtocolError, type TopicMessages } from 'kafkajs';
import {
  createLogger,
  DependencyFailureError,
  Registry,
  startTracing,
  withSpan,
  type Tracing,
} from '@meetup/observability';
import { FailureReport } from '@meetup/service-runtime';
import { createIngestorMetrics, type IngestorMetrics } from '../ingestor.metrics';
import type { BatchSender } from './batch-sender';
import { IngestBuffer, type PendingRecord } from './ingest-buffer';
import {
  groupByTopic,
  KafkaWriter,
  replacesProducerAfter,
  shouldLinger,
  type KafkaWriterOptions,
} from './kafka-writer';

const RSVPS = 'meetup.rsvps';
const DLQ = 'meetup.rsvps.dlq';
const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-01$/;

/** Kafka as the writer sees it: accepts each request, or answers it as scripted. */
class InMemorySender implements BatchSender {
  readonly accepted: TopicMessages[][] = [];
  /** What happened, in order: `send <topics>` per accepted request, `reset`, `close`. */
  readonly events: string[] = [];
  attempts = 0;
  resets = 0;
  closed = false;
  private readonly answers: (Error | 'accept')[] = [];

  /** How the next requests are answered; any after those are accepted. */
  answerNext(...answers: (Error | 'accept')[]): void {
    this.answers.push(...answers);
  }

  send(topicMessages: TopicMessages[]): Promise<void> {
    this.attempts += 1;
    const answer = this.answers.shift() ?? 'accept';
    if (answer !== 'accept') return Promise.reject(answer);
    this.accepted.push(topicMessages);
    this.events.push(`send ${topicMessages.map((t) => t.topic).join(',')}`);
    return Promise.resolve();
  }

  reset(): Promise<void> {
    this.resets += 1;
    this.events.push('reset');
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    this.events.push('close');
    return Promise.resolve();
  }
}

const CHECKPOINTS = 'meetup.ingestor.checkpoints';

function checkpoint(mtime: number): TopicMessages {
  return { topic: CHECKPOINTS, messages: [{ key: 'meetup#0', value: JSON.stringify({ mtime }) }] };
}

function record(n: number, topic = RSVPS): PendingRecord {
  return {
    topic,
    key: topic === DLQ ? null : `event-${n}`,
    value: Buffer.from(`{"rsvp_id":${n}}`),
    headers: { 'ingestor.source': 'meetup' },
    source: 'meetup',
    watermark: 1_000 + n,
  };
}

function brokersAway(): Error {
  return new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', {
    broker: '127.0.0.1:9092',
  });
}

function topicDenied(): Error {
  return new KafkaJSProtocolError(
    Object.assign(new Error('Not authorized to access topics: [Topic authorization failed]'), {
      type: 'TOPIC_AUTHORIZATION_FAILED',
      code: 29,
      retriable: false,
    }),
  );
}

async function counterValue(counter: IngestorMetrics['produceErrors']): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

interface Harness {
  writer: KafkaWriter;
  sender: InMemorySender;
  buffer: IngestBuffer;
  acknowledged: PendingRecord[][];
  failures: FailureReport;
  metrics: IngestorMetrics;
}

function harness(overrides: Partial<KafkaWriterOptions> = {}): Harness {
  const logger = createLogger({ serviceName: 'ingestor', level: 'silent' });
  const sender = new InMemorySender();
  const buffer = new IngestBuffer(100);
  const acknowledged: PendingRecord[][] = [];
  const failures = new FailureReport('produce', logger);
  const metrics = createIngestorMetrics(new Registry());
  const writer = new KafkaWriter({
    sender,
    identity: { brokers: ['127.0.0.1:9092'], principal: 'meetup-ingestor' },
    failures,
    buffer,
    batchMaxRecords: 10,
    lingerMs: 0,
    metrics,
    logger,
    acknowledged: (records) => acknowledged.push(records),
    checkpoints: () => [],
    backoff: { initialMs: 100, maxMs: 1_000, jitter: 0 },
    ...overrides,
  });
  return { writer, sender, buffer, acknowledged, failures, metrics };
}

function keysOf(batch: TopicMessages[] | undefined): Record<string, (string | null)[]> {
  return Object.fromEntries(
    (batch ?? []).map((t) => [t.topic, t.messages.map((m) => m.key as string | null)]),
  );
}

let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ serviceName: 'kafka-writer-spec', otlpEndpoint: undefined });
});
afterAll(() => tracing.shutdown());

describe('KafkaWriter', () => {
  let running: KafkaWriter | undefined;
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(async () => {
    const stopping = running?.stop(0);
    running = undefined;
    await jest.advanceTimersByTimeAsync(1_000);
    await stopping;
    jest.useRealTimers();
  });

  function start(h: Harness): Harness {
    running = h.writer;
    h.writer.start();
    return h;
  }

  it('sends what is waiting as one request, grouped by topic, and acknowledges it in arrival order', async () => {
    const h = harness();
    const records = [record(1), record(2, DLQ), record(3)];
    records.forEach((r) => {
      h.buffer.push(r);
    });
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    expect(h.sender.accepted).toHaveLength(1);
    expect(keysOf(h.sender.accepted[0])).toEqual({
      [RSVPS]: ['event-1', 'event-3'],
      [DLQ]: [null],
    });
    const first = h.sender.accepted[0]?.[0]?.messages[0];
    expect(String(first?.value)).toBe('{"rsvp_id":1}');
    expect(h.acknowledged).toEqual([records]);
    expect(h.buffer.size).toBe(0);
  });

  it('puts at most batchMaxRecords records into one request', async () => {
    const h = harness({ batchMaxRecords: 2 });
    [1, 2, 3, 4, 5].forEach((n) => {
      h.buffer.push(record(n));
    });
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    expect(h.sender.accepted.map((batch) => keysOf(batch)[RSVPS])).toEqual([
      ['event-1', 'event-2'],
      ['event-3', 'event-4'],
      ['event-5'],
    ]);
    expect(h.acknowledged.flat().map((r) => r.key)).toEqual([
      'event-1',
      'event-2',
      'event-3',
      'event-4',
      'event-5',
    ]);
  });

  it('waits lingerMs for a fuller batch when fewer than a batch are waiting', async () => {
    const h = start(harness({ lingerMs: 20 }));
    await jest.advanceTimersByTimeAsync(0);
    h.buffer.push(record(1));
    await jest.advanceTimersByTimeAsync(10);
    expect(h.sender.attempts).toBe(0);
    h.buffer.push(record(2));
    await jest.advanceTimersByTimeAsync(10);
    expect(h.sender.accepted.map((batch) => keysOf(batch)[RSVPS])).toEqual([
      ['event-1', 'event-2'],
    ]);
  });

  it('retries a refused batch with backoff until Kafka accepts it, acknowledging it once', async () => {
    const h = harness();
    h.sender.answerNext(brokersAway(), brokersAway());
    h.buffer.push(record(1));
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    expect(h.sender.attempts).toBe(1);
    await jest.advanceTimersByTimeAsync(99);
    expect(h.sender.attempts).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.sender.attempts).toBe(2);
    expect(h.acknowledged).toEqual([]);
    await jest.advanceTimersByTimeAsync(200);
    expect(h.sender.attempts).toBe(3);
    expect(h.acknowledged.flat().map((r) => r.key)).toEqual(['event-1']);
    expect(keysOf(h.sender.accepted[0])).toEqual({ [RSVPS]: ['event-1'] });
    expect(await counterValue(h.metrics.produceErrors)).toBe(2);
    expect(h.sender.resets).toBe(0);
  });

  it('starts the backoff over after a batch is accepted', async () => {
    const h = harness();
    h.sender.answerNext(brokersAway(), brokersAway());
    h.buffer.push(record(1));
    start(h);
    await jest.advanceTimersByTimeAsync(300);
    expect(h.acknowledged).toHaveLength(1);
    h.sender.answerNext(brokersAway());
    h.buffer.push(record(2));
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(100);
    expect(h.acknowledged).toHaveLength(2);
  });

  it('replaces the producer after three failed attempts in a row, and after each one past that', async () => {
    const h = harness();
    h.sender.answerNext(brokersAway(), brokersAway(), brokersAway(), brokersAway());
    h.buffer.push(record(1));
    start(h);
    await jest.advanceTimersByTimeAsync(0 + 100 + 200);
    expect(h.sender.attempts).toBe(3);
    expect(h.sender.resets).toBe(1);
    await jest.advanceTimersByTimeAsync(400);
    expect(h.sender.resets).toBe(2);
    await jest.advanceTimersByTimeAsync(800);
    expect(h.sender.attempts).toBe(5);
    expect(h.acknowledged).toHaveLength(1);
    expect(h.sender.resets).toBe(2);
  });

  it('shows a denied produce in readiness, naming the topic, until Kafka accepts again', async () => {
    const h = harness();
    h.sender.answerNext(topicDenied());
    h.buffer.push(record(1));
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    const check = h.failures.readinessCheck();
    const refusal: unknown = await check.check().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DependencyFailureError);
    expect((refusal as DependencyFailureError).failure).toMatchObject({
      kind: 'authorization',
      fields: { operation: 'produce', topics: [RSVPS], principal: 'User:meetup-ingestor' },
    });
    await jest.advanceTimersByTimeAsync(100);
    expect(h.acknowledged).toHaveLength(1);
    await expect(check.check()).resolves.toEqual({});
  });

  it('keeps readiness up while brokers are away: waiting fixes that, not a person', async () => {
    const h = harness();
    h.sender.answerNext(brokersAway());
    h.buffer.push(record(1));
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    expect(h.sender.attempts).toBe(1);
    expect(h.failures.failure).toBeUndefined();
  });

  it('sends due checkpoints after a batch and while idle, and goes on when a checkpoint write fails', async () => {
    const due: TopicMessages[][] = [[checkpoint(1_001)], [checkpoint(1_002)]];
    const h = harness({ checkpoints: () => due.shift() ?? [] });
    h.sender.answerNext('accept', brokersAway());
    h.buffer.push(record(1));
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    // The batch went; the checkpoint after it failed and is not retried: a newer one follows.
    expect(h.sender.attempts).toBe(2);
    expect(h.acknowledged).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(500);
    expect(h.sender.events).toEqual([`send ${RSVPS}`, `send ${CHECKPOINTS}`]);
    expect(String(h.sender.accepted[1]?.[0]?.messages[0]?.value)).toBe('{"mtime":1002}');
    expect(h.sender.attempts).toBe(3);
  });

  it('on stop, writes what is buffered first, then the checkpoints once more, then closes the producer', async () => {
    let written = 0;
    const h = harness({ lingerMs: 20, checkpoints: () => [checkpoint((written += 1))] });
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    h.buffer.push(record(1));
    running = undefined;
    const stopped = h.writer.stop(10_000);
    await jest.advanceTimersByTimeAsync(1_000);
    await stopped;
    expect(h.acknowledged.flat().map((r) => r.key)).toEqual(['event-1']);
    expect(h.sender.events[0]).toBe(`send ${RSVPS}`);
    expect(h.sender.events.slice(-2)).toEqual([`send ${CHECKPOINTS}`, 'close']);
    // The last checkpoints asked for (after the loop ended) are the last ones written.
    const last = h.sender.accepted.at(-1)?.[0]?.messages[0]?.value;
    expect(String(last)).toBe(`{"mtime":${written}}`);
  });

  it('stops waiting for the buffer once its flush time passed: finishes the batch in flight, sends no more', async () => {
    const h = harness({ batchMaxRecords: 1 });
    h.sender.answerNext(brokersAway());
    [1, 2, 3].forEach((n) => {
      h.buffer.push(record(n));
    });
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    running = undefined;
    const stopped = h.writer.stop(50);
    await jest.advanceTimersByTimeAsync(1_000);
    await stopped;
    expect(h.acknowledged.flat().map((r) => r.key)).toEqual(['event-1']);
    expect(h.buffer.size).toBe(2);
    expect(h.sender.closed).toBe(true);
  });

  it('gives every record of a batch the batch span as parent context, a new span per batch', async () => {
    const h = harness({ batchMaxRecords: 2 });
    [1, 2, 3].forEach((n) => {
      h.buffer.push(record(n));
    });
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    const parents = h.sender.accepted.map((batch) =>
      batch.flatMap((t) => t.messages.map((m) => String(m.headers?.traceparent))),
    );
    expect(parents).toHaveLength(2);
    for (const header of parents.flat()) expect(header).toMatch(TRACEPARENT);
    expect(new Set(parents[0]).size).toBe(1);
    expect(parents[1]?.[0]).not.toBe(parents[0]?.[0]);
    expect(h.sender.accepted[0]?.[0]?.messages[0]?.headers?.['ingestor.source']).toBe('meetup');
  });
});

describe('groupByTopic', () => {
  it('keeps each record’s own headers and leaves the buffered record untouched', () => {
    const pending = record(1);
    const [group] = withSpan('ingestor.batch', {}, () => groupByTopic([pending]));
    expect(group?.messages[0]?.headers).toMatchObject({
      'ingestor.source': 'meetup',
      traceparent: expect.stringMatching(TRACEPARENT) as unknown,
    });
    expect(pending.headers).toEqual({ 'ingestor.source': 'meetup' });
  });

  it('keeps the order of the records within each topic, topics in order of first appearance', () => {
    const groups = groupByTopic([record(1, DLQ), record(2), record(3, DLQ)]);
    expect(keysOf(groups)).toEqual({ [DLQ]: [null, null], [RSVPS]: ['event-2'] });
    expect(groups.map((g) => g.topic)).toEqual([DLQ, RSVPS]);
    expect(groups[0]?.messages.map((m) => String(m.value))).toEqual([
      '{"rsvp_id":1}',
      '{"rsvp_id":3}',
    ]);
  });
});

describe('batching decisions', () => {
  it('lingers only when some but fewer than a full batch of records wait, and lingering is on', () => {
    expect(shouldLinger(1, 10, 20)).toBe(true);
    expect(shouldLinger(9, 10, 20)).toBe(true);
    expect(shouldLinger(0, 10, 20)).toBe(false);
    expect(shouldLinger(10, 10, 20)).toBe(false);
    expect(shouldLinger(25, 10, 20)).toBe(false);
    expect(shouldLinger(5, 10, 0)).toBe(false);
  });

  it('replaces the producer from the third failure in a row on', () => {
    expect([1, 2, 3, 4, 10].map(replacesProducerAfter)).toEqual([false, false, true, true, true]);
  });
});
