import { basename } from 'node:path';
import { recordedFiles } from '@meetup/fixtures';
import { AggregationHarness } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { computeReference } from './support/reference';
import { recordedInput, syntheticInput } from './support/inputs';

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
