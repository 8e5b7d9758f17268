import { SyntheticRsvpStream } from '@meetup/rsvp-synthetic';
import type { AggregationHarness } from '../test/support/aggregation-harness';
import { producedRecord } from '../test/support/inputs';
import { Seeds, type BenchPlan } from './bench-plan';

const CHUNK = 50_000;

/**
 * The history before the live steps: `historyMinutes` of event time ending now at
 * `historyRatePerSecond`, realistic (resends, changes, out-of-order and stale ones at the
 * recorded data's rates), produced as fast as Kafka takes it, a chunk at a time so the
 * benchmark never holds it all.
 */
export async function produceHistory(
  harness: AggregationHarness,
  plan: BenchPlan,
): Promise<number> {
  const records = Math.round(plan.historyMinutes * 60 * plan.historyRatePerSecond);
  const stream = new SyntheticRsvpStream({
    seed: Seeds.history,
    startMtime: Date.now() - plan.historyMinutes * 60_000,
    ratePerSecond: plan.historyRatePerSecond,
  });
  for (let done = 0; done < records; done += CHUNK) {
    const count = Math.min(CHUNK, records - done);
    await harness.produce(stream.take(count).map(producedRecord));
  }
  return records;
}
