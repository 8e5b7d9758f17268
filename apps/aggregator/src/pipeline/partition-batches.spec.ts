import { memoryLogger, Registry } from '@meetup/observability';
import { PartitionPartials } from '@meetup/partition-partials';
import { RsvpDedupState } from '@meetup/rsvp-dedup';
import { PartitionWatermark } from '@meetup/windowing';
import { AggregatorMetrics } from '../aggregator.metrics';
import { idleMarkerMessage } from './idle-marker';
import {
  PartitionBatches,
  planBatch,
  type BatchApplier,
  type BatchControls,
  type FetchedBatch,
  type PartitionSnapshots,
} from './partition-batches';
import { PartitionState } from './partition-state';
import type { InputRecord } from './record-processor';

const LATENESS_MS = 60_000;
const SNAPSHOT_INTERVAL_MS = 5_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
const PARTIALS_INTERVAL_MS = 500;
const noPartials = () => new PartitionPartials({ bucketMs: 60_000, paneMs: 10_000 });

/** Snapshots kept in memory, as `SnapshotStore` keeps them in Elasticsearch. */
class MemorySnapshots implements PartitionSnapshots {
  readonly stored = new Map<number, { offset: number; watermark: number; dedup: string }>();
  /** Every save, as `save <partition>@<offset>`, beside the worker's writes of partials. */
  readonly events: string[] = [];
  loads = 0;
  /** The next loads that fail (Elasticsearch not answering yet). */
  failingLoads = 0;
  failingSaves = 0;

  load(partition: number): Promise<PartitionState | undefined> {
    this.loads += 1;
    if (this.failingLoads > 0) {
      this.failingLoads -= 1;
      return Promise.reject(new Error('no shard available'));
    }
    const found = this.stored.get(partition);
    if (!found) return Promise.resolve(undefined);
    return Promise.resolve(
      new PartitionState(
        partition,
        found.offset,
        RsvpDedupState.deserialize(found.dedup),
        new PartitionWatermark(LATENESS_MS, found.watermark),
        noPartials(),
      ),
    );
  }

  fresh(partition: number, offset: number): PartitionState {
    return new PartitionState(
      partition,
      offset,
      new RsvpDedupState(),
      new PartitionWatermark(LATENESS_MS),
      noPartials(),
    );
  }

  save(state: PartitionState): Promise<void> {
    if (this.failingSaves > 0) {
      this.failingSaves -= 1;
      return Promise.reject(new Error('cluster read-only'));
    }
    this.events.push(`save ${state.partition}@${state.nextOffset}`);
    this.stored.set(state.partition, {
      offset: state.nextOffset,
      watermark: state.watermark.value,
      dedup: state.dedup.serialize(),
    });
    state.dirty = false;
    state.snapshotAt = Date.now();
    return Promise.resolve();
  }
}

/** Applies records as the real worker does to the state (offsets only), or fails when told. */
class RecordingWorker implements BatchApplier {
  readonly applied: number[][] = [];
  readonly verdicts: boolean[] = [];
  failNext = false;
  active = 0;
  mostActive = 0;
  /** Holds every `apply` until released. */
  gate: Promise<void> = Promise.resolve();
  /** The next writes of partials that fail (Elasticsearch went away, or the partition moved). */
  failingPublishes = 0;

  constructor(private readonly events: string[]) {}

  /** As the real worker: writes what the batches left pending, as of the state's offset. */
  publishPartials(state: PartitionState): Promise<void> {
    if (!state.partialsPending) return Promise.resolve();
    state.partialsPublishedAt = Date.now();
    state.partialsPending = false;
    if (this.failingPublishes > 0) {
      this.failingPublishes -= 1;
      return Promise.reject(new Error('bulk write abandoned'));
    }
    this.events.push(`partials ${state.partition}@${state.nextOffset}`);
    return Promise.resolve();
  }

  async apply(
    state: PartitionState,
    records: readonly InputRecord[],
    keepGoing: () => Promise<boolean>,
  ): Promise<void> {
    this.active += 1;
    this.mostActive = Math.max(this.mostActive, this.active);
    try {
      await this.gate;
      this.verdicts.push(await keepGoing());
      if (this.failNext) {
        this.failNext = false;
        throw new Error('bulk write abandoned');
      }
      this.applied.push(records.map((r) => r.offset));
      const last = records.at(-1);
      if (last) state.nextOffset = last.offset + 1;
      state.dirty = true;
      // As the real worker: the partials go with the batch once the interval has passed.
      if (Date.now() - state.partialsPublishedAt >= PARTIALS_INTERVAL_MS) {
        state.partialsPublishedAt = Date.now();
        this.events.push(`partials with batch ${state.partition}@${state.nextOffset}`);
      } else {
        state.partialsPending = true;
      }
    } finally {
      this.active -= 1;
    }
  }
}

class RecordingControls implements BatchControls {
  isLive = true;
  beats = 0;
  resolved = 0;
  readonly seeks: number[] = [];

  live(): boolean {
    return this.isLive;
  }
  heartbeat(): Promise<void> {
    this.beats += 1;
    return Promise.resolve();
  }
  seek(offset: number): void {
    this.seeks.push(offset);
  }
  resolve(): void {
    this.resolved += 1;
  }
}

function messages(from: number, to: number): FetchedBatch['messages'] {
  const out = [];
  for (let offset = from; offset <= to; offset += 1) {
    out.push({
      offset: String(offset),
      key: Buffer.from(`k${offset}`),
      value: Buffer.from(`v${offset}`),
      headers: {},
    });
  }
  return out;
}

const batch = (partition: number, from: number, to: number, highWatermark = to + 1) => ({
  partition,
  messages: messages(from, to),
  highWatermark: String(highWatermark),
});

/**
 * The partition's state was dropped, `why` logged: the next batch, past the snapshot, reloads
 * the state (a second load) and seeks back to the snapshot's offset.
 */
async function expectReloaded(
  { batches, snapshots, logs }: Pick<ReturnType<typeof setUp>, 'batches' | 'snapshots' | 'logs'>,
  why: string,
  next: FetchedBatch,
  snapshotOffset: number,
): Promise<void> {
  expect(logs).toContainEqual(
    expect.objectContaining({
      msg: `${why}, state reloads from snapshot`,
      partition: next.partition,
    }),
  );
  const controls = new RecordingControls();
  await batches.handle(next, controls);
  expect(snapshots.loads).toBe(2);
  expect(controls.seeks).toEqual([snapshotOffset]);
}

function setUp() {
  const { logger, lines: logs } = memoryLogger('aggregator');
  const metrics = new AggregatorMetrics(new Registry());
  const snapshots = new MemorySnapshots();
  const worker = new RecordingWorker(snapshots.events);
  const commits: [number, number][] = [];
  let failingCommits = 0;
  const batches = new PartitionBatches({
    worker,
    snapshots,
    commit: (partition, offset) => {
      if (failingCommits > 0) {
        failingCommits -= 1;
        return Promise.reject(new Error('rebalance in progress'));
      }
      commits.push([partition, offset]);
      return Promise.resolve();
    },
    metrics,
    logger,
    snapshotIntervalMs: SNAPSHOT_INTERVAL_MS,
    partialsIntervalMs: PARTIALS_INTERVAL_MS,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
  });
  batches.start();
  const failCommits = (n: number) => {
    failingCommits = n;
  };
  return { logs, metrics, snapshots, worker, commits, batches, failCommits };
}

async function lagOf(metrics: AggregatorMetrics, partition: number): Promise<number | undefined> {
  const { values } = await metrics.consumerLag.get();
  return values.find((v) => v.labels.partition === String(partition))?.value;
}

describe('planBatch', () => {
  it('does nothing with an empty batch', () => {
    expect(planBatch([], 0)).toEqual({ action: 'none' });
  });

  it("seeks back to the state's offset when the batch starts after it", () => {
    expect(planBatch(messages(12, 14), 10)).toEqual({ action: 'seek', offset: 10 });
  });

  it("applies the records from the state's offset on, keys and values untouched", () => {
    const plan = planBatch(messages(3, 6), 5);
    expect(plan).toEqual({
      action: 'apply',
      records: [
        { offset: 5, key: Buffer.from('k5'), value: Buffer.from('v5'), trace: undefined },
        { offset: 6, key: Buffer.from('k6'), value: Buffer.from('v6'), trace: undefined },
      ],
    });
  });

  it('applies nothing when every record of the batch was applied before', () => {
    expect(planBatch(messages(3, 6), 7)).toEqual({ action: 'apply', records: [] });
  });

  it("carries an idle marker's event time with its record", () => {
    const marker = idleMarkerMessage(0, 1_700_000_000_000);
    const plan = planBatch([{ ...marker, offset: '4' }], 4);
    expect(plan).toEqual({
      action: 'apply',
      records: [{ offset: 4, key: null, value: null, idleWatermark: 1_700_000_000_000 }],
    });
  });
});

describe('PartitionBatches', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts a partition that has no snapshot at the first offset Kafka hands over', async () => {
    const { batches, worker, metrics } = setUp();
    const controls = new RecordingControls();
    await batches.handle(batch(2, 40, 42, 50), controls);
    expect(worker.applied).toEqual([[40, 41, 42]]);
    expect(controls.resolved).toBe(1);
    expect(await lagOf(metrics, 2)).toBe(50 - 43);
  });

  it("restores a partition from its snapshot and skips the records before the snapshot's offset", async () => {
    const { batches, worker, snapshots } = setUp();
    snapshots.stored.set(1, { offset: 8, watermark: 5_000, dedup: '' });
    await batches.handle(batch(1, 5, 9), new RecordingControls());
    expect(worker.applied).toEqual([[8, 9]]);
  });

  it('resolves a batch it had already applied without applying it again', async () => {
    const { batches, worker, snapshots } = setUp();
    snapshots.stored.set(1, { offset: 10, watermark: 5_000, dedup: '' });
    const controls = new RecordingControls();
    await batches.handle(batch(1, 5, 9), controls);
    expect(worker.applied).toEqual([]);
    expect(controls.resolved).toBe(1);
  });

  it("seeks back to the snapshot's offset when Kafka resumes past it, and applies nothing", async () => {
    const { batches, worker, snapshots } = setUp();
    snapshots.stored.set(0, { offset: 100, watermark: 5_000, dedup: '' });
    const controls = new RecordingControls();
    await batches.handle(batch(0, 120, 125), controls);
    expect(controls.seeks).toEqual([100]);
    expect(controls.resolved).toBe(0);
    expect(worker.applied).toEqual([]);
  });

  it('abandons a batch the worker cannot write and reloads the state from the snapshot', async () => {
    const { batches, worker, snapshots, logs } = setUp();
    snapshots.stored.set(0, { offset: 10, watermark: 5_000, dedup: '' });
    await batches.handle(batch(0, 10, 12), new RecordingControls());
    worker.failNext = true;
    const abandoned = new RecordingControls();
    await batches.handle(batch(0, 13, 15), abandoned);
    expect(abandoned.resolved).toBe(0);
    // The state went back to the snapshot (offset 10): Kafka's next batch is past it.
    await expectReloaded({ batches, snapshots, logs }, 'batch abandoned', batch(0, 13, 15), 10);
  });

  it('snapshots a partition, then commits its offset, once the snapshot interval has passed', async () => {
    const { batches, snapshots, commits } = setUp();
    await batches.handle(batch(3, 0, 4), new RecordingControls());
    expect(commits).toEqual([]);
    jest.advanceTimersByTime(SNAPSHOT_INTERVAL_MS);
    await batches.handle(batch(3, 5, 9), new RecordingControls());
    expect(snapshots.stored.get(3)?.offset).toBe(10);
    expect(commits).toEqual([[3, 10]]);
  });

  it('writes the partials before each snapshot, so a snapshot never leaves out partials not written', async () => {
    const { batches, snapshots } = setUp();
    await batches.handle(batch(3, 0, 4), new RecordingControls());
    await batches.handle(batch(3, 5, 9), new RecordingControls());
    await batches.handle(batch(4, 0, 1), new RecordingControls());
    await batches.snapshotIdle();
    expect(snapshots.events).toEqual([
      'partials with batch 3@5',
      'partials with batch 4@2',
      'partials 3@10',
      'save 3@10',
      'save 4@2',
    ]);
  });

  it('takes no snapshot when its partials cannot be written, and reloads the state from the last one', async () => {
    const { batches, snapshots, worker, commits, logs } = setUp();
    snapshots.stored.set(3, { offset: 5, watermark: 5_000, dedup: '' });
    await batches.handle(batch(3, 5, 9), new RecordingControls());
    jest.advanceTimersByTime(SNAPSHOT_INTERVAL_MS - 1);
    await batches.handle(batch(3, 10, 11), new RecordingControls());
    jest.advanceTimersByTime(1);
    worker.failingPublishes = 1;
    // A batch within the partials' interval, past the snapshot's: the snapshot writes them.
    await batches.handle(batch(3, 12, 12), new RecordingControls());
    expect(snapshots.stored.get(3)?.offset).toBe(5);
    expect(commits).toEqual([]);
    // The partition goes back to the snapshot's offset, as after any abandoned batch.
    await expectReloaded({ batches, snapshots, logs }, 'partials not written', batch(3, 13, 14), 5);
  });

  it('writes, on the timer, the partials a batch left pending once the interval has passed', async () => {
    const { batches, snapshots } = setUp();
    await batches.handle(batch(2, 0, 2), new RecordingControls());
    await batches.handle(batch(2, 3, 4), new RecordingControls());
    await batches.publishIdle();
    expect(snapshots.events).toEqual(['partials with batch 2@3']);
    jest.advanceTimersByTime(PARTIALS_INTERVAL_MS);
    await batches.publishIdle();
    await batches.publishIdle();
    expect(snapshots.events).toEqual(['partials with batch 2@3', 'partials 2@5']);
  });

  it('commits no offset when the snapshot cannot be saved, and saves at the next chance', async () => {
    const { batches, snapshots, commits, logs } = setUp();
    await batches.handle(batch(3, 0, 4), new RecordingControls());
    jest.advanceTimersByTime(SNAPSHOT_INTERVAL_MS);
    snapshots.failingSaves = 1;
    await batches.handle(batch(3, 5, 6), new RecordingControls());
    expect(commits).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'snapshot deferred', partition: 3 }),
    );
    await batches.handle(batch(3, 7, 8), new RecordingControls());
    expect(commits).toEqual([[3, 9]]);
  });

  it('keeps consuming when the offset commit fails after the snapshot', async () => {
    const { batches, snapshots, commits, failCommits } = setUp();
    await batches.handle(batch(3, 0, 4), new RecordingControls());
    jest.advanceTimersByTime(SNAPSHOT_INTERVAL_MS);
    failCommits(1);
    const controls = new RecordingControls();
    await batches.handle(batch(3, 5, 6), controls);
    expect(snapshots.stored.get(3)?.offset).toBe(7);
    expect(commits).toEqual([]);
    expect(controls.resolved).toBe(1);
  });

  it('snapshots, when idle, only the partitions that applied records since their last snapshot', async () => {
    const { batches, snapshots, commits } = setUp();
    snapshots.stored.set(1, { offset: 10, watermark: 5_000, dedup: '' });
    await batches.handle(batch(1, 8, 9), new RecordingControls());
    await batches.handle(batch(2, 0, 2), new RecordingControls());
    await batches.snapshotIdle();
    expect(commits).toEqual([[2, 3]]);
    expect(snapshots.stored.get(2)?.offset).toBe(3);
    await batches.snapshotIdle();
    expect(commits).toEqual([[2, 3]]);
  });

  it('retries a snapshot that cannot be read yet, with a growing wait', async () => {
    const { batches, snapshots, worker, logs } = setUp();
    snapshots.failingLoads = 2;
    snapshots.stored.set(0, { offset: 3, watermark: 5_000, dedup: '' });
    const handled = batches.handle(batch(0, 0, 4), new RecordingControls());
    await jest.advanceTimersByTimeAsync(1_000);
    await handled;
    expect(snapshots.loads).toBe(3);
    expect(worker.applied).toEqual([[3, 4]]);
    expect(logs.filter((l) => l.msg === 'snapshot not readable yet, retrying')).toHaveLength(2);
  });

  it('leaves the batch to the next owner when stopped while the snapshot cannot be read', async () => {
    const { batches, snapshots, worker } = setUp();
    snapshots.failingLoads = 100;
    const controls = new RecordingControls();
    const handled = batches.handle(batch(0, 0, 4), controls);
    await jest.advanceTimersByTimeAsync(100);
    batches.stop();
    await handled;
    expect(worker.applied).toEqual([]);
    expect(controls.resolved).toBe(0);
    expect(controls.seeks).toEqual([]);
  });

  it('drops the state of partitions assigned to another member and keeps the others', async () => {
    const { batches, snapshots, worker } = setUp();
    await batches.handle(batch(0, 0, 1), new RecordingControls());
    await batches.handle(batch(1, 0, 1), new RecordingControls());
    expect(snapshots.loads).toBe(2);
    batches.assigned(new Set([1]));
    await batches.handle(batch(1, 2, 3), new RecordingControls());
    expect(snapshots.loads).toBe(2);
    // Partition 0 comes back: its state is read again (no snapshot: from Kafka's offset).
    await batches.handle(batch(0, 0, 1), new RecordingControls());
    expect(snapshots.loads).toBe(3);
    expect(worker.applied).toEqual([
      [0, 1],
      [0, 1],
      [2, 3],
      [0, 1],
    ]);
  });

  it('drops every state once the consumer stopped for good', async () => {
    const { batches, snapshots } = setUp();
    await batches.handle(batch(0, 0, 1), new RecordingControls());
    batches.clear();
    await batches.handle(batch(0, 2, 3), new RecordingControls());
    expect(snapshots.loads).toBe(2);
  });

  it("lets the writer go on only while the consumer runs and the batch's partition was not revoked", async () => {
    const { batches, worker } = setUp();
    const live = new RecordingControls();
    await batches.handle(batch(0, 0, 1), live);
    const stale = new RecordingControls();
    stale.isLive = false;
    await batches.handle(batch(0, 2, 3), stale);
    batches.stop();
    await batches.handle(batch(0, 4, 5), new RecordingControls());
    expect(worker.verdicts).toEqual([true, false, false]);
  });

  it('heartbeats on a timer while a batch is being written, and stops with the batch', async () => {
    const { batches, worker } = setUp();
    let release: () => void = () => undefined;
    worker.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const controls = new RecordingControls();
    const handled = batches.handle(batch(0, 0, 1), controls);
    await jest.advanceTimersByTimeAsync(3 * HEARTBEAT_INTERVAL_MS);
    expect(controls.beats).toBe(3);
    controls.isLive = false;
    await jest.advanceTimersByTimeAsync(2 * HEARTBEAT_INTERVAL_MS);
    expect(controls.beats).toBe(3);
    controls.isLive = true;
    release();
    await handled;
    await jest.advanceTimersByTimeAsync(3 * HEARTBEAT_INTERVAL_MS);
    expect(controls.beats).toBe(3);
  });

  it("applies one partition's batches one after another, and waits for them before dropping its state", async () => {
    const { batches, worker, snapshots } = setUp();
    let release: () => void = () => undefined;
    worker.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = batches.handle(batch(0, 0, 1), new RecordingControls());
    const second = batches.handle(batch(0, 2, 3), new RecordingControls());
    await jest.advanceTimersByTimeAsync(0);
    batches.assigned(new Set());
    release();
    await Promise.all([first, second]);
    expect(worker.mostActive).toBe(1);
    expect(worker.applied).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(snapshots.loads).toBe(1);
    await batches.handle(batch(0, 4, 5), new RecordingControls());
    expect(snapshots.loads).toBe(2);
  });
});
