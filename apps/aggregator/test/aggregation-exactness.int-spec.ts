import { basename } from 'node:path';
import { IndexAliases } from '@meetup/contracts';
import { indexSpecOf, TimePartitionedIndex } from '@meetup/elasticsearch';
import { recordedFiles } from '@meetup/fixtures';
import { AggregationHarness } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { computeReference } from './support/reference';
import { producedRecord, recordedInput, syntheticInput } from './support/inputs';
import { syntheticStream } from './support/synthetic-stream';

describe('the aggregator with one replica', () => {
  // Torn down after each test, failed or timed out too: a test's own `finally` would not run
  // while it still awaits when Jest gives up on it, and its aggregators would outlive it.
  let harness: AggregationHarness;
  beforeEach(() => {
    harness = new AggregationHarness();
  });
  afterEach(() => harness.tearDown());

  it.each(recordedFiles().map((file) => [basename(file), file]))(
    'computes every output of %s exactly',
    async (_name, file) => {
      await harness.setUp();
      const input = recordedInput(file);
      await harness.produce(input);
      await harness.startAggregator();
      await harness.waitUntilCombined();
      expectOutputsToEqualReference(await harness.outputs(), computeReference(input));
    },
  );

  it('computes every output of a 100,000-record stream with resends, changes and reordering exactly', async () => {
    await harness.setUp();
    const input = syntheticInput();
    const reference = computeReference(input);
    expect(reference.counted.length).toBeLessThan(input.length * 0.9);
    await harness.produce(input);
    await harness.startAggregator();
    await harness.waitUntilCombined();
    expectOutputsToEqualReference(await harness.outputs(), reference);
  });

  it('computes every output exactly with a small per-cycle combine budget and a retention that drops old partials partitions', async () => {
    await harness.setUp();
    const hour = 3_600_000;
    const start = Date.UTC(2024, 4, 3, 6);
    // Five hours of event time at one RSVP a second.
    const input = syntheticStream({
      seed: 21,
      records: 18_000,
      startMtime: start,
      ratePerSecond: 1,
      resendShare: 0.1,
      changeShare: 0.05,
      reorderShare: 0.1,
      lateShare: 0,
    }).map(producedRecord);
    const retentionMs = 70 * 60_000;
    await harness.produce(input);
    await harness.startAggregator({
      PARTIALS_RETENTION_MS: String(retentionMs),
      // Slices of the backlog, each combined and written before the next: 6 partitions' documents
      // of 300 buckets (6 slices by country) and of 1,800 panes (36 slices of trending).
      COMBINE_READ_BUDGET: '300',
    });
    await harness.waitUntilCombined();
    expectOutputsToEqualReference(await harness.outputs(), computeReference(input));

    // The global watermark: the oldest of the partitions' newest event times.
    const newest = new Map<number, number>();
    for (const { partition, value } of input) {
      const { mtime } = JSON.parse(value.toString()) as { mtime: number };
      newest.set(partition, Math.max(newest.get(partition) ?? 0, mtime));
    }
    const cutoff = Math.floor((Math.min(...newest.values()) - retentionMs) / hour) * hour;
    expect(cutoff).toBeGreaterThan(start + hour);
    const partials = new TimePartitionedIndex(harness.es, indexSpecOf(IndexAliases.rsvpPartials), {
      prefix: harness.prefix,
    });
    // Retention runs right after the cycle that wrote the last progress: give it a moment.
    let held = await partials.partitions();
    for (let i = 0; i < 40 && held.some((p) => p.endMs <= cutoff); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      held = await partials.partitions();
    }
    expect(held.map((p) => p.startMs)).toEqual(
      Array.from({ length: held.length }, (_, i) => cutoff + i * hour),
    );
    expect(held.length).toBeGreaterThanOrEqual(2);
  });
});
