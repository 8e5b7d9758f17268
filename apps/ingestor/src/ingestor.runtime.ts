import type { Admin, Kafka, TopicMessages } from 'kafkajs';
import { deadLetterHeaders, RsvpValidator } from '@meetup/contracts';
import type { KafkaIdentity } from '@meetup/kafka';
import type { Logger } from '@meetup/observability';
import {
  FailureReport,
  PrerequisiteWaiter,
  startInBackground,
  type ReadinessCheck,
} from '@meetup/service-runtime';
import type { IngestorConfig, SourceSpec } from './config/ingestor.config';
import type { IngestorMetrics } from './ingestor.metrics';
import { ingestorPrerequisites } from './ingestor-prerequisites';
import { CheckpointStore, type Checkpoint } from './pipeline/checkpoint-store';
import { IngestBuffer, type PendingRecord } from './pipeline/ingest-buffer';
import { KafkaWriter } from './pipeline/kafka-writer';
import { SourcePosition } from './pipeline/source-position';
import { ShardFilter } from './sharding/shard-filter';
import { SourceReader } from './sources/source-reader';

export interface IngestorDeps {
  config: IngestorConfig;
  kafka: Kafka;
  admin: Admin;
  identity: KafkaIdentity;
  metrics: IngestorMetrics;
  logger: Logger;
}

export const Headers = { source: 'ingestor.source', replica: 'ingestor.replica' } as const;

const SHUTDOWN_FLUSH_MS = 10_000;

/** Sources → validation and sharding → bounded buffer → Kafka, with durable resume positions. */
export class Ingestor {
  private readonly buffer: IngestBuffer;
  private readonly writer: KafkaWriter;
  private readonly validator: RsvpValidator;
  private readonly shard: ShardFilter;
  private readonly checkpoints: CheckpointStore;
  private readonly startup: PrerequisiteWaiter;
  private readonly producing: FailureReport;
  private readonly halt = new AbortController();
  private starting: Promise<void> = Promise.resolve();
  private stored = new Map<string, Checkpoint>();
  private readonly positions = new Map<string, SourcePosition>();
  private readonly saved = new Map<string, number>();
  private readers: SourceReader[] = [];
  private lastCheckpointAt = 0;
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: IngestorDeps) {
    const { config, kafka, admin, identity, metrics, logger } = deps;
    const ingest = config.ingest;
    this.buffer = new IngestBuffer(ingest.buffer.maxRecords);
    this.validator = new RsvpValidator({ maxBytes: ingest.maxMessageBytes });
    this.shard = new ShardFilter(ingest.shard);
    this.checkpoints = new CheckpointStore(kafka, admin, ingest.topics.checkpoints, logger);
    this.startup = new PrerequisiteWaiter({
      prerequisites: ingestorPrerequisites({
        ingest,
        admin,
        identity,
        checkpoints: this.checkpoints,
        loaded: (stored) => {
          this.stored = stored;
        },
      }),
      logger,
    });
    this.producing = new FailureReport('produce', logger);
    this.writer = new KafkaWriter({
      kafka,
      identity,
      failures: this.producing,
      buffer: this.buffer,
      ...ingest.buffer,
      compression: ingest.compression,
      metrics,
      logger,
      acknowledged: (records) => {
        this.acknowledged(records);
      },
      checkpoints: () => this.dueCheckpoints(),
    });
  }

  /** Readiness: its topics, its resume positions, and whether Kafka accepts what it produces. */
  readinessChecks(): ReadinessCheck[] {
    return [...this.startup.readinessChecks(), this.producing.readinessCheck()];
  }

  /** Returns at once: the ingestor waits for its topics in the background, not ready meanwhile. */
  start(): Promise<void> {
    this.starting = startInBackground(this.deps.logger, () => this.startWhenReady());
    return Promise.resolve();
  }

  private async startWhenReady(): Promise<void> {
    const { config, logger } = this.deps;
    if (!(await this.startup.waitUntilMet({ signal: this.halt.signal }))) return;
    for (const source of config.ingest.sources) {
      const key = CheckpointStore.keyOf(source.name, config.ingest.shard.index);
      const checkpoint = this.stored.get(key)?.mtime;
      logger.info({ source: source.name, key, checkpoint }, 'resume position loaded');
      this.positions.set(source.name, new SourcePosition(checkpoint));
      if (checkpoint !== undefined) this.saved.set(source.name, checkpoint);
    }
    this.writer.start();
    this.readers = config.ingest.sources.map((source) => this.reader(source));
    this.readers.forEach((reader) => {
      reader.start();
    });
    this.lagTimer = setInterval(() => {
      this.updateLag(Date.now());
    }, 1_000);
  }

  async stop(): Promise<void> {
    this.halt.abort();
    await this.starting;
    clearInterval(this.lagTimer);
    await Promise.all(this.readers.map((reader) => reader.stop()));
    this.lastCheckpointAt = 0;
    await this.writer.stop(SHUTDOWN_FLUSH_MS);
  }

  /** Now minus the newest mtime received, per source. */
  private updateLag(now: number): void {
    for (const [source, position] of this.positions) {
      if (position.received !== undefined) {
        this.deps.metrics.sourceLag.set({ source }, (now - position.received) / 1_000);
      }
    }
  }

  private reader(source: SourceSpec): SourceReader {
    const { config, metrics, logger } = this.deps;
    const position = this.positions.get(source.name) ?? new SourcePosition(undefined);
    return new SourceReader({
      source,
      position,
      buffer: this.buffer,
      marginMs: config.ingest.resume.marginMs,
      initialSinceMtime: config.ingest.resume.initialSinceMtime,
      reconnect: config.ingest.reconnect,
      metrics,
      logger,
      message: (raw) => {
        this.handle(source, position, raw);
      },
    });
  }

  private handle(source: SourceSpec, position: SourcePosition, raw: Buffer): void {
    const { metrics, config } = this.deps;
    metrics.received.inc({ source: source.name });
    const result = this.validator.validateRaw(raw);
    if (!result.ok) {
      if (!this.shard.keepsBytes(raw)) {
        this.skip(source, position);
        return;
      }
      const { code } = result.rejection;
      position.enqueued();
      this.buffer.push({
        topic: config.ingest.topics.dlq,
        key: null,
        value: raw,
        headers: deadLetterHeaders(result.rejection, source.name, new Date()),
        source: source.name,
        watermark: position.received,
        dlqReason: code,
      });
      return;
    }
    const watermark = position.observe(result.rsvp.mtime);
    if (!this.shard.keeps(result.rsvp.rsvp_id)) {
      this.skip(source, position);
      return;
    }
    position.enqueued();
    this.buffer.push({
      topic: source.topic,
      key: result.rsvp.event.event_id,
      value: raw,
      headers: {
        [Headers.source]: source.name,
        [Headers.replica]: String(config.ingest.shard.index),
      },
      source: source.name,
      watermark,
    });
  }

  private skip(source: SourceSpec, position: SourcePosition): void {
    this.deps.metrics.shardSkipped.inc({ source: source.name });
    position.handledAtOnce();
  }

  private acknowledged(records: PendingRecord[]): void {
    const { metrics } = this.deps;
    const bySource = new Map<string, { count: number; watermark: number | undefined }>();
    for (const record of records) {
      if (record.dlqReason !== undefined) metrics.dlq.inc({ reason: record.dlqReason });
      else metrics.produced.inc({ source: record.source });
      const entry = bySource.get(record.source) ?? { count: 0, watermark: undefined };
      entry.count += 1;
      entry.watermark = record.watermark ?? entry.watermark;
      bySource.set(record.source, entry);
    }
    for (const [source, { count, watermark }] of bySource) {
      this.positions.get(source)?.acknowledged(count, watermark);
    }
  }

  /** Checkpoints whose position moved, at most once per interval. */
  private dueCheckpoints(): TopicMessages[] {
    const { config } = this.deps;
    const now = Date.now();
    if (now - this.lastCheckpointAt < config.ingest.checkpointIntervalMs) return [];
    this.lastCheckpointAt = now;
    const messages: TopicMessages[] = [];
    for (const [source, position] of this.positions) {
      const done = position.done;
      if (done === undefined || this.saved.get(source) === done) continue;
      this.saved.set(source, done);
      const key = CheckpointStore.keyOf(source, config.ingest.shard.index);
      messages.push(this.checkpoints.message(key, { mtime: done }));
    }
    return messages;
  }
}
