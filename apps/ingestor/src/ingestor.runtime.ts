import type { Admin, Kafka, TopicMessages } from 'kafkajs';
import { RsvpValidator } from '@meetup/contracts';
import type { KafkaIdentity } from '@meetup/kafka';
import type { Logger } from '@meetup/observability';
import {
  FailureReport,
  PrerequisiteWaiter,
  startInBackground,
  type ReadinessCheck,
} from '@meetup/service-runtime';
import type { IngestorConfig, SourceSpec } from './config/ingestor.config';
import { countAcknowledged, type IngestorMetrics } from './ingestor.metrics';
import { ingestorPrerequisites } from './ingestor-prerequisites';
import { KafkaBatchSender } from './pipeline/batch-sender';
import { CheckpointStore, type Checkpoint } from './pipeline/checkpoint-store';
import { IngestBuffer } from './pipeline/ingest-buffer';
import { KafkaWriter } from './pipeline/kafka-writer';
import { RsvpIntake } from './pipeline/rsvp-intake';
import { SourcePosition } from './pipeline/source-position';
import { SourceProgress } from './pipeline/source-progress';
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

const SHUTDOWN_FLUSH_MS = 10_000;

/** Sources → validation and sharding → bounded buffer → Kafka, with durable resume positions. */
export class Ingestor {
  private readonly buffer: IngestBuffer;
  private readonly writer: KafkaWriter;
  private readonly intake: RsvpIntake;
  private readonly progress: SourceProgress;
  private readonly checkpoints: CheckpointStore;
  private readonly startup: PrerequisiteWaiter;
  private readonly producing: FailureReport;
  private readonly halt = new AbortController();
  private starting: Promise<void> = Promise.resolve();
  private stored = new Map<string, Checkpoint>();
  private readers: SourceReader[] = [];
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: IngestorDeps) {
    const { config, kafka, admin, identity, metrics, logger } = deps;
    const ingest = config.ingest;
    this.buffer = new IngestBuffer(ingest.buffer.maxRecords);
    this.intake = new RsvpIntake({
      validator: new RsvpValidator({ maxBytes: ingest.maxMessageBytes }),
      shard: new ShardFilter(ingest.shard),
      buffer: this.buffer,
      dlqTopic: ingest.topics.dlq,
      replica: ingest.shard.index,
      metrics,
    });
    this.progress = new SourceProgress({
      replica: ingest.shard.index,
      checkpointIntervalMs: ingest.checkpointIntervalMs,
    });
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
      sender: new KafkaBatchSender(kafka, ingest.compression),
      identity,
      failures: this.producing,
      buffer: this.buffer,
      batchMaxRecords: ingest.buffer.batchMaxRecords,
      lingerMs: ingest.buffer.lingerMs,
      metrics,
      logger,
      acknowledged: (records) => {
        countAcknowledged(metrics, records);
        this.progress.acknowledged(records);
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
    const { config, logger, metrics } = this.deps;
    if (!(await this.startup.waitUntilMet({ signal: this.halt.signal }))) return;
    for (const source of config.ingest.sources) {
      const { key, checkpoint } = this.progress.resume(source.name, this.stored);
      logger.info({ source: source.name, key, checkpoint }, 'resume position loaded');
    }
    this.writer.start();
    this.readers = config.ingest.sources.map((source) => this.reader(source));
    this.readers.forEach((reader) => {
      reader.start();
    });
    this.lagTimer = setInterval(() => {
      for (const [source, lag] of this.progress.lagSeconds(Date.now())) {
        metrics.sourceLag.set({ source }, lag);
      }
    }, 1_000);
  }

  async stop(): Promise<void> {
    this.halt.abort();
    await this.starting;
    clearInterval(this.lagTimer);
    await Promise.all(this.readers.map((reader) => reader.stop()));
    this.progress.checkpointNextTime();
    await this.writer.stop(SHUTDOWN_FLUSH_MS);
  }

  private reader(source: SourceSpec): SourceReader {
    const { config, metrics, logger } = this.deps;
    const position = this.progress.position(source.name) ?? new SourcePosition(undefined);
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
        this.intake.accept(source, position, raw);
      },
    });
  }

  private dueCheckpoints(): TopicMessages[] {
    return this.progress
      .dueCheckpoints(Date.now())
      .map(({ key, checkpoint }) => this.checkpoints.message(key, checkpoint));
  }
}
