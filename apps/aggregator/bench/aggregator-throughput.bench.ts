/**
 * Aggregator throughput, freshness and memory:
 *  1. records/s of one aggregator over a 100,000-record backlog, all outputs and raw only;
 *  2. p99 delay from produce to visibility in meetup_rsvp_by_country at a steady live rate,
 *     after 70 minutes of history (full trending baselines), with the combine cycle's cost;
 *  3. the aggregator's peak RSS.
 * Needs TEST_KAFKA_BROKERS and TEST_ES_URL; built app (tools/build.sh apps/aggregator).
 */
import { readFileSync } from 'node:fs';
import { IndexAliases } from '@meetup/contracts';
import { AggregationHarness } from '../test/support/aggregation-harness';
import { producedRecord, syntheticInput } from '../test/support/inputs';
import { SyntheticRsvpStream } from '@meetup/rsvp-synthetic';

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
    const service = await harness.startAggregator({ AGGREGATOR_OUTPUTS: outputs });
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

/** A metric's value (sum over labels; `_sum`/`_count` of histograms by suffix) from /metrics. */
async function metric(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
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
    const service = await harness.startAggregator({ SNAPSHOT_INTERVAL_MS: '5000' });
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
    const combineBefore = {
      sum: await metric(service.baseUrl, 'meetup_aggregator_combine_latency_seconds_sum'),
      count: await metric(service.baseUrl, 'meetup_aggregator_combine_latency_seconds_count'),
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
    let peak = 0;
    const tickMs = 100;
    for (let tick = 0; tick < (seconds * 1000) / tickMs; tick += 1) {
      const count = Math.round((ratePerSecond * tickMs) / 1000);
      const now = Date.now();
      const messages = stream.take(count, now).map(producedRecord);
      await producer.send({ topic: harness.topic, messages });
      for (let i = 0; i < count; i += 1) sent.push(now);
      peak = Math.max(peak, rss(service.process.pid ?? 0));
      await sleep(Math.max(0, tickMs - (Date.now() - now)));
    }
    await sleep(10_000);
    control.polling = false;
    await poller;
    await producer.disconnect();
    const delays = sent.map((at, i) => (seen.find((s) => s.total >= i + 1)?.at ?? Infinity) - at);
    delays.sort((a, b) => a - b);
    const p = (q: number) =>
      delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
    const cycles =
      (await metric(service.baseUrl, 'meetup_aggregator_combine_latency_seconds_count')) -
      combineBefore.count;
    const cycleSeconds =
      (await metric(service.baseUrl, 'meetup_aggregator_combine_latency_seconds_sum')) -
      combineBefore.sum;
    const failures =
      (await metric(service.baseUrl, 'meetup_aggregator_bulk_failures_total')) - failuresBefore;
    console.log(
      `[aggregator] live ${ratePerSecond} records/s for ${seconds} s after ${historyMinutes} min of history: ` +
        `produce→visible in by-country p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${delays.at(-1)} ms; ` +
        `combine cycle mean ${((cycleSeconds / Math.max(1, cycles)) * 1000).toFixed(0)} ms over ${cycles} cycles; ` +
        `bulk failures ${failures}; peak RSS ${peak.toFixed(0)} MB`,
    );
  } finally {
    await harness.tearDown();
  }
}

async function main(): Promise<void> {
  await backlog('raw');
  await backlog('all');
  await live(20, 60, 70);
  await live(200, 60, 10);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
