import { memoryLogger, Registry } from '@meetup/observability';
import { AggregatorMetrics } from '../aggregator.metrics';
import type { PartitionProgress } from '../state/snapshot-store';
import { IdleStreamStage, type IdleStreamPorts } from './idle-stream-stage';

/** A topic of two partitions whose snapshots are caught up, and the markers written into it. */
class QuietTopic implements IdleStreamPorts {
  readonly highs = [10, 20];
  readonly markers: { partition: number; watermark: number }[] = [];

  ends() {
    return Promise.resolve(
      this.highs.map((high, partition) => ({ partition, low: '0', high: String(high) })),
    );
  }

  progress(partitions: readonly number[]) {
    const found = new Map<number, PartitionProgress>();
    for (const partition of partitions)
      found.set(partition, { partition, offset: this.highs[partition] ?? 0, watermark: 5_000 });
    return Promise.resolve(found);
  }

  writeMarkers(partitions: readonly number[], watermark: number) {
    return Promise.resolve(
      partitions.map((partition) => {
        this.markers.push({ partition, watermark });
        const offset = this.highs[partition] ?? 0;
        this.highs[partition] = offset + 1;
        return { partition, offset };
      }),
    );
  }
}

function setUp() {
  const topic = new QuietTopic();
  const metrics = new AggregatorMetrics(new Registry());
  let now = 0;
  const stage = new IdleStreamStage({
    ports: topic,
    idleMs: 1_000,
    closeAllMs: 60_000,
    metrics,
    logger: memoryLogger('aggregator').logger,
    now: () => now,
  });
  const at = async (time: number, leading = true) => {
    now = time;
    return stage.cycle(() => Promise.resolve(leading));
  };
  return { topic, metrics, stage, at };
}

describe('IdleStreamStage', () => {
  it('writes a marker into every partition once the stream was quiet for the idle time', async () => {
    const { topic, metrics, at } = setUp();
    await at(0);
    await at(500);
    expect(topic.markers).toEqual([]);
    expect(await at(1_500)).toBe(false);
    expect(topic.markers).toEqual([
      { partition: 0, watermark: 6_000 },
      { partition: 1, watermark: 6_000 },
    ]);
    // Its own markers moved the ends: still quiet, and the time runs on.
    await at(2_500);
    expect(topic.markers.slice(2).map((m) => m.watermark)).toEqual([7_000, 7_000]);
    expect((await metrics.idleMarkers.get()).values[0]?.value).toBe(4);
  });

  it('writes nothing once it no longer leads', async () => {
    const { topic, at } = setUp();
    await at(0);
    await at(500);
    await at(1_500, false);
    expect(topic.markers).toEqual([]);
  });

  it('starts over when it becomes the leader again', async () => {
    const { topic, stage, at } = setUp();
    await at(0);
    await at(500);
    stage.reset();
    await at(1_500);
    expect(topic.markers).toEqual([]);
  });
});
