import { DlqHeaders, DlqReason, IndexAliases, RsvpValidator } from '@meetup/contracts';
import { AggregationHarness, partitionOf } from './support/aggregation-harness';
import { syntheticInput } from './support/inputs';

interface DeadLetterSeen {
  value: string;
  headers: Record<string, string>;
}

/** The first `expected` records of the harness's DLQ topic, with their headers as text. */
async function deadLetters(harness: AggregationHarness, expected: number) {
  const consumer = harness.kafka.consumer({ groupId: `${harness.group}-dlq-reader` });
  const seen: DeadLetterSeen[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: harness.dlqTopic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? '']),
        );
        seen.push({ value: message.value?.toString() ?? '', headers });
        if (seen.length >= expected) resolve();
        return Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

const distinctIds = (values: readonly string[]) =>
  new Set(values.map((v) => String((JSON.parse(v) as { rsvp_id: number }).rsvp_id)));

describe('the aggregator’s write path', () => {
  let harness: AggregationHarness;
  beforeEach(async () => {
    harness = new AggregationHarness();
    await harness.setUp();
  });
  afterEach(() => harness.tearDown());

  it('dead-letters a valid record whose document Elasticsearch refuses as es_rejected, and goes on', async () => {
    const clean = syntheticInput(2_000, 11);
    // A real case: the contract keeps unknown fields, and an operator has made the raw index's
    // mapping strict, so Elasticsearch refuses a document with one (an empty or dotted field
    // name, the case before, is now refused by the validator: invalid_field).
    const first = JSON.parse(String(clean[0]?.value ?? '{}')) as Record<string, unknown>;
    const refused = JSON.stringify({ ...first, rsvp_id: 987_654_321, surprise: 'not mapped' });
    expect(new RsvpValidator().validateRaw(refused).ok).toBe(true);
    await harness.es.indices.putMapping({
      index: harness.prefix + IndexAliases.rsvps,
      dynamic: 'strict',
    });
    await harness.produce([...clean, { partition: partitionOf(refused), value: refused }]);

    await harness.startAggregator();
    await harness.waitUntilCombined();

    const [letter] = await deadLetters(harness, 1);
    expect(letter?.value).toBe(refused);
    expect(letter?.headers).toMatchObject({
      [DlqHeaders.reasonCode]: DlqReason.EsRejected,
      [DlqHeaders.reasonField]: '',
      [DlqHeaders.source]: `${harness.topic}/${partitionOf(refused)}`,
    });
    expect(letter?.headers[DlqHeaders.reasonMessage]).toMatch(
      /refused the document .*\(400\): strict_dynamic_mapping_exception: .*surprise/,
    );
    const { raw } = await harness.outputs();
    expect(raw.has('987654321')).toBe(false);
    expect(new Set(raw.keys())).toEqual(distinctIds(clean.map((r) => r.value.toString())));
  });

  it('on SIGTERM stops its loops before it closes its clients: exit 0, no failed Elasticsearch call', async () => {
    await harness.produce(syntheticInput(3_000, 5));
    const aggregator = await harness.startAggregator({ LOG_LEVEL: 'info' });
    await harness.waitUntilCombined();
    // Both combine loops are running now (a cycle every 0.5 s and 1 s) when the signal comes.
    expect(await aggregator.stop('SIGTERM')).toBe(0);
    const output = aggregator.output();
    const stopping = output.indexOf('"msg":"service stopping"');
    expect(stopping).toBeGreaterThan(0);
    const afterSignal = output.slice(stopping);
    expect(afterSignal).not.toMatch(/There are no living connections/);
    expect(afterSignal).not.toMatch(
      /combine cycle failed|bulk request failed|shutdown step failed/,
    );
  });
});
