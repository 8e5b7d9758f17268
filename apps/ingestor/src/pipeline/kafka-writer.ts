import type { TopicMessages } from 'kafkajs';
import { describeKafkaFailure, KAFKA_REQUEST_BYTES, type KafkaIdentity } from '@meetup/kafka';
import {
  injectTraceContext,
  needsOperator,
  SpanKind,
  withSpan,
  type Logger,
  type Span,
} from '@meetup/observability';
import { Backoff, sleep, type BackoffOptions } from '@meetup/retry';
import type { FailureReport } from '@meetup/service-runtime';
import type { IngestorMetrics } from '../ingestor.metrics';
import type { BatchSender } from './batch-sender';
import type { IngestBuffer, PendingRecord } from './ingest-buffer';

export interface KafkaWriterOptions {
  sender: BatchSender;
  identity: KafkaIdentity;
  /** Failures a person must fix (credentials, ACLs, CA): logged once, shown by readiness. */
  failures: FailureReport;
  buffer: IngestBuffer;
  batchMaxRecords: number;
  lingerMs: number;
  metrics: IngestorMetrics;
  logger: Logger;
  /** Called, in order, with every batch Kafka acknowledged. */
  acknowledged(records: PendingRecord[]): void;
  /** Extra messages (checkpoints) to send after a batch, or when idle. */
  checkpoints(): TopicMessages[];
  /** Between the attempts of a batch Kafka refused. */
  backoff?: BackoffOptions;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 5_000, jitter: 0.3 };
// After this many failed attempts in a row the producer is replaced: a
// broker that lost the producer's state would otherwise refuse it forever.
const FAILURES_BEFORE_NEW_PRODUCER = 3;
const IDLE_WAKE_MS = 500;

/**
 * Whether to wait `lingerMs` before taking a batch: records are waiting but fewer than a full
 * batch, so a short wait sends more of them in one request.
 */
export function shouldLinger(waiting: number, batchMaxRecords: number, lingerMs: number): boolean {
  return waiting > 0 && waiting < batchMaxRecords && lingerMs > 0;
}

/** Whether the producer is replaced after a batch's `failures`-th failed attempt in a row. */
export function replacesProducerAfter(failures: number): boolean {
  return failures >= FAILURES_BEFORE_NEW_PRODUCER;
}

/**
 * Sends the buffer to Kafka one batch at a time with an idempotent producer
 * (acks=all). A failed batch is retried with backoff until it is accepted:
 * records are never dropped; the buffer fills and the readers pause instead.
 */
export class KafkaWriter {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly backoff: Backoff;

  constructor(private readonly options: KafkaWriterOptions) {
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the buffer is written (or `timeoutMs` passes), then writes checkpoints. */
  async stop(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.options.buffer.size > 0 && Date.now() < deadline) await sleep(50);
    this.running = false;
    await this.loop;
    await this.send(this.options.checkpoints()).catch(() => undefined);
    await this.options.sender.close();
  }

  private async run(): Promise<void> {
    const { buffer, batchMaxRecords, lingerMs } = this.options;
    while (this.running) {
      await buffer.waitForRecords(IDLE_WAKE_MS);
      if (shouldLinger(buffer.size, batchMaxRecords, lingerMs)) await sleep(lingerMs);
      // One batch is one produce request: bounded in bytes too, or the broker refuses it for good.
      const batch = buffer.take(batchMaxRecords, KAFKA_REQUEST_BYTES);
      this.options.metrics.bufferFill.set(buffer.fillRatio);
      if (batch.length > 0) await this.deliver(batch);
      await this.deliverOptional(this.options.checkpoints());
    }
  }

  /**
   * Retries until Kafka accepts the batch. The batch is one span (`ingestor.batch`), whose
   * context every record carries in its headers (W3C `traceparent`) to the aggregator.
   */
  private deliver(batch: PendingRecord[]): Promise<void> {
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.batch.message_count': batch.length,
    };
    return withSpan('ingestor.batch', { kind: SpanKind.PRODUCER, attributes }, (span) =>
      this.deliverTraced(batch, span),
    );
  }

  private async deliverTraced(batch: PendingRecord[], span: Span): Promise<void> {
    const topicMessages = groupByTopic(batch);
    span.setAttribute('messaging.destination.name', topicMessages.map((t) => t.topic).join(','));
    for (let failures = 0; ; failures += 1) {
      const timer = this.options.metrics.produceLatency.startTimer();
      try {
        await this.send(topicMessages);
        timer();
        span.setAttribute('meetup.produce.attempts', failures + 1);
        this.backoff.reset();
        this.options.failures.clear();
        this.options.acknowledged(batch);
        return;
      } catch (error) {
        this.options.metrics.produceErrors.inc();
        span.addEvent('produce failed', { attempt: failures + 1 });
        this.reportFailure(error, topicMessages, batch.length, failures);
        if (replacesProducerAfter(failures + 1)) await this.options.sender.reset();
        await sleep(this.backoff.next());
      }
    }
  }

  private reportFailure(
    error: unknown,
    topicMessages: TopicMessages[],
    records: number,
    failures: number,
  ): void {
    const topics = topicMessages.map((t) => t.topic);
    const failure = describeKafkaFailure(error, {
      operation: 'produce',
      ...this.options.identity,
      topics,
    });
    if (needsOperator(failure)) this.options.failures.record(failure);
    else this.options.logger.warn({ err: error, records, failures }, 'produce failed, retrying');
  }

  private async deliverOptional(topicMessages: TopicMessages[]): Promise<void> {
    if (topicMessages.length === 0) return;
    await this.send(topicMessages).catch((error: unknown) => {
      this.options.logger.warn({ err: error }, 'checkpoint write failed');
    });
  }

  private async send(topicMessages: TopicMessages[]): Promise<void> {
    if (topicMessages.length === 0) return;
    await this.options.sender.send(topicMessages);
  }
}

/** The records by topic, each with its headers and the active trace context. */
export function groupByTopic(records: PendingRecord[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const record of records) {
    let entry = byTopic.get(record.topic);
    if (!entry) {
      entry = { topic: record.topic, messages: [] };
      byTopic.set(record.topic, entry);
    }
    const headers = { ...record.headers };
    injectTraceContext(headers);
    entry.messages.push({ key: record.key, value: record.value, headers });
  }
  return [...byTopic.values()];
}
