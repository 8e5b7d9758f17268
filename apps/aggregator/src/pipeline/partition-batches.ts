import type { KafkaMessage } from 'kafkajs';
import { spanContextOf, type Logger } from '@meetup/observability';
import { backoffDelay, sleep } from '@meetup/retry';
import type { AggregatorMetrics } from '../aggregator.metrics';
import type { PartitionState } from './partition-state';
import { idleWatermarkOf } from './idle-marker';
import type { InputRecord } from './record-processor';

/** Where partition states are restored from and saved to (`SnapshotStore`). */
export interface PartitionSnapshots {
  load(partition: number): Promise<PartitionState | undefined>;
  fresh(partition: number, offset: number): PartitionState;
  save(state: PartitionState): Promise<void>;
}

/** Applies a batch of records to a partition's state, and writes its partials (`PartitionWorker`). */
export interface BatchApplier {
  apply(
    state: PartitionState,
    records: readonly InputRecord[],
    keepGoing: () => Promise<boolean>,
  ): Promise<void>;
  publishPartials(state: PartitionState, keepGoing: () => Promise<boolean>): Promise<void>;
}

/** One partition's fetched batch (kafkajs `Batch`). */
export interface FetchedBatch {
  partition: number;
  messages: readonly Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers'>[];
  highWatermark: string;
}

/** What the consumer lets a batch handler do (kafkajs `EachBatchPayload`, the consumer's `seek`). */
export interface BatchControls {
  /** The consumer still runs and the batch is not stale (its partition was not revoked). */
  live(): boolean;
  heartbeat(): Promise<void>;
  /** Fetch the partition from `offset` on, dropping the rest of this batch. */
  seek(offset: number): void;
  /** The whole batch is handled. */
  resolve(): void;
}

export interface PartitionBatchesOptions {
  worker: BatchApplier;
  snapshots: PartitionSnapshots;
  /** Commits the partition's Kafka offset (a hint for lag and restarts). */
  commit: (partition: number, offset: number) => Promise<void>;
  metrics: AggregatorMetrics;
  logger: Logger;
  snapshotIntervalMs: number;
  /** Partials a batch left unwritten (`PartitionWorker`'s interval) are written after this long. */
  partialsIntervalMs: number;
  heartbeatIntervalMs: number;
}

/** What to do with a fetched batch, given where the partition's state stands. */
export type BatchPlan =
  | { action: 'none' }
  /** Kafka resumed after the state's offset (a batch was abandoned): go back to it. */
  | { action: 'seek'; offset: number }
  /** The records from the state's offset on (none when the batch was all applied before). */
  | { action: 'apply'; records: InputRecord[] };

export function planBatch(messages: FetchedBatch['messages'], nextOffset: number): BatchPlan {
  const first = messages[0];
  if (!first) return { action: 'none' };
  if (Number(first.offset) > nextOffset) return { action: 'seek', offset: nextOffset };
  const records = messages
    .filter((m) => Number(m.offset) >= nextOffset)
    .map((m) => ({
      offset: Number(m.offset),
      key: m.key,
      value: m.value,
      trace: spanContextOf(m.headers),
      idleWatermark: idleWatermarkOf(m.value, m.headers),
    }));
  return { action: 'apply', records };
}

const SNAPSHOT_READ_BACKOFF = { initialMs: 200, maxMs: 5_000, jitter: 0.5 };

/**
 * The partitions this member consumes, free of Kafka. Each partition's state is loaded from
 * its snapshot when the partition is first seen, records before the snapshot's offset are
 * skipped, and a batch that cannot be written is abandoned together with the in-memory
 * state, which is then reloaded: the snapshot is the truth, Kafka's committed offset only a
 * hint for lag and restarts. Work on one partition runs one task at a time.
 */
export class PartitionBatches {
  private readonly states = new Map<number, PartitionState>();
  private readonly locks = new Map<number, Promise<void>>();
  private running = false;
  /** Aborted by `stop`: cuts the wait between snapshot reads short. */
  private halt = new AbortController();

  constructor(private readonly options: PartitionBatchesOptions) {}

  start(): void {
    this.running = true;
    this.halt = new AbortController();
  }

  stop(): void {
    this.running = false;
    this.halt.abort();
  }

  /** The group assigned `owned` to this member: the state of every other partition goes. */
  assigned(owned: ReadonlySet<number>): void {
    for (const partition of [...this.states.keys()]) {
      if (!owned.has(partition))
        void this.serial(partition, () => {
          this.states.delete(partition);
        });
    }
  }

  /** The consumer stopped: another member may own the partitions when this one consumes again. */
  clear(): void {
    this.states.clear();
  }

  /**
   * Handles one partition batch while heartbeating on a timer: a bulk request can outlast the
   * session timeout (Elasticsearch slowed to 10-30 s), and kafkajs heartbeats only when asked
   * from inside the handler; without it the coordinator evicts this member and rebalances.
   */
  handle(batch: FetchedBatch, controls: BatchControls): Promise<void> {
    return this.serial(batch.partition, async () => {
      const beat = setInterval(() => {
        if (controls.live()) controls.heartbeat().catch(() => undefined);
      }, this.options.heartbeatIntervalMs);
      try {
        await this.handleBatch(batch, controls);
      } finally {
        clearInterval(beat);
      }
    });
  }

  /** Snapshots every partition that applied records since its last snapshot. */
  async snapshotIdle(): Promise<void> {
    for (const [partition, state] of this.states) {
      if (!state.dirty) continue;
      await this.serial(partition, async () => {
        if (this.states.get(partition) === state && state.dirty) {
          await this.snapshot(state, this.ownerOf(state));
        }
      });
    }
  }

  /** Writes the partials of every partition whose last batch left them unwritten, once due. */
  async publishIdle(): Promise<void> {
    for (const [partition, state] of this.states) {
      if (!state.partialsPending) continue;
      await this.serial(partition, async () => {
        const due = Date.now() - state.partialsPublishedAt >= this.options.partialsIntervalMs;
        if (this.states.get(partition) === state && state.partialsPending && due) {
          await this.publishPartials(state, this.ownerOf(state));
        }
      });
    }
  }

  private async handleBatch(batch: FetchedBatch, controls: BatchControls): Promise<void> {
    const { partition } = batch;
    const first = batch.messages[0];
    if (!first) return;
    const state = await this.stateOf(partition, Number(first.offset));
    // Stopping before the state could be read: the batch is left for the next owner.
    if (!state) return;
    const plan = planBatch(batch.messages, state.nextOffset);
    if (plan.action === 'none') return;
    if (plan.action === 'seek') {
      controls.seek(plan.offset);
      return;
    }
    // Heartbeats come from handle's timer; between retries the writer only asks whether to go on.
    const keepGoing = () => Promise.resolve(this.running && controls.live());
    if (plan.records.length > 0) {
      try {
        await this.options.worker.apply(state, plan.records, keepGoing);
      } catch (error) {
        this.states.delete(partition);
        this.options.logger.warn(
          { err: error, partition },
          'batch abandoned, state reloads from snapshot',
        );
        return;
      }
    }
    controls.resolve();
    this.options.metrics.consumerLag.set(
      { partition: String(partition) },
      Math.max(0, Number(batch.highWatermark) - state.nextOffset),
    );
    if (Date.now() - state.snapshotAt >= this.options.snapshotIntervalMs) {
      await this.snapshot(state, keepGoing);
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

  /**
   * The partials, then the snapshot, then the Kafka offset: the snapshot never runs ahead of
   * the partials it leaves out (those written), the commit never ahead of the snapshot.
   */
  private async snapshot(state: PartitionState, keepGoing: () => Promise<boolean>): Promise<void> {
    if (!(await this.publishPartials(state, keepGoing))) return;
    try {
      await this.options.snapshots.save(state);
      await this.options.commit(state.partition, state.nextOffset);
    } catch (error) {
      // Nothing lost: the next snapshot covers it, or a restart replays from the last one.
      this.options.logger.warn({ err: error, partition: state.partition }, 'snapshot deferred');
    }
  }

  /**
   * Writes the partials that closed or changed; false when that failed, and the state, which
   * already holds them as written, is dropped to reload from the snapshot.
   */
  private async publishPartials(
    state: PartitionState,
    keepGoing: () => Promise<boolean>,
  ): Promise<boolean> {
    try {
      await this.options.worker.publishPartials(state, keepGoing);
      return true;
    } catch (error) {
      if (this.states.get(state.partition) === state) this.states.delete(state.partition);
      this.options.logger.warn(
        { err: error, partition: state.partition },
        'partials not written, state reloads from snapshot',
      );
      return false;
    }
  }

  /** Whether work on `state` may go on: the member runs and still holds that state. */
  private ownerOf(state: PartitionState): () => Promise<boolean> {
    return () => Promise.resolve(this.running && this.states.get(state.partition) === state);
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
