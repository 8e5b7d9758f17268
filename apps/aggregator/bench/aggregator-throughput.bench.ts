/**
 * Aggregator throughput, freshness and memory:
 *  1. records/s of one aggregator over a 100,000-record backlog, all outputs and raw only;
 *  2. p99 delay from produce to visibility in meetup_rsvp_by_country at a steady live rate,
 *     after 70 minutes of history (full trending baselines), with the combine cycle's cost;
 *  3. the aggregator's peak RSS.
 * Needs TEST_KAFKA_BROKERS and TEST_ES_URL; built app (tools/build.sh apps/aggregator).
 * The aggregator runs with the heap cap the chart gives it by default
 * (75 % of its 768 Mi limit), or AGGREGATOR_BENCH_HEAP_MIB.
 */
import { readFileSync } from 'node:fs';
import { IndexAliases } from '@meetup/contracts';
import { AggregationHarness } from '../test/support/aggregation-harness';
import { producedRecord, syntheticInput } from '../test/support/inputs';
import { SyntheticRsvpStream } from '@meetup/rsvp-synthetic';

/** The chart's default: `nodeHeap.percent` (75) of `aggregator.resources.limits.memory` (768 Mi). */
const heap = {
  NODE_OPTIONS: `--max-old-space-size=${process.env.AGGREGATOR_BENCH_HEAP_MIB ?? 576}`,
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function waitForSnapshots(harness: AggregationHarness, total: number): Promise<void> {
  for (;;) {
    const index = harness.prefix + IndexAliases.aggregatorState;
    await harness.es.indices.refresh({ index }).catch(() => undefined);
    const found = await harness.es.search<{ offset?: number; kind: string }>({ index, size: 100 });
    const done = found.hits.hits
      .filter((h) => h._source?.kind === 'partition')
      .reduce((sum, h) => sum + (h._source?.offset ?? 0), 0);
    if (done >= total) return;
    await sleep(200);
  }
}

async function backlog(outputs: 'all' | 'raw'): Promise<void> {
  const harness = new AggregationHarness();
  await harness.setUp();
  try {
    const input = syntheticInput(100_000, 77);
    await harness.produce(input);
    const started = Date.now();
    const service = await harness.startAggregator({ ...heap, AGGREGATOR_OUTPUTS: outputs });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(service.process.pid ?? 0))), 250);
    if (outputs === 'all') await harness.waitUntilCombined(600_000);
    else await waitForSnapshots(harness, input.length);
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `[aggregator] backlog outputs=${outputs}: ${input.length} records in ${seconds.toFixed(1)} s ` +
        `(incl. start) = ${Math.round(input.length / seconds)} records/s, peak RSS ${peak.toFixed(0)} MB`,
    );
  } finally {
    await harness.tearDown();
  }
}

/**
 * A metric's value from /metrics: the sum over the series whose labels include
 * `having` (all by default); `_sum`/`_count` of histograms by suffix.
 */
async function metric(baseUrl: string, name: string, having = ''): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || (line.startsWith(`${name}{`) && line.includes(having))) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

/**
 * Live load after `historyMinutes` of realistic history (so trending baselines
 * are full, as in a long-running system): `ratePerSecond` new RSVPs for
 * `seconds`, each counted, and the delay until the by-country totals include it.
 */
async function live(ratePerSecond: number, seconds: number, historyMinutes: number): Promise<void> {
  const harness = new AggregationHarness();
  await harness.setUp();
  try {
    const startedAt = Date.now();
    const history = new SyntheticRsvpStream({
      seed: 11,
      startMtime: startedAt - historyMinutes * 60_000,
      ratePerSecond,
    }).take(ratePerSecond * historyMinutes * 60);
    await harness.produce(history.map(producedRecord));
    const service = await harness.startAggregator({
      ...heap,
      SNAPSHOT_INTERVAL_MS: '5000',
      LOG_LEVEL: 'debug',
    });
    // Peak RSS over the whole run: the history's catch-up and the live load.
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rss(service.process.pid ?? 0))), 250);
    await harness.waitUntilCombined(900_000);
    console.log(
      `[aggregator] history of ${history.length} records (${historyMinutes} min at ${ratePerSecond}/s) ` +
        `combined ${((Date.now() - startedAt) / 1000).toFixed(0)} s after start`,
    );
    const index = harness.prefix + IndexAliases.rsvpByCountry;
    const totalResponses = async () => {
      const result = await harness.es.search({
        index,
        size: 0,
        aggs: { n: { sum: { field: 'responses' } } },
      });
      return (result.aggregations?.n as { value: number } | undefined)?.value ?? 0;
    };
    const before = await totalResponses();
    const combine = async (stage: string) => ({
      sum: await metric(
        service.baseUrl,
        'meetup_aggregator_combine_latency_seconds_sum',
        `stage="${stage}"`,
      ),
      count: await metric(
        service.baseUrl,
        'meetup_aggregator_combine_latency_seconds_count',
        `stage="${stage}"`,
      ),
    });
    const combineBefore = {
      country: await combine('country'),
      trending: await combine('trending'),
    };
    const failuresBefore = await metric(service.baseUrl, 'meetup_aggregator_bulk_failures_total');
    const producer = harness.kafka.producer();
    await producer.connect();
    // Every live message is a new RSVP that counts, so the totals grow by one per message.
    const stream = new SyntheticRsvpStream({
      seed: 12,
      firstRsvpId: 9_000_000_000,
      resendRatio: 0,
      changeRatio: 0,
      outOfOrderRatio: 0,
      staleRatio: 0,
    });
    const sent: number[] = [];
    const seen: { at: number; total: number }[] = [];
    const control = { polling: true };
    const poller = (async () => {
      while (control.polling) {
        seen.push({ at: Date.now(), total: (await totalResponses()) - before });
        await sleep(50);
      }
    })();
    const tickMs = 100;
    for (let tick = 0; tick < (seconds * 1000) / tickMs; tick += 1) {
      const count = Math.round((ratePerSecond * tickMs) / 1000);
      const now = Date.now();
      const messages = stream.take(count, now).map(producedRecord);
      await producer.send({ topic: harness.topic, messages });
      for (let i = 0; i < count; i += 1) sent.push(now);
      await sleep(Math.max(0, tickMs - (Date.now() - now)));
    }
    await sleep(10_000);
    clearInterval(sampler);
    control.polling = false;
    await poller;
    await producer.disconnect();
    const delays = sent.map((at, i) => (seen.find((s) => s.total >= i + 1)?.at ?? Infinity) - at);
    printTimeline(sent, delays, service.output());
    delays.sort((a, b) => a - b);
    const p = (q: number) =>
      delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
    const cycles = async (stage: 'country' | 'trending') => {
      const after = await combine(stage);
      const count = after.count - combineBefore[stage].count;
      const mean = ((after.sum - combineBefore[stage].sum) / Math.max(1, count)) * 1000;
      return `${stage} ${mean.toFixed(0)} ms over ${count}`;
    };
    const failures =
      (await metric(service.baseUrl, 'meetup_aggregator_bulk_failures_total')) - failuresBefore;
    console.log(
      `[aggregator] live ${ratePerSecond} records/s for ${seconds} s after ${historyMinutes} min of history: ` +
        `produce→visible in by-country p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${delays.at(-1)} ms; ` +
        `combine cycle mean: ${await cycles('country')}, ${await cycles('trending')}; ` +
        `bulk failures ${failures}; peak RSS ${peak.toFixed(0)} MB`,
    );
  } finally {
    await harness.tearDown();
  }
}

/**
 * Delay over the live run, per 5 s of produce time; each combine stage's mean
 * phase times and its slowest cycles (from the aggregator's debug log):
 * where the tail of the delay comes from.
 */
function printTimeline(sent: readonly number[], delays: readonly number[], log: string): void {
  const start = sent[0] ?? 0;
  const slots = new Map<number, number[]>();
  sent.forEach((at, i) => {
    const slot = Math.floor((at - start) / 5000);
    const list = slots.get(slot) ?? [];
    list.push(delays[i] ?? Infinity);
    slots.set(slot, list);
  });
  const line = [...slots].map(([slot, list]) => {
    list.sort((a, b) => a - b);
    const p50 = list[Math.floor(list.length / 2)] ?? NaN;
    return `${slot * 5}s: p50 ${p50} max ${list.at(-1)}`;
  });
  console.log(`[aggregator]   delay by produce time (ms): ${line.join(' | ')}`);
  const cycles = log
    .split('\n')
    .filter((text) => text.includes('"combine cycle"'))
    .map((text) => JSON.parse(text) as { time: string; stage: string; ms: Record<string, number> })
    .map((entry) => ({
      ...entry,
      at: Date.parse(entry.time) - start,
      total: Object.values(entry.ms).reduce((a, b) => a + b, 0),
    }))
    .filter((entry) => entry.at >= 0);
  for (const stage of new Set(cycles.map((c) => c.stage))) {
    const own = cycles.filter((c) => c.stage === stage);
    const sums = new Map<string, number>();
    for (const c of own)
      for (const [phase, ms] of Object.entries(c.ms)) sums.set(phase, (sums.get(phase) ?? 0) + ms);
    const means = [...sums].map(([phase, ms]) => `${phase} ${(ms / own.length).toFixed(0)}`);
    const slowest = [...own]
      .sort((a, b) => b.total - a.total)
      .slice(0, 3)
      .map((c) => `${c.total} ms at ${(c.at / 1000).toFixed(1)} s ${JSON.stringify(c.ms)}`);
    console.log(
      `[aggregator]   ${stage} cycles: ${own.length}, mean ms ${means.join(', ')}; slowest ${slowest.join('; ')}`,
    );
  }
}

const phases: Record<string, () => Promise<void>> = {
  raw: () => backlog('raw'),
  all: () => backlog('all'),
  live20: () => live(20, 60, 70),
  live200: () => live(200, 60, 10),
};

async function main(): Promise<void> {
  console.log(`[aggregator] aggregator ${heap.NODE_OPTIONS}`);
  // AGGREGATOR_BENCH_PHASES=live20,live200 runs some phases only (all by default).
  const chosen = process.env.AGGREGATOR_BENCH_PHASES?.split(',') ?? Object.keys(phases);
  for (const name of chosen) {
    const phase = phases[name];
    if (!phase) throw new Error(`unknown phase ${name}; known: ${Object.keys(phases).join(', ')}`);
    await phase();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
