import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, IHeaders } from 'kafkajs';
import { IndexAliases } from '@meetup/contracts';
import {
  freePort,
  runToCompletion,
  startService,
  testElasticsearch,
  testEngines,
  testKafka,
  uniqueName,
  waitFor,
  type ServiceProcess,
} from '@meetup/test-support';
import {
  describeTrace,
  OtlpReceiver,
  type ReceivedSpan,
  type TracedRecord,
} from './support/otlp-receiver';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/**
 * simulator → ingestor → Kafka → aggregator → Elasticsearch as real processes exporting to an
 * in-process OTLP/HTTP receiver, and beside them an ingestor started without
 * OTEL_EXPORTER_OTLP_ENDPOINT that must export nothing.
 */
describe('tracing through the pipeline', () => {
  const name = uniqueName('trace');
  const prefix = `${name}-`;
  const topics = {
    RSVP_TOPIC: `${name}-rsvps`,
    DLQ_TOPIC: `${name}-dlq`,
    CHECKPOINT_TOPIC: `${name}-checkpoints`,
  };
  const quietTopics = {
    RSVP_TOPIC: `${name}-quiet-rsvps`,
    DLQ_TOPIC: `${name}-quiet-dlq`,
    CHECKPOINT_TOPIC: `${name}-quiet-checkpoints`,
  };
  const receiver = new OtlpReceiver();
  const es = testElasticsearch();
  const services: ServiceProcess[] = [];
  const kafkaBrokers = testEngines().kafkaBrokers.join(',');
  const esUrl = testEngines().elasticsearchUrl;

  const spans = (spanName: string) => receiver.spans.filter((s) => s.name === spanName);
  const childrenOf = (parent: ReceivedSpan, spanName: string) =>
    receiver.spans.filter(
      (s) =>
        s.name === spanName && s.traceId === parent.traceId && s.parentSpanId === parent.spanId,
    );
  const logs = () => services.map((s) => s.output().slice(-2000)).join('\n---\n');

  beforeAll(async () => {
    await receiver.start();
    const bootstrap = await runToCompletion('bootstrap', {
      KAFKA_BROKERS: kafkaBrokers,
      ES_URL: esUrl,
      ...topics,
      INDEX_PREFIX: prefix,
      KAFKA_TOPICS_CREATE: 'true',
      RSVP_TOPIC_PARTITIONS: '2',
    });
    if (bootstrap.code !== 0)
      throw new Error(`bootstrap exited ${bootstrap.code}:\n${bootstrap.output}`);
    const admin = testKafka().admin();
    await admin.connect();
    await admin.createTopics({
      topics: [quietTopics.RSVP_TOPIC, quietTopics.DLQ_TOPIC].map((topic) => ({ topic })),
      waitForLeaders: true,
    });
    await admin.disconnect();

    const exporting = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const streamPort = await freePort();
    const source = `sim=ws://127.0.0.1:${streamPort}/2/rsvps`;
    services.push(
      await startService('simulator', {
        ...exporting,
        STREAM_HOST: '127.0.0.1',
        STREAM_PORT: String(streamPort),
        SYNTHETIC_RATE: '20',
        SYNTHETIC_SEED: '16',
      }),
      await startService('ingestor', {
        ...exporting,
        KAFKA_BROKERS: kafkaBrokers,
        ...topics,
        SOURCES: source,
        INITIAL_SINCE_MTIME: '0',
      }),
      // The SDK's signal-specific endpoint variables point at the receiver: an exporter the SDK
      // made up from them (or its defaults) would show here.
      await startService('ingestor', {
        OTEL_SERVICE_NAME: 'quiet-ingestor',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.endpoint}/v1/metrics`,
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${receiver.endpoint}/v1/logs`,
        OTEL_METRIC_EXPORT_INTERVAL: '500',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BLRP_SCHEDULE_DELAY: '100',
        KAFKA_BROKERS: kafkaBrokers,
        ...quietTopics,
        SOURCES: source,
        INITIAL_SINCE_MTIME: '0',
      }),
    );
    // A backlog before the aggregator's first fetch: its first batches serve many ingestor batches.
    await waitFor(() => spans('ingestor.batch').length >= 10, 'ingestor batches exported', 60_000);
    services.push(
      await startService('aggregator', {
        ...exporting,
        KAFKA_BROKERS: kafkaBrokers,
        ES_URL: esUrl,
        RSVP_TOPIC: topics.RSVP_TOPIC,
        DLQ_TOPIC: topics.DLQ_TOPIC,
        CONSUMER_GROUP: `${name}-aggregator`,
        INDEX_PREFIX: prefix,
      }),
    );
  }, 240_000);

  // A record reader is stopped after its test even when the records never came.
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((reader) => reader.disconnect()));
  });

  afterAll(async () => {
    for (const service of services.reverse()) await service.stop();
    await receiver.stop();
    await es.close();
  });

  it("continues one RSVP's trace from the ingestor's batch through Kafka to the aggregator's Elasticsearch write", async () => {
    const [record] = await tracedRecords(topics.RSVP_TOPIC, 1);
    if (record === undefined) throw new Error('no record');
    const producedIn = (s: { traceId: string; spanId: string }) =>
      s.traceId === record.traceId && s.spanId === record.spanId;
    // The aggregator's batch that applied the record (its partition, its offset): a child of
    // the record's ingestor batch if the record's context came first in it, else linked to it.
    const offset = Number(record.offset);
    const servedBy = (s: ReceivedSpan) =>
      s.service === 'aggregator' &&
      s.attributes['messaging.destination.partition.id'] === String(record.partition) &&
      Number(s.attributes['meetup.kafka.offset.first']) <= offset &&
      Number(s.attributes['meetup.kafka.offset.last']) >= offset &&
      ((s.traceId === record.traceId && s.parentSpanId === record.spanId) ||
        s.links.some(producedIn));
    const applied = () =>
      spans('aggregator.batch')
        .filter(servedBy)
        .find((batch) =>
          childrenOf(batch, 'aggregator.write').some(
            (write) => childrenOf(write, 'elasticsearch.bulk').length > 0,
          ),
        );
    await waitFor(
      () => applied() !== undefined,
      () => `the aggregator's spans\n${logs()}`,
      120_000,
    );

    const ingestorBatch = receiver.spans.find(producedIn);
    expect(ingestorBatch).toMatchObject({
      service: 'ingestor',
      name: 'ingestor.batch',
      kind: 'producer',
      parentSpanId: '',
      attributes: expect.objectContaining({ 'messaging.system': 'kafka' }) as unknown,
    });
    const batch = applied()!;
    expect(batch.kind).toBe('consumer');
    expect(batch.attributes['messaging.destination.name']).toBe(topics.RSVP_TOPIC);
    expect(childrenOf(batch, 'aggregator.validate')).toHaveLength(1);
    const [write] = childrenOf(batch, 'aggregator.write');
    const [bulk] = childrenOf(write!, 'elasticsearch.bulk');
    expect(bulk).toMatchObject({
      service: 'aggregator',
      kind: 'client',
      status: 'unset',
      attributes: expect.objectContaining({
        'db.system.name': 'elasticsearch',
        'db.operation.name': 'bulk',
        'meetup.bulk.target': 'rsvps',
        'meetup.bulk.rejected': 0,
      }) as unknown,
    });
    // The write the span stands for: the RSVP is in the raw index (searchable after a refresh).
    await waitFor(async () => {
      const stored = await es.search({
        index: `${prefix}${IndexAliases.rsvps}`,
        query: { ids: { values: [record.rsvpId] } },
      });
      return stored.hits.hits.length === 1;
    }, `RSVP ${record.rsvpId} in the raw index`);

    console.info(describeTrace(record, ingestorBatch!, batch, receiver.spans));
  });

  it("links a batch span to the contexts of the records it serves besides its parent's", async () => {
    const linked = () => spans('aggregator.batch').find((s) => s.links.length > 0);
    await waitFor(() => linked() !== undefined, 'an aggregator batch with links', 60_000);
    const batch = linked()!;
    const key = (s: { traceId: string; spanId: string }) => `${s.traceId}/${s.spanId}`;
    const exported = () => new Set(spans('ingestor.batch').map(key));
    await waitFor(
      () => batch.links.every((link) => exported().has(key(link))),
      'the linked ingestor batches exported',
      30_000,
    );
    for (const link of batch.links) expect(exported()).toContain(key(link));
    expect(batch.links.length).toBeLessThanOrEqual(128);
    expect(
      batch.links.some((l) => l.traceId === batch.traceId && l.spanId === batch.parentSpanId),
    ).toBe(false);
  });

  it('publishes the buckets in a combine cycle span with its own Elasticsearch write', async () => {
    const published = () =>
      spans('aggregator.combine').find(
        (cycle) =>
          cycle.attributes['meetup.combine.stage'] === 'country' &&
          childrenOf(cycle, 'elasticsearch.bulk').some(
            (bulk) => bulk.attributes['meetup.bulk.target'] === 'aggregates',
          ),
      );
    await waitFor(() => published() !== undefined, 'a combine cycle that wrote buckets', 60_000);
    expect(published()?.parentSpanId).toBe('');
  });

  it('exports nothing from a service started without OTEL_EXPORTER_OTLP_ENDPOINT, and still propagates trace context', async () => {
    const [quietRecord] = await tracedRecords(quietTopics.RSVP_TOPIC, 1);
    // Longer than its batch span processor's delay and its would-be metric interval.
    await sleep(3_000);
    expect(quietRecord?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.filter((r) => r.path !== '/v1/traces')).toEqual([]);
    expect(receiver.requests.flatMap((r) => r.services)).not.toContain('quiet-ingestor');
    expect(receiver.spans.filter((s) => s.traceId === quietRecord?.traceId)).toEqual([]);
  });
});

/** Record readers started by the running test (see the suite's afterEach). */
const readers: Consumer[] = [];

/** The first `count` records of a topic (any partition) with the trace context in their headers. */
async function tracedRecords(topic: string, count: number): Promise<TracedRecord[]> {
  const consumer = testKafka().consumer({ groupId: uniqueName('trace-reader') });
  readers.push(consumer);
  const found: TracedRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      const match = TRACEPARENT.exec(headerValue(message.headers, 'traceparent'));
      const rsvpId = /"rsvp_id"\s*:\s*(\d+)/.exec(message.value?.toString() ?? '')?.[1];
      if (match && rsvpId && found.length < count) {
        found.push({
          rsvpId,
          partition,
          offset: message.offset,
          traceId: match[1]!,
          spanId: match[2]!,
        });
      }
      return Promise.resolve();
    },
  });
  await waitFor(() => found.length >= count, `${count} traced records on ${topic}`, 60_000);
  await consumer.disconnect();
  return found;
}

function headerValue(headers: IHeaders | undefined, key: string): string {
  const value = headers?.[key];
  return (Array.isArray(value) ? value[0] : value)?.toString() ?? '';
}
