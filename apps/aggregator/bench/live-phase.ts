import { AggregationHarness } from '../test/support/aggregation-harness';
import { Seeds, type BenchPlan } from './bench-plan';
import type { BenchResults, HistoryResult, StepResult } from './bench-results';
import { metered, newestAggregatorPid, processGroups } from './bench-rig';
import { produceHistory } from './history';
import { probeTarget, settle, type LiveContext } from './live-context';
import { liveStream, PROBE_COUNTRIES, producePaced } from './paced-producer';
import { RssSampler } from './process-meter';
import { rateStep } from './rate-step';
import { restartCatchup } from './restart-catchup';
import { snapshotTotal } from './stream-progress';

const WARMUP_PROBE_COUNTRY = 'nf';
const HISTORY_LIMIT_MS = 900_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type LiveResults = Pick<BenchResults, 'history' | 'steps' | 'steppingStopped' | 'restart'> & {
  peakRssMb: number;
};

/**
 * One aggregator over a history, then the offered rates one after the other, then the
 * restart: the history is loaded once for all of them.
 */
export async function livePhase(
  plan: BenchPlan,
  cpu: BenchResults['cpu'],
  runStartedAt: number,
): Promise<LiveResults> {
  const harness = new AggregationHarness();
  await harness.setUp();
  const admin = harness.kafka.admin();
  const producer = harness.kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
  const context: LiveContext = {
    plan,
    harness,
    admin,
    producer,
    stream: liveStream(Seeds.live),
    groups: processGroups(harness, plan.enginesName),
    cpu,
    // The production defaults where the harness shortens them (snapshots, session).
    aggregatorEnv: {
      NODE_OPTIONS: `--max-old-space-size=${plan.heapMib}`,
      SNAPSHOT_INTERVAL_MS: '5000',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
    },
  };
  const rss = new RssSampler(() => newestAggregatorPid(harness));
  try {
    const history = await metered('history', context.groups, cpu, () => loadHistory(context));
    const stepping = await metered('rate steps', context.groups, cpu, () =>
      stepRates(context, runStartedAt),
    );
    const restart = await restartCatchup(context);
    return { history, ...stepping, restart, peakRssMb: rss.stop() };
  } finally {
    rss.stop();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await harness.tearDown();
  }
}

async function loadHistory(context: LiveContext): Promise<HistoryResult> {
  const { plan, harness } = context;
  const started = Date.now();
  await harness.startAggregator(context.aggregatorEnv);
  const records = await produceHistory(harness, plan);
  while ((await snapshotTotal(probeTarget(context))) < records) {
    if (Date.now() - started > HISTORY_LIMIT_MS) throw new Error('history not consumed in 15 min');
    await sleep(500);
  }
  const stageOneSeconds = (Date.now() - started) / 1000;
  const settled = await settle(context, 900);
  return {
    minutes: plan.historyMinutes,
    ratePerSecond: plan.historyRatePerSecond,
    records,
    stageOneSeconds,
    combinedSeconds: (Date.now() - started) / 1000,
    settled,
  };
}

/** Seconds a step takes with its settle and drain, and the restart that must follow it. */
function stepCost(plan: BenchPlan): { step: number; restart: number } {
  return {
    step: plan.stepSeconds + plan.drainSeconds + 15,
    restart: plan.warmupSeconds + plan.downtimeSeconds + 90,
  };
}

async function stepRates(
  context: LiveContext,
  runStartedAt: number,
): Promise<{ steps: StepResult[]; steppingStopped: string }> {
  const { plan, harness, producer, stream } = context;
  const first = plan.rates[0] ?? 500;
  // Live records now, far past the history's end: the stream time jumps once, here, not in a step.
  await producePaced({
    producer,
    topic: harness.topic,
    stream,
    ratePerSecond: first,
    seconds: plan.warmupSeconds,
    probeCountry: WARMUP_PROBE_COUNTRY,
  });
  await settle(context, 60);
  const steps: StepResult[] = [];
  const cost = stepCost(plan);
  for (const [index, rate] of plan.rates.entries()) {
    const behind = steps.find((s) => !s.keepsUp);
    if (rate > plan.mustMeasureRate && behind) {
      return { steps, steppingStopped: `${behind.ratePerSecond}/s did not keep up` };
    }
    const elapsed = (Date.now() - runStartedAt) / 1000;
    if (rate > plan.mustMeasureRate && elapsed + cost.step + cost.restart > plan.budgetSeconds) {
      return {
        steps,
        steppingStopped: `the ${plan.budgetSeconds} s budget left no time for ${rate}/s`,
      };
    }
    const step = await rateStep(context, rate, PROBE_COUNTRIES[index] ?? 'aq');
    console.log(`[aggregator] step ${JSON.stringify(step)}`);
    steps.push(step);
  }
  return { steps, steppingStopped: 'every planned rate was measured' };
}
