import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { spanContextOf, type Logger } from '@meetup/observability';
import { backoffDelay, sleep } from '@meetup/retry';
import type { AggregatorMetrics } from '../aggregator.metrics';
import type { SnapshotStore } from '../state/snapshot-store';
import type { PartitionState } from './partition-state';
import type { PartitionWorker } from './partition-worker';

export interface RsvpConsumerOptions {
  kafka: Kafka;
  worker: PartitionWorker;
  snapshots: SnapshotStore;
  metrics: AggregatorMetrics;
  logger: Logger;
  topic: string;
  group: string;
  snapshotIntervalMs: number;
  partitionsConcurrency: number;
  maxBytesPerPartition: number;
  sessionTimeoutMs: number;
  /** Told whether this member owns partition 0 (and so runs the combine step). */
  onLeadership: (leader: boolean) => void;
  /** kafkajs stopped consuming and will not restart by itself (e.g. the group is denied). */
  onStopped: (error: Error) => void;
}

const SNAPSHOT_READ_BACKOFF = { initialMs: 200, maxMs: 5_000, jitter: 0.5 };

/**
 * The consumer group member. Each partition's state is loaded from its
 * snapshot when the partition is first seen, records before the snapshot's
 * offset are skipped, and a batch that cannot be written is abandoned
 * together with the in-memory state, which is then reloaded: the snapshot is
 * the truth, Kafka's committed offset only a hint for lag and restarts.
 */
export class RsvpConsumer {
  private readonly consumer: Consumer;
  private readonly states = new Map<number, PartitionState>();
  private readonly locks = new Map<number, Promise<void>>();
  private ticker: NodeJS.Timeout | undefined;
  private running = false;
  /** Aborted by `stop`: cuts the wait between snapshot reads short. */
  private halt = new AbortController();
  /** A tenth of the session timeout: several beats fit in it even on a busy machine. */
  private readonly heartbeatIntervalMs: number;

  constructor(private readonly options: RsvpConsumerOptions) {
    this.heartbeatIntervalMs = Math.max(500, Math.floor(options.sessionTimeoutMs / 10));
    this.consumer = options.kafka.consumer({
      groupId: options.group,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: this.heartbeatIntervalMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, (event) => {
      const owned = new Set(event.payload.memberAssignment[options.topic] ?? []);
      for (const partition of [...this.states.keys()]) {
        if (!owned.has(partition))
          void this.serial(partition, () => {
            this.forget(partition);
          });
      }
      options.onLeadership(owned.has(0));
      options.logger.info({ partitions: [...owned] }, 'partitions assigned');
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      if (event.payload.restart) return;
      // Another member may own the partitions by the time this one consumes again.
      this.states.clear();
      options.onStopped(event.payload.error);
    });
  }

  async start(): Promise<void> {
    this.running = true;
    this.halt = new AbortController();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrency,
      eachBatch: (payload) => this.serial(payload.batch.partition, () => this.onBatch(payload)),
    });
    this.ticker = setInterval(() => void this.snapshotIdle(), this.options.snapshotIntervalMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.halt.abort();
    if (this.ticker) clearInterval(this.ticker);
    await this.consumer.disconnect();
  }

  /**
   * Handles one partition batch while heartbeating on a timer: a bulk request can outlast the
   * session timeout (Elasticsearch slowed to 10-30 s), and kafkajs heartbeats only when asked
   * from inside the handler; without it the coordinator evicts this member and rebalances.
   */
  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const beat = setInterval(() => {
      if (payload.isRunning() && !payload.isStale()) payload.heartbeat().catch(() => undefined);
    }, this.heartbeatIntervalMs);
    try {
      await this.handleBatch(payload);
    } finally {
      clearInterval(beat);
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const partition = batch.partition;
    const first = batch.messages[0];
    if (!first) return;
    const state = await this.stateOf(partition, Number(first.offset));
    // Stopping before the state could be read: the batch is left for the next owner.
    if (!state) return;
    if (Number(first.offset) > state.nextOffset) {
      // Kafka resumed after our snapshot (a batch was abandoned): go back to it.
      this.consumer.seek({ topic: batch.topic, partition, offset: String(state.nextOffset) });
      return;
    }
    const records = batch.messages
      .filter((m) => Number(m.offset) >= state.nextOffset)
      .map((m) => ({
        offset: Number(m.offset),
        key: m.key,
        value: m.value,
        trace: spanContextOf(m.headers),
      }));
    // Heartbeats come from onBatch's timer; between retries the writer only asks whether to go on.
    const keepGoing = () =>
      Promise.resolve(this.running && payload.isRunning() && !payload.isStale());
    if (records.length > 0) {
      try {
        await this.options.worker.apply(state, records, keepGoing);
      } catch (error) {
        this.forget(partition);
        this.options.logger.warn(
          { err: error, partition },
          'batch abandoned, state reloads from snapshot',
        );
        return;
      }
    }
    payload.resolveOffset(batch.lastOffset());
    this.options.metrics.consumerLag.set(
      { partition: String(partition) },
      Math.max(0, Number(batch.highWatermark) - state.nextOffset),
    );
    if (Date.now() - state.snapshotAt >= this.options.snapshotIntervalMs) {
      await this.snapshot(state);
    }
  }

  private async stateOf(
    partition: number,
    firstOffset: number,
  ): Promise<PartitionState | undefined> {
    const known = this.states.get(partition);
    if (known) return known;
    let loaded: PartitionState | undefined;
    for (let attempt = 0; ; attempt += 1) {
      try {
        loaded = await this.options.snapshots.load(partition);
        break;
      } catch (error) {
        this.options.logger.warn({ err: error, partition }, 'snapshot not readable yet, retrying');
        const delay = backoffDelay(attempt, SNAPSHOT_READ_BACKOFF);
        if (!(await sleep(delay, this.halt.signal))) return undefined;
      }
    }
    // No snapshot: the group never wrote this partition, and it starts at the beginning.
    const state = loaded ?? this.options.snapshots.fresh(partition, firstOffset);
    this.states.set(partition, state);
    this.options.logger.info(
      { partition, offset: state.nextOffset, restored: loaded !== undefined },
      'partition state ready',
    );
    return state;
  }

  private async snapshot(state: PartitionState): Promise<void> {
    try {
      await this.options.snapshots.save(state);
      await this.consumer.commitOffsets([
        { topic: this.options.topic, partition: state.partition, offset: String(state.nextOffset) },
      ]);
    } catch (error) {
      // Nothing lost: the next snapshot covers it, or a restart replays from the last one.
      this.options.logger.warn({ err: error, partition: state.partition }, 'snapshot deferred');
    }
  }

  private async snapshotIdle(): Promise<void> {
    for (const [partition, state] of this.states) {
      if (!state.dirty) continue;
      await this.serial(partition, async () => {
        if (this.states.get(partition) === state && state.dirty) await this.snapshot(state);
      });
    }
  }

  private forget(partition: number): void {
    this.states.delete(partition);
  }

  /** Runs `task` after every earlier task of the same partition. */
  private serial(partition: number, task: () => Promise<void> | void): Promise<void> {
    const previous = this.locks.get(partition) ?? Promise.resolve();
    const next = previous.then(task, task);
    this.locks.set(
      partition,
      next.catch(() => undefined),
    );
    return next;
  }
}
