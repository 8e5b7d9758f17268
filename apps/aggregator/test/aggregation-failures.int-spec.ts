import { AggregationHarness } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { computeReference } from './support/reference';
import { mulberry32 } from './support/synthetic-stream';
import { syntheticInput } from './support/inputs';

// Five restarts each wait for the killed member's session to expire before the partitions move.
const CRASH_TEST_MS = 420_000;

describe('the aggregator under parallelism and crashes', () => {
  // Torn down after each test, failed or timed out too: a test's own `finally` would not run
  // while it still awaits when Jest gives up on it, and its aggregators would outlive it.
  let harness: AggregationHarness;
  beforeEach(() => {
    harness = new AggregationHarness();
  });
  afterEach(() => harness.tearDown());

  it('computes every output exactly with three replicas', async () => {
    await harness.setUp();
    const input = syntheticInput(100_000, 7);
    await harness.produce(input);
    await Promise.all([0, 1, 2].map(() => harness.startAggregator()));
    await harness.waitUntilCombined();
    expectOutputsToEqualReference(await harness.outputs(), computeReference(input));
  });

  it(
    'computes every output exactly when killed with SIGKILL at five random moments',
    async () => {
      const random = mulberry32(2024);
      await harness.setUp();
      const input = syntheticInput(100_000, 11);
      await harness.produce(input);
      let aggregator = await harness.startAggregator();
      for (let kill = 0; kill < 5; kill += 1) {
        await new Promise((resolve) => setTimeout(resolve, 1_000 + random() * 6_000));
        await aggregator.stop('SIGKILL');
        aggregator = await harness.startAggregator();
      }
      await harness.waitUntilCombined(CRASH_TEST_MS - 60_000);
      expectOutputsToEqualReference(await harness.outputs(), computeReference(input));
    },
    CRASH_TEST_MS,
  );
});
