import { basename } from 'node:path';
import { readFileSync } from 'node:fs';
import { recordedFiles } from '@meetup/fixtures';
import { AggregationHarness, partitionOf } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { computeReference, type ProducedRecord } from './support/reference';
import { syntheticStream } from './support/synthetic-stream';

export function recordedInput(file: string): ProducedRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((value) => ({ partition: partitionOf(value), value }));
}

export function syntheticInput(records = 100_000, seed = 42): ProducedRecord[] {
  return syntheticStream({
    seed,
    records,
    startMtime: Date.UTC(2024, 4, 1, 12),
    ratePerSecond: 100,
    resendShare: 0.15,
    changeShare: 0.05,
    reorderShare: 0.15,
    lateShare: 0.005,
  }).map((rsvp) => {
    const value = JSON.stringify(rsvp);
    return { partition: partitionOf(value), value };
  });
}

describe('the aggregator with one replica', () => {
  it.each(recordedFiles().map((file) => [basename(file), file]))(
    'computes every output of %s exactly',
    async (_name, file) => {
      const harness = new AggregationHarness();
      try {
        await harness.setUp();
        const input = recordedInput(file);
        await harness.produce(input);
        await harness.startAggregator();
        await harness.waitUntilCombined();
        expectOutputsToEqualReference(await harness.outputs(), computeReference(input));
      } finally {
        await harness.tearDown();
      }
    },
  );

  it('computes every output of a 100,000-record stream with resends, changes and reordering exactly', async () => {
    const harness = new AggregationHarness();
    try {
      await harness.setUp();
      const input = syntheticInput();
      const reference = computeReference(input);
      expect(reference.counted.length).toBeLessThan(input.length * 0.9);
      await harness.produce(input);
      await harness.startAggregator();
      await harness.waitUntilCombined();
      expectOutputsToEqualReference(await harness.outputs(), reference);
    } finally {
      await harness.tearDown();
    }
  });
});
