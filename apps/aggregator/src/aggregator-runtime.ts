import type { Client } from '@elastic/elasticsearch';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { IndexAliases, RsvpValidator } from '@meetup/contracts';
import {
  analyticsIndexSpecs,
  IndexBootstrapper,
  indexSpecOf,
  TimePartitionedIndex,
} from '@meetup/elasticsearch';
import type { Logger, Registry } from '@meetup/observability';
import { AggregateCombiner } from './combine/aggregate-combiner';
import type { AggregatorConfig } from './config/aggregator.config';
import { AggregatorMetrics } from './metrics/aggregator-metrics';
import { PartitionWorker } from './pipeline/partition-worker';
import { RecordProcessor } from './pipeline/record-processor';
import { RsvpConsumer } from './pipeline/rsvp-consumer';
import { BulkWriter, sleep } from './sink/bulk-writer';
import { SnapshotStore } from './state/snapshot-store';

export interface AggregatorRuntimeDeps {
  config: AggregatorConfig;
  kafka: Kafka;
  elasticsearch: Client;
  logger: Logger;
  registry: Registry;
}

/** Builds the pipeline (consumer → worker → Elasticsearch, combine step) and runs it. */
export class AggregatorRuntime {
  private readonly consumer: RsvpConsumer;
  private readonly combiner: AggregateCombiner | undefined;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private starting: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly deps: AggregatorRuntimeDeps) {
    const { config, kafka, elasticsearch: es, logger } = deps;
    const { routing, windows, pipeline } = config;
    const name = (alias: string) => `${routing.indexPrefix}${alias}`;
    const metrics = new AggregatorMetrics(deps.registry);
    const writer = new BulkWriter({
      es,
      metrics,
      logger,
      maxRetryDelayMs: pipeline.esRetryMaxDelayMs,
    });
    const snapshots = new SnapshotStore({
      es,
      index: name(IndexAliases.aggregatorState),
      group: routing.consumerGroup,
      topic: routing.rsvpTopic,
      allowedLatenessMs: windows.allowedLatenessMs,
      dedupHorizonMs: windows.dedupHorizonMs,
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = kafka.admin();
    const aggregates = routing.outputs === 'all';
    // Counted activity, in hourly partitions of event time that retention drops whole.
    const activity = new TimePartitionedIndex(es, indexSpecOf(IndexAliases.rsvpActivity), {
      prefix: routing.indexPrefix,
    });
    const worker = new PartitionWorker({
      processor: new RecordProcessor({ validator: new RsvpValidator(), aggregates }),
      writer,
      snapshots,
      producer: this.producer,
      metrics,
      logger,
      topic: routing.rsvpTopic,
      dlqTopic: routing.dlqTopic,
      rawIndex: name(IndexAliases.rsvps),
      activityIndexFor: (mtimeMs) => activity.indexFor(mtimeMs),
    });
    this.combiner = aggregates
      ? new AggregateCombiner({
          es,
          admin: this.admin,
          writer,
          snapshots,
          metrics,
          logger,
          windows,
          topic: routing.rsvpTopic,
          group: routing.consumerGroup,
          countryIntervalMs: pipeline.combineIntervalMs,
          trendingIntervalMs: pipeline.trendingIntervalMs,
          activityBudget: pipeline.combineActivityBudget,
          activityPartitions: activity,
          indices: {
            activity: activity.readPattern,
            state: name(IndexAliases.aggregatorState),
            byCountry: name(IndexAliases.rsvpByCountry),
            globalTrending: name(IndexAliases.globalTrendingTopics),
            countryTrending: name(IndexAliases.countryTrendingTopics),
          },
        })
      : undefined;
    this.consumer = new RsvpConsumer({
      kafka,
      worker,
      snapshots,
      metrics,
      logger,
      topic: routing.rsvpTopic,
      group: routing.consumerGroup,
      snapshotIntervalMs: pipeline.snapshotIntervalMs,
      partitionsConcurrency: pipeline.partitionsConcurrency,
      maxBytesPerPartition: pipeline.fetchMaxBytesPerPartition,
      sessionTimeoutMs: pipeline.sessionTimeoutMs,
      onLeadership: (leader) => this.combiner?.setLeader(leader),
    });
  }

  async start(): Promise<void> {
    const { config, elasticsearch } = this.deps;
    // The aggregator's own indices (for the activity, its partitions' template);
    // `make bootstrap` creates them too. Idempotent.
    const internal = new Set<string>([IndexAliases.rsvpActivity, IndexAliases.aggregatorState]);
    await new IndexBootstrapper(elasticsearch, { prefix: config.routing.indexPrefix }).apply(
      analyticsIndexSpecs.filter((spec) => internal.has(spec.alias)),
    );
    this.starting = this.consumeWhenPossible();
  }

  /** Kafka may not be up (or the topic not created) yet: readiness reports it, we keep trying. */
  private async consumeWhenPossible(): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt += 1) {
      try {
        await this.admin.connect();
        await this.producer.connect();
        await this.consumer.start();
        return;
      } catch (error) {
        await this.consumer.stop().catch(() => undefined);
        this.deps.logger.warn({ err: error, attempt }, 'cannot consume yet, retrying');
        await sleep(Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.consumer.stop();
    await this.combiner?.stop();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
