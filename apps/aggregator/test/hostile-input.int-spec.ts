import type { Consumer } from 'kafkajs';
import { DlqHeaders } from '@meetup/contracts';
import { recordedLines } from '@meetup/fixtures';
import { HostileCategories, hostileInputs } from '@meetup/hostile-rsvps';
import { AggregationHarness, PARTITIONS } from './support/aggregation-harness';
import { expectOutputsToEqualReference } from './support/expect-outputs';
import { syntheticInput } from './support/inputs';
import { computeReference, type ProducedRecord } from './support/reference';

const HOSTILE = 1_400;

describe('the aggregator fed hostile records straight into its topic', () => {
  let harness: AggregationHarness;
  let reader: Consumer | undefined;
  beforeEach(() => {
    harness = new AggregationHarness();
  });
  afterEach(async () => {
    await reader?.disconnect();
    reader = undefined;
    await harness.tearDown();
  });

  /** The dead letters (bytes as base64, reason code), once `expected` of them arrived. */
  async function deadLetters(expected: number): Promise<[string, string][]> {
    const consumer = harness.kafka.consumer({ groupId: `${harness.group}-dlq-reader` });
    reader = consumer;
    const letters: [string, string][] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: harness.dlqTopic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          const reason = message.headers?.[DlqHeaders.reasonCode]?.toString() ?? '';
          letters.push([message.value?.toString('base64') ?? '', reason]);
          if (letters.length >= expected) resolve();
          return Promise.resolve();
        },
      });
    });
    return letters;
  }

  it('dead-letters every hostile record with its reason, never crashes, and counts the valid ones exactly', async () => {
    await harness.setUp();
    const templates = recordedLines()
      .slice(0, 300)
      .map((line) => line.raw);
    const hostile = hostileInputs({ seed: 1130, count: HOSTILE, templates });
    const clean = syntheticInput(6_000, 17);
    // Hostile records spread over every partition, between valid ones.
    const input: ProducedRecord[] = [];
    clean.forEach((record, i) => {
      input.push(record);
      const bad = hostile[i];
      if (bad) input.push({ partition: i % PARTITIONS, value: bad.bytes });
    });
    await harness.produce(input);
    const aggregator = await harness.startAggregator();
    await harness.waitUntilCombined();

    const reference = computeReference(input);
    expect(reference.invalid).toBe(HOSTILE);
    expectOutputsToEqualReference(await harness.outputs(), reference);
    // Some hostile inputs are the same bytes (an empty line, `null`): compared as lists, sorted.
    const letters = await deadLetters(HOSTILE);
    const expected = hostile.map((bad): [string, string] => [
      bad.bytes.toString('base64'),
      HostileCategories[bad.category],
    ]);
    const sorted = (list: [string, string][]) => list.map((pair) => pair.join(' ')).sort();
    expect(letters).toHaveLength(HOSTILE);
    expect(sorted(letters)).toEqual(sorted(expected));
    expect(aggregator.process.exitCode).toBeNull();
  }, 400_000);
});
