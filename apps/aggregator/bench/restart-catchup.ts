import { combinedThrough } from '../test/support/aggregation-harness';
import type { RestartResult } from './bench-results';
import { metered, newestAggregatorPid } from './bench-rig';
import type { ProducedTick } from './delay-stats';
import { probeTarget, settle, type LiveContext } from './live-context';
import { producePaced } from './paced-producer';
import { RssSampler } from './process-meter';
import { snapshotTotal } from './stream-progress';
import { countedTotal } from './visibility-probe';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RESTART_PROBE_COUNTRY = 'cc';
const CATCHUP_LIMIT_MS = 600_000;
/** How long the combine stages are given to include everything once the rest caught up. */
const COMBINED_LIMIT_MS = 30_000;

/**
 * Live records at `restartRatePerSecond` throughout; the aggregator is SIGKILLed, stays
 * down `downtimeSeconds`, and is started again. Measured from that start: its snapshots
 * holding every record produced before it, every probe record produced before it visible
 * in by-country (the catch-up), and both combine stages including all of them.
 */
export async function restartCatchup(context: LiveContext): Promise<RestartResult> {
  const { plan, harness, producer, stream } = context;
  await settle(context, 60);
  const state = { done: false };
  const ticks: ProducedTick[] = [];
  const production = producePaced({
    producer,
    topic: harness.topic,
    stream,
    ratePerSecond: plan.restartRatePerSecond,
    seconds: Number.POSITIVE_INFINITY,
    probeCountry: RESTART_PROBE_COUNTRY,
    until: () => state.done,
    ticks,
  });
  try {
    await sleep(plan.warmupSeconds * 1000);
    return await metered('restart', context.groups, context.cpu, () =>
      killAndRestart(context, ticks),
    );
  } finally {
    state.done = true;
    await production;
  }
}

async function killAndRestart(
  context: LiveContext,
  ticks: readonly ProducedTick[],
): Promise<RestartResult> {
  const { plan, harness, admin } = context;
  const running = harness.services.at(-1);
  if (!running) throw new Error('no aggregator to restart');
  const atKill = await endTotal(context);
  await running.stop('SIGKILL');
  await sleep(plan.downtimeSeconds * 1000);
  const probes = ticks.reduce((sum, t) => sum + t.probes, 0);
  const ends = await admin.fetchTopicOffsets(harness.topic);
  const total = ends.reduce((sum, e) => sum + Number(e.high), 0);
  const restartedAt = Date.now();
  await harness.startAggregator(context.aggregatorEnv);
  const readySeconds = (Date.now() - restartedAt) / 1000;
  const rss = new RssSampler(() => newestAggregatorPid(harness));
  const since = () => (Date.now() - restartedAt) / 1000;
  const caughtUp = await catchUp(context, { probes, total }, since);
  const where = { prefix: harness.prefix, group: harness.group, topic: harness.topic };
  const combinedBy = Date.now() + COMBINED_LIMIT_MS;
  let combinedSeconds: number | null = null;
  while (combinedSeconds === null && Date.now() < combinedBy) {
    if (await combinedThrough(harness.es, where, ends)) combinedSeconds = since();
    else await sleep(250);
  }
  return {
    probeCountry: RESTART_PROBE_COUNTRY,
    ratePerSecond: plan.restartRatePerSecond,
    downtimeSeconds: plan.downtimeSeconds,
    backlogRecords: total - atKill,
    readySeconds,
    ...caughtUp,
    combinedSeconds,
    peakRssMb: rss.stop(),
  };
}

/** Seconds (from the restart) until stage 1 held `total` records and by-country counted `probes`. */
async function catchUp(
  context: LiveContext,
  target: { probes: number; total: number },
  since: () => number,
): Promise<{ stageOneSeconds: number; catchupSeconds: number }> {
  const probe = probeTarget(context);
  let stageOneSeconds = Number.NaN;
  let catchupSeconds = Number.NaN;
  while (Number.isNaN(stageOneSeconds) || Number.isNaN(catchupSeconds)) {
    if (since() * 1000 > CATCHUP_LIMIT_MS) break;
    if (Number.isNaN(stageOneSeconds) && (await snapshotTotal(probe)) >= target.total) {
      stageOneSeconds = since();
    }
    const counted = await countedTotal(probe.es, probe.prefix, RESTART_PROBE_COUNTRY);
    if (Number.isNaN(catchupSeconds) && counted >= target.probes) catchupSeconds = since();
    await sleep(250);
  }
  return { stageOneSeconds, catchupSeconds };
}

async function endTotal(context: LiveContext): Promise<number> {
  const ends = await context.admin.fetchTopicOffsets(context.harness.topic);
  return ends.reduce((sum, e) => sum + Number(e.high), 0);
}
