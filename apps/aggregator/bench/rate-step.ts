import type { StepResult } from './bench-results';
import { metric } from './bench-rig';
import { delaysByTotal, delayStats, trendingDelays, type ProducedTick } from './delay-stats';
import { aggregatorUrl, probeTarget, settle, type LiveContext } from './live-context';
import { offeredRate, producePaced } from './paced-producer';
import { stepLag, stepVerdict } from './step-verdict';
import type { Settled } from './stream-progress';
import { VisibilityProbe } from './visibility-probe';

/** TRENDING_SLIDE_MS, the aggregator's default: trending windows end every 10 s. */
const SLIDE_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One offered rate for `stepSeconds`: its delays, lag and whether it kept up. */
export async function rateStep(
  context: LiveContext,
  ratePerSecond: number,
  probeCountry: string,
): Promise<StepResult> {
  const { plan, harness, producer, stream } = context;
  // A step that fell behind drains first (bounded); its probes are of another country anyway.
  const settled = await settle(context, 60);
  const before = await combineMetrics(aggregatorUrl(context));
  const probe = new VisibilityProbe(probeTarget(context), probeCountry);
  const ticks = await producePaced({
    producer,
    topic: harness.topic,
    stream,
    ratePerSecond,
    seconds: plan.stepSeconds,
    probeCountry,
  });
  await drain(probe, ticks, plan.drainSeconds);
  await probe.stop();
  const after = await combineMetrics(aggregatorUrl(context));
  return stepResult(context, { ratePerSecond, probeCountry, settled }, ticks, probe, {
    country: meanMs(after.country, before.country),
    trending: meanMs(after.trending, before.trending),
    failures: after.failures - before.failures,
  });
}

function stepResult(
  context: LiveContext,
  step: { ratePerSecond: number; probeCountry: string; settled: Settled },
  ticks: readonly ProducedTick[],
  probe: VisibilityProbe,
  combine: { country: number; trending: number; failures: number },
): StepResult {
  const { plan } = context;
  const { ratePerSecond } = step;
  const byCountry = delayStats(delaysByTotal(ticks, probe.totals));
  const trending = trendingDelays(ticks, probe.windowEnds, SLIDE_MS);
  const trendingWindow = delayStats(trending.perWindow);
  const lag = stepLag(probe.lags, ticks);
  const reasons = stepVerdict({
    ratePerSecond,
    p99BoundMs: plan.p99BoundMs,
    byCountry,
    trendingWindow,
    lag,
  });
  return {
    ratePerSecond,
    probeCountry: step.probeCountry,
    before: step.settled,
    offeredPerSecond: offeredRate(ticks, plan.stepSeconds),
    seconds: plan.stepSeconds,
    byCountry,
    trendingRecord: delayStats(trending.perRecord),
    trendingWindow,
    lag,
    keepsUp: reasons.length === 0,
    reasons,
    combineMeanMs: { country: combine.country, trending: combine.trending },
    bulkFailures: combine.failures,
  };
}

/** Until every probe is counted in by-country and the step's windows are written, at most `seconds`. */
async function drain(
  probe: VisibilityProbe,
  ticks: readonly ProducedTick[],
  seconds: number,
): Promise<void> {
  const total = ticks.reduce((sum, t) => sum + t.probes, 0);
  const lastEnd = Math.floor((ticks.at(-1)?.at ?? 0) / SLIDE_MS) * SLIDE_MS;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const counted = (probe.totals.at(-1)?.value ?? 0) >= total;
    const windows = (probe.windowEnds.at(-1)?.value ?? 0) >= lastEnd;
    if (counted && windows) return;
    await sleep(100);
  }
}

interface StageSums {
  sum: number;
  count: number;
}

async function combineMetrics(baseUrl: string) {
  const stage = async (name: string): Promise<StageSums> => ({
    sum: await metric(baseUrl, 'meetup_aggregator_combine_latency_seconds_sum', `stage="${name}"`),
    count: await metric(
      baseUrl,
      'meetup_aggregator_combine_latency_seconds_count',
      `stage="${name}"`,
    ),
  });
  return {
    country: await stage('country'),
    trending: await stage('trending'),
    failures: await metric(baseUrl, 'meetup_aggregator_bulk_failures_total'),
  };
}

const meanMs = (after: StageSums, before: StageSums) =>
  ((after.sum - before.sum) / Math.max(1, after.count - before.count)) * 1000;
