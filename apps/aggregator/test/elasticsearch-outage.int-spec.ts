import { readFileSync } from 'node:fs';
import { controlEngine } from '@meetup/test-support';
import { AggregationHarness } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { syntheticInput } from './support/inputs';
import { computeReference } from './support/reference';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kb ?? 0) / 1024;
}

// The outage itself, Elasticsearch's restart and the catch-up after it.
const OUTAGE_TEST_MS = 420_000;

describe('the aggregator when Elasticsearch is down', () => {
  // Torn down after each test, failed or timed out too: a test's own `finally` would not run
  // while it still awaits when Jest gives up on it, and its aggregators would outlive it.
  // Elasticsearch is started again too, so that a failure during the outage leaves it up for
  // the tests after this one.
  let harness: AggregationHarness;
  let elasticsearchStopped = false;
  beforeEach(() => {
    harness = new AggregationHarness();
  });
  afterEach(async () => {
    if (elasticsearchStopped) await controlEngine('es-start');
    elasticsearchStopped = false;
    await harness.tearDown();
  });

  it(
    'pauses for a 20 s outage with bounded memory, resumes by itself and stays exact',
    async () => {
      await harness.setUp();
      const input = syntheticInput(100_000, 21);
      await harness.produce(input);
      // A heap cap as a deployment sets one: memory stays bounded only if the
      // aggregator stops fetching while it cannot write (or V8 would abort).
      const aggregator = await harness.startAggregator({
        NODE_OPTIONS: '--max-old-space-size=320',
      });
      const pid = aggregator.process.pid ?? 0;
      await sleep(3_000);
      elasticsearchStopped = true;
      await controlEngine('es-stop');
      const samples: number[] = [];
      for (let second = 0; second < 20; second += 1) {
        samples.push(rssMegabytes(pid));
        await sleep(1_000);
      }
      await controlEngine('es-start');
      elasticsearchStopped = false;
      await harness.waitUntilCombined(OUTAGE_TEST_MS - 90_000);
      expect(aggregator.process.exitCode).toBeNull();
      expect(Math.max(...samples)).toBeLessThan(600);
      expectOutputsToEqualReference(await harness.outputs(), computeReference(input));
    },
    OUTAGE_TEST_MS,
  );
});
