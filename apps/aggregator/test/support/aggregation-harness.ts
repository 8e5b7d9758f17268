import type { Client } from '@elastic/elasticsearch';
import { IndexAliases } from '@meetup/contracts';
import { analyticsIndexSpecs, IndexBootstrapper } from '@meetup/elasticsearch';
import { chunksOfBytes } from '@meetup/kafka';
import {
  startService,
  testElasticsearch,
  testEngines,
  testKafka,
  uniqueName,
  type ServiceProcess,
} from '@meetup/test-support';
import type { Kafka } from 'kafkajs';
import type { ProducedRecord } from './reference';

export const PARTITIONS = 6;

/** The partition a record goes to: a hash of its event id (as the ingestor's key would). */
export function partitionOf(value: string): number {
  const match = /"event_id"\s*:\s*"([^"]*)"/.exec(value);
  const key = match?.[1] ?? value;
  let hash = 7;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return hash % PARTITIONS;
}

export interface OutputDocs {
  raw: Map<string, { mtime: number; response: string; guests: number; country_name?: string }>;
  byCountry: Map<
    string,
    { responses: number; guests: number; attendees: number; country_name?: string }
  >;
  globalTrending: Map<string, TrendDoc>;
  countryTrending: Map<string, TrendDoc>;
}

export interface TrendDoc {
  count: number;
  score: number;
  baseline_mean: number;
  baseline_stddev: number;
  rank: number;
  topic_name: string;
}

/** One test's own topic, consumer group and indices, and the aggregators it runs. */
export class AggregationHarness {
  readonly topic = uniqueName('agg-rsvps');
  readonly dlqTopic = `${this.topic}.dlq`;
  readonly group = uniqueName('agg-group');
  readonly prefix = `${uniqueName('agg')}-`;
  readonly es: Client = testElasticsearch();
  readonly kafka: Kafka = testKafka('aggregator-test');
  readonly services: ServiceProcess[] = [];

  async setUp(): Promise<void> {
    await new IndexBootstrapper(this.es, { prefix: this.prefix }).apply(analyticsIndexSpecs);
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: this.topic, numPartitions: PARTITIONS },
        { topic: this.dlqTopic, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
  }

  async tearDown(): Promise<void> {
    // A process killed by a signal has no exit code: only the live ones are stopped.
    const live = this.services.filter(
      (s) => s.process.exitCode === null && s.process.signalCode === null,
    );
    await Promise.all(live.map((s) => s.stop('SIGKILL')));
    await this.es.close();
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      KAFKA_BROKERS: testEngines().kafkaBrokers.join(','),
      ES_URL: testEngines().elasticsearchUrl,
      RSVP_TOPIC: this.topic,
      DLQ_TOPIC: this.dlqTopic,
      CONSUMER_GROUP: this.group,
      INDEX_PREFIX: this.prefix,
      SNAPSHOT_INTERVAL_MS: '1000',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // The references stop at the stream's last record (stream-idleness.int-spec.ts sets it).
      STREAM_IDLE_MS: '0',
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  async startAggregator(extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await startService('aggregator', this.env(extra));
    this.services.push(service);
    return service;
  }

  /** Produces in requests the broker accepts (`chunksOfBytes`: its batch limit is 1 MiB). */
  async produce(records: readonly ProducedRecord[]): Promise<void> {
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (const chunk of chunksOfBytes(records)) {
      const byPartition = new Map<number, ProducedRecord[]>();
      for (const r of chunk) {
        const list = byPartition.get(r.partition) ?? [];
        list.push(r);
        byPartition.set(r.partition, list);
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byPartition.values()].map((messages) => ({
          topic: this.topic,
          messages: messages.map(({ value, partition }) => ({ value, partition })),
        })),
      });
    }
    await producer.disconnect();
  }

  /** Resolves once both combine stages have included every record of the topic. */
  async waitUntilCombined(timeoutMs = 170_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();
    const deadline = Date.now() + timeoutMs;
    const where = { prefix: this.prefix, group: this.group, topic: this.topic };
    while (Date.now() < deadline) {
      if (await combinedThrough(this.es, where, ends)) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(
      `aggregation did not complete:\n${this.services.map((s) => s.output().slice(-3000)).join('\n---\n')}`,
    );
  }

  outputs(): Promise<OutputDocs> {
    return readOutputs(this.es, this.prefix);
  }
}

/**
 * Whether both combine stages (by country, trending) of a consumer group have included every
 * record up to the given end offsets: each stage records the snapshot offsets it included.
 */
export async function combinedThrough(
  es: Client,
  where: { prefix: string; group: string; topic: string },
  ends: readonly { partition: number; high: string }[],
): Promise<boolean> {
  for (const stage of ['country', 'trending']) {
    const found = await es.get<{ offsets: Record<string, number> }>(
      {
        index: where.prefix + IndexAliases.aggregatorState,
        id: `${where.group}|${where.topic}|combine-${stage}`,
      },
      { ignore: [404] },
    );
    const offsets = found.found ? found._source?.offsets : undefined;
    if (!offsets || !ends.every((e) => (offsets[e.partition] ?? 0) >= Number(e.high))) return false;
  }
  return true;
}

/** Every document of the five outputs under an index prefix, by id. */
export async function readOutputs(es: Client, prefix: string): Promise<OutputDocs> {
  const all = async <T>(alias: string) => {
    const index = prefix + alias;
    await es.indices.refresh({ index });
    const map = new Map<string, T>();
    for await (const page of es.helpers.scrollSearch({ index, size: 5_000, sort: ['_doc'] })) {
      for (const hit of page.body.hits.hits)
        if (hit._source) map.set(hit._id ?? '', hit._source as T);
    }
    return map;
  };
  const raw = await all<{
    mtime: number;
    response: string;
    guests: number;
    group: { group_country_name?: string };
  }>(IndexAliases.rsvps);
  return {
    raw: new Map(
      [...raw].map(([id, d]) => [
        id,
        {
          mtime: d.mtime,
          response: d.response,
          guests: d.guests,
          country_name: d.group.group_country_name,
        },
      ]),
    ),
    byCountry: await all(IndexAliases.rsvpByCountry),
    globalTrending: await all(IndexAliases.globalTrendingTopics),
    countryTrending: await all(IndexAliases.countryTrendingTopics),
  };
}
