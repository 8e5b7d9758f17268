/**
 * The aggregator's benchmark report (issue #15), one run of `make bench`:
 *  - Elasticsearch alone (helpers.bulk) on the aggregator's raw, and raw + partial, documents;
 *  - backlog throughput, raw only and all outputs, and its ratio to Elasticsearch alone;
 *  - after a history, offered live rates step by step: delay produce → visible in by-country
 *    and in trending, lag, whether it keeps up; the highest sustained rate;
 *  - restart catch-up after a SIGKILL; peak RSS; CPU per process and phase.
 * Writes bench/results/latest.{json,md,png}; asserts nothing. Needs TEST_KAFKA_BROKERS and
 * TEST_ES_URL (tools/bench.sh under tools/run-with-engines.sh) and the built app.
 * BENCH_SCALE=0.1 is a smoke run; AGGREGATOR_BENCH_PHASES=ceiling,backlog,live picks phases.
 */
import { backlogThroughput } from './backlog';
import { benchPlan, scaledPlan, type BenchPlan } from './bench-plan';
import type { BenchResults } from './bench-results';
import { ceilingPhase } from './ceiling-phase';
import { livePhase } from './live-phase';
import { writeReport } from './report-writer';
import { summaryKeys } from './summary-keys';

async function measure(plan: BenchPlan, results: BenchResults, startedAt: number): Promise<void> {
  if (plan.phases.has('ceiling')) {
    const ceiling = await ceilingPhase(plan, results.cpu);
    results.ceilingRaw = ceiling.raw;
    results.ceilingAll = ceiling.all;
    console.log(`[aggregator] ES alone ${JSON.stringify(ceiling)}`);
  }
  if (plan.phases.has('backlog')) {
    results.backlogRaw = await backlogThroughput(plan, 'raw', results.cpu);
    results.backlogAll = await backlogThroughput(plan, 'all', results.cpu);
    console.log(`[aggregator] backlog ${JSON.stringify([results.backlogRaw, results.backlogAll])}`);
  }
  if (plan.phases.has('live')) {
    const live = await livePhase(plan, results.cpu, startedAt);
    Object.assign(results, live, {
      peakRssMb: Math.max(results.peakRssMb, live.peakRssMb),
    });
    console.log(`[aggregator] restart ${JSON.stringify(live.restart)}`);
  }
}

async function main(): Promise<void> {
  const plan = benchPlan();
  const startedAt = Date.now();
  const results: BenchResults = {
    startedAt: new Date(startedAt).toISOString(),
    wallSeconds: 0,
    scale: plan.scale,
    scaled: scaledPlan(plan),
    heapMib: plan.heapMib,
    steps: [],
    peakRssMb: 0,
    cpu: [],
  };
  console.log(`[aggregator] plan ${JSON.stringify(results.scaled)}`);
  try {
    await measure(plan, results, startedAt);
  } finally {
    results.peakRssMb = Math.max(
      results.peakRssMb,
      results.backlogRaw?.peakRssMb ?? 0,
      results.backlogAll?.peakRssMb ?? 0,
      results.restart?.peakRssMb ?? 0,
    );
    results.wallSeconds = (Date.now() - startedAt) / 1000;
    const files = await writeReport(plan, results);
    console.log(`[aggregator] ${JSON.stringify(summaryKeys(results))}`);
    console.log(`[aggregator] wrote ${files.join(', ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
