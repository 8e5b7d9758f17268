import { AggregationHarness } from '../test/support/aggregation-harness';
import { syntheticInput } from '../test/support/inputs';
import type { BenchPlan } from './bench-plan';
import { Seeds } from './bench-plan';
import type { BacklogResult, PhaseCpu } from './bench-results';
import { metered, processGroups, waitForSnapshots } from './bench-rig';
import { RssSampler } from './process-meter';

/**
 * Records/s of one aggregator over a backlog (the topic filled first, its start
 * included in the time): `all` outputs until both combine stages included every record,
 * `raw` (AGGREGATOR_OUTPUTS=raw: raw index only) until the snapshots hold every record.
 */
export async function backlogThroughput(
  plan: BenchPlan,
  outputs: 'all' | 'raw',
  cpu: PhaseCpu[],
): Promise<BacklogResult> {
  const harness = new AggregationHarness();
  await harness.setUp();
  try {
    const input = syntheticInput(plan.backlogRecords, Seeds.backlog);
    await harness.produce(input);
    const groups = processGroups(harness, plan.enginesName);
    return await metered(`backlog ${outputs}`, groups, cpu, async () => {
      const started = Date.now();
      const service = await harness.startAggregator({
        NODE_OPTIONS: `--max-old-space-size=${plan.heapMib}`,
        AGGREGATOR_OUTPUTS: outputs,
      });
      const rss = new RssSampler(() => service.process.pid);
      if (outputs === 'all') await harness.waitUntilCombined(600_000);
      else await waitForSnapshots(harness, input.length);
      const seconds = (Date.now() - started) / 1000;
      const peakRssMb = rss.stop();
      return {
        outputs,
        records: input.length,
        seconds,
        recordsPerSecond: input.length / seconds,
        peakRssMb,
      };
    });
  } finally {
    await harness.tearDown();
  }
}
