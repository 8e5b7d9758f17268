/**
 * Aggregator throughput, freshness and memory:
 *  1. records/s of one aggregator over a 100,000-record backlog, all outputs and raw only;
 *  2. p99 delay from produce to visibility in meetup_rsvp_by_country at a steady live rate;
 *  3. the aggregator's peak RSS.
 * Needs TEST_KAFKA_BROKERS and TEST_ES_URL; built app (tools/build.sh apps/aggregator).
 */
import { readFileSync } from 'node:fs';
import { IndexAliases } from '@meetup/contracts';
import { AggregationHarness, partitionOf } from '../test/support/aggregation-harness';
import { syntheticInput } from '../test/support/inputs';
import { makeGroups, mulberry32, rsvpOf } from '../test/support/synthetic-stream';

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

async function freshness(ratePerSecond: number, seconds: number): Promise<void> {
  const harness = new AggregationHarness();
  await harness.setUp();
  try {
    const service = await harness.startAggregator({ SNAPSHOT_INTERVAL_MS: '5000' });
    await sleep(8_000);
    const producer = harness.kafka.producer();
    await producer.connect();
    const random = mulberry32(3);
    const groups = makeGroups(random, 50);
    const sent: number[] = [];
    const seen: { at: number; total: number }[] = [];
    const control = { polling: true };
    const poller = (async () => {
      const index = harness.prefix + IndexAliases.rsvpByCountry;
      while (control.polling) {
        const result = await harness.es.search({
          index,
          size: 0,
          aggs: { n: { sum: { field: 'responses' } } },
        });
        const total = (result.aggregations?.n as { value: number } | undefined)?.value ?? 0;
        seen.push({ at: Date.now(), total });
        await sleep(50);
      }
    })();
    let peak = 0;
    const tickMs = 100;
    for (let tick = 0; tick < (seconds * 1000) / tickMs; tick += 1) {
      const batch = Math.round((ratePerSecond * tickMs) / 1000);
      const now = Date.now();
      const messages = Array.from({ length: batch }, (_, i) => {
        const group = groups[Math.floor(random() * groups.length)] ?? groups[0];
        if (!group) throw new Error('no groups');
        const value = JSON.stringify(
          rsvpOf(9_000_000 + sent.length + i, now, 'yes', 0, group, 1, true),
        );
        return { value, partition: partitionOf(value) };
      });
      await producer.send({ topic: harness.topic, messages });
      for (let i = 0; i < batch; i += 1) sent.push(now);
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
    console.log(
      `[aggregator] live ${ratePerSecond} records/s for ${seconds} s: produce→visible in by-country ` +
        `p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${delays.at(-1)} ms; peak RSS ${peak.toFixed(0)} MB`,
    );
  } finally {
    await harness.tearDown();
  }
}

async function main(): Promise<void> {
  await backlog('raw');
  await backlog('all');
  await freshness(200, 30);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
