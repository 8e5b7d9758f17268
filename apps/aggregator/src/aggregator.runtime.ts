import type { Client } from '@elastic/elasticsearch';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { IndexAliases, RsvpValidator } from '@meetup/contracts';
import {
  elasticsearchFailureContext,
  indexSpecOf,
  indicesPrerequisite,
  TimePartitionedIndex,
} from '@meetup/elasticsearch';
import {
  describeKafkaFailure,
  kafkaIdentity,
  topicsPrerequisite,
  type KafkaIdentity,
} from '@meetup/kafka';
import { needsOperator, type Logger, type Registry } from '@meetup/observability';
import { backoffDelay, sleep } from '@meetup/retry';
import {
  FailureReport,
  PrerequisiteWaiter,
  startInBackground,
  type ReadinessCheck,
} from '@meetup/service-runtime';
import { AggregateCombiner } from './combine/aggregate-combiner';
import type { AggregatorConfig } from './config/aggregator.config';
import { AggregatorMetrics } from './aggregator.metrics';
import { PartitionWorker } from './pipeline/partition-worker';
import { RecordProcessor } from './pipeline/record-processor';
import { RsvpConsumer } from './pipeline/rsvp-consumer';
import { aggregatorBulkWriter } from './sink/aggregator-bulk-writer';
import { SnapshotStore } from './state/snapshot-store';

const RESTART_AFTER_STOP_MS = 10_000;
/** Between attempts to start consuming (Kafka not up yet, or the group denied). */
const CONSUME_BACKOFF = { initialMs: 500, maxMs: 10_000, jitter: 0.2 };

/** The real-time aggregates' aliases (AGGREGATOR_OUTPUTS=all). */
const aggregateAliases: string[] = [
  IndexAliases.rsvpByCountry,
  IndexAliases.globalTrendingTopics,
  IndexAliases.countryTrendingTopics,
];

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
  private readonly identity: KafkaIdentity;
  private readonly startup: PrerequisiteWaiter;
  private readonly consuming: FailureReport;
  private readonly halt = new AbortController();
  private starting: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AggregatorRuntimeDeps) {
    const { config, kafka, elasticsearch: es, logger } = deps;
    const { routing, windows, pipeline } = config;
    const name = (alias: string) => `${routing.indexPrefix}${alias}`;
    this.identity = kafkaIdentity(config.kafka);
    const metrics = new AggregatorMetrics(deps.registry);
    const writer = aggregatorBulkWriter({
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
    this.startup = new PrerequisiteWaiter({
      prerequisites: [
        topicsPrerequisite({
          admin: this.admin,
          identity: this.identity,
          topics: [routing.rsvpTopic, routing.dlqTopic],
        }),
        indicesPrerequisite(
          es,
          // The activity family has a template, no alias: the bootstrap puts it in place
          // before the state alias (analyticsIndexSpecs' order), so the state stands for both.
          [
            IndexAliases.rsvps,
            IndexAliases.aggregatorState,
            ...(aggregates ? aggregateAliases : []),
          ].map(name),
          elasticsearchFailureContext(config.elasticsearch),
        ),
      ],
      logger,
    });
    this.consuming = new FailureReport('consume', logger);
    // Counted activity, in hourly partitions of event time that retention drops whole.
    const activity = new TimePartitionedIndex(es, indexSpecOf(IndexAliases.rsvpActivity), {
      prefix: routing.indexPrefix,
    });
    const worker = new PartitionWorker({
      processor: new RecordProcessor({ validator: new RsvpValidator(), aggregates }),
      writer,
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
      onLeadership: (leader) => {
        this.consuming.clear();
        this.combiner?.setLeader(leader);
      },
      onStopped: (error) => {
        this.consumerStopped(error);
      },
    });
  }

  /** Readiness: its topics and indices exist, and Kafka lets it consume. */
  readinessChecks(): ReadinessCheck[] {
    return [...this.startup.readinessChecks(), this.consuming.readinessCheck()];
  }

  /** Returns at once: the aggregator waits for its topics and indices in the background. */
  start(): Promise<void> {
    this.starting = startInBackground(this.deps.logger, async () => {
      if (await this.startup.waitUntilMet({ signal: this.halt.signal })) {
        await this.consumeWhenPossible();
      }
    });
    return Promise.resolve();
  }

  /** Kafka may not be up yet, or may deny the group: readiness reports it, we keep trying. */
  private async consumeWhenPossible(): Promise<void> {
    for (let attempt = 0; !this.halt.signal.aborted; attempt += 1) {
      try {
        await this.admin.connect();
        await this.producer.connect();
        await this.consumer.start();
        return;
      } catch (error) {
        await this.consumer.stop().catch(() => undefined);
        this.reportConsumeFailure(error, attempt);
        await sleep(backoffDelay(attempt, CONSUME_BACKOFF), this.halt.signal);
      }
    }
  }

  /** kafkajs stopped the consumer for good (e.g. the group is denied): try again later. */
  private consumerStopped(error: Error): void {
    this.reportConsumeFailure(error, 0);
    if (this.halt.signal.aborted) return;
    const previous = this.starting;
    this.starting = (async () => {
      await previous;
      await sleep(RESTART_AFTER_STOP_MS, this.halt.signal);
      if (this.halt.signal.aborted) return;
      await this.consumer.stop().catch(() => undefined);
      await this.consumeWhenPossible();
    })();
  }

  private reportConsumeFailure(error: unknown, attempt: number): void {
    const { routing } = this.deps.config;
    const failure = describeKafkaFailure(error, {
      operation: 'consume',
      ...this.identity,
      topics: [routing.rsvpTopic],
      group: routing.consumerGroup,
    });
    if (needsOperator(failure)) this.consuming.record(failure);
    else this.deps.logger.warn({ err: error, attempt }, 'cannot consume yet, retrying');
  }

  async stop(): Promise<void> {
    this.halt.abort();
    await this.starting;
    await this.consumer.stop();
    await this.combiner?.stop();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
