import type { Consumer } from 'kafkajs';
import { DlqHeaders } from '@meetup/contracts';
import { AggregationHarness } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { producedRecord, syntheticInput } from './support/inputs';
import { computeReference, type ProducedRecord } from './support/reference';
import { makeGroups, mulberry32, rsvpOf, syntheticStream } from './support/synthetic-stream';

const POISON = [
  'not json at all {',
  '[1,2,3]',
  JSON.stringify({ rsvp_id: 'seven', mtime: 1 }),
  JSON.stringify({ mtime: 1714564800000, response: 'yes' }),
  JSON.stringify({ padding: 'x'.repeat(70_000) }),
];

/** DLQ readers a test started, disconnected after it even when it fails before they finish. */
const readers: Consumer[] = [];

async function dlqValues(harness: AggregationHarness, expected: number) {
  const consumer = harness.kafka.consumer({ groupId: `${harness.group}-dlq-reader` });
  readers.push(consumer);
  const seen: { value: string; reason: string }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: harness.dlqTopic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: ({ message }) => {
        seen.push({
          value: message.value?.toString() ?? '',
          reason: message.headers?.[DlqHeaders.reasonCode]?.toString() ?? '',
        });
        if (new Set(seen.map((s) => s.value)).size >= expected) resolve();
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

describe('the aggregator with bad input and surging topics', () => {
  // Torn down after each test, failed or timed out too: a test's own `finally` would not run
  // while it still awaits when Jest gives up on it, and its aggregators would outlive it.
  let harness: AggregationHarness;
  beforeEach(() => {
    harness = new AggregationHarness();
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((reader) => reader.disconnect()));
    await harness.tearDown();
  });

  it('sends poison records to the DLQ with a reason and computes everything else exactly', async () => {
    await harness.setUp();
    const clean = syntheticInput(5_000, 3);
    const input: ProducedRecord[] = [];
    clean.forEach((record, i) => {
      input.push(record);
      const poison = POISON[i / 1_000];
      if (i % 1_000 === 0 && poison) input.push({ partition: i % 6, value: poison });
    });
    await harness.produce(input);
    await harness.startAggregator();
    await harness.waitUntilCombined();
    const reference = computeReference(input);
    expect(reference.invalid).toBe(POISON.length);
    expectOutputsToEqualReference(await harness.outputs(), reference);
    const letters = await dlqValues(harness, POISON.length);
    expect(new Set(letters.map((l) => l.value))).toEqual(new Set(POISON));
    expect(letters.every((l) => l.reason !== '')).toBe(true);
  });

  it('makes a burst in one country its top trending topic within two slides, and never a steady one', async () => {
    await harness.setUp();
    const start = Date.UTC(2024, 4, 2, 8);
    const background = syntheticStream({
      seed: 5,
      records: 15_000,
      startMtime: start,
      ratePerSecond: 3,
      resendShare: 0.1,
      changeShare: 0.03,
      reorderShare: 0.1,
      lateShare: 0,
    });
    const random = mulberry32(9);
    const group = { ...makeGroups(random, 1)[0]!, id: 999, country: 'gb' };
    group.topics = [{ urlkey: 'drone-racing', topic_name: 'Drone Racing' }];
    const extra = [];
    // Two every five minutes for 70 minutes, then 40 within 15 seconds.
    for (let t = start; t < start + 70 * 60_000; t += 150_000) {
      extra.push(rsvpOf(5_000_000 + extra.length, t, 'yes', 0, group, 1, false));
    }
    const burstAt = start + 70 * 60_000 + 3_000;
    for (let i = 0; i < 40; i += 1) {
      extra.push(rsvpOf(5_000_000 + extra.length, burstAt + i * 350, 'yes', 0, group, 2, false));
    }
    const all = [...background, ...extra].sort((a, b) => a.mtime - b.mtime);
    await harness.produce(all.map(producedRecord));
    await harness.startAggregator();
    await harness.waitUntilCombined();
    const outputs = await harness.outputs();
    const slide = 10_000;
    const firstEnd = Math.ceil(burstAt / slide) * slide;
    const ranks = [firstEnd, firstEnd + slide, firstEnd + 2 * slide].map(
      (end) => outputs.countryTrending.get(`${end}:gb:drone-racing`)?.rank,
    );
    expect(ranks).toContain(1);
    const steady = [...outputs.globalTrending.entries()].filter(
      ([id]) => id.endsWith(':software-dev') && Number(id.split(':')[0]) > start + 65 * 60_000,
    );
    expect(steady.length).toBeGreaterThan(10);
    expect(steady.every(([, doc]) => doc.score < 3)).toBe(true);
  });
});
