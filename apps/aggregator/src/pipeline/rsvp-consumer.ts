import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@meetup/observability';
import type { AggregatorMetrics } from '../aggregator.metrics';
import { PartitionBatches, type BatchApplier, type PartitionSnapshots } from './partition-batches';

export interface RsvpConsumerOptions {
  kafka: Kafka;
  worker: BatchApplier;
  snapshots: PartitionSnapshots;
  metrics: AggregatorMetrics;
  logger: Logger;
  topic: string;
  group: string;
  snapshotIntervalMs: number;
  /** How often partials a batch left unwritten are written. */
  partialsIntervalMs: number;
  partitionsConcurrency: number;
  maxBytesPerPartition: number;
  sessionTimeoutMs: number;
  /** Told whether this member owns partition 0 (and so runs the combine step). */
  onLeadership: (leader: boolean) => void;
  /** kafkajs stopped consuming and will not restart by itself (e.g. the group is denied). */
  onStopped: (error: Error) => void;
}

/** A tenth of the session timeout: several beats fit in it even on a busy machine. */
export function heartbeatIntervalOf(sessionTimeoutMs: number): number {
  return Math.max(500, Math.floor(sessionTimeoutMs / 10));
}

/**
 * The consumer group member: kafkajs's `eachBatch` per partition, without automatic offset
 * resolution or commits, handed to `PartitionBatches`, which holds the partitions' states and
 * commits an offset only with the partition's snapshot.
 */
export class RsvpConsumer {
  private readonly consumer: Consumer;
  private readonly batches: PartitionBatches;
  private readonly tickers: NodeJS.Timeout[] = [];

  constructor(private readonly options: RsvpConsumerOptions) {
    const heartbeatIntervalMs = heartbeatIntervalOf(options.sessionTimeoutMs);
    this.consumer = options.kafka.consumer({
      groupId: options.group,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
    });
    this.batches = new PartitionBatches({
      worker: options.worker,
      snapshots: options.snapshots,
      commit: (partition, offset) =>
        this.consumer.commitOffsets([{ topic: options.topic, partition, offset: String(offset) }]),
      metrics: options.metrics,
      logger: options.logger,
      snapshotIntervalMs: options.snapshotIntervalMs,
      partialsIntervalMs: options.partialsIntervalMs,
      heartbeatIntervalMs,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const owned = new Set(event.payload.memberAssignment[options.topic] ?? []);
      this.batches.assigned(owned);
      options.onLeadership(owned.has(0));
      options.logger.info({ partitions: [...owned] }, 'partitions assigned');
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (event.payload.restart) return;
      this.batches.clear();
      options.onStopped(event.payload.error);
    });
  }

  async start(): Promise<void> {
    const { topic } = this.options;
    this.batches.start();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrency,
      eachBatch: (payload) => {
        const { batch } = payload;
        return this.batches.handle(batch, {
          live: () => payload.isRunning() && !payload.isStale(),
          heartbeat: () => payload.heartbeat(),
          seek: (offset) => {
            this.consumer.seek({
              topic: batch.topic,
              partition: batch.partition,
              offset: String(offset),
            });
          },
          resolve: () => {
            payload.resolveOffset(batch.lastOffset());
          },
        });
      },
    });
    this.tickers.push(
      setInterval(() => void this.batches.snapshotIdle(), this.options.snapshotIntervalMs),
      setInterval(() => void this.batches.publishIdle(), this.options.partialsIntervalMs),
    );
  }

  async stop(): Promise<void> {
    this.batches.stop();
    for (const ticker of this.tickers.splice(0)) clearInterval(ticker);
    await this.consumer.disconnect();
  }
}
