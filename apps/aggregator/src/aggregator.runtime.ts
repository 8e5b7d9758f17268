import type { Client } from '@elastic/elasticsearch';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import { IndexAliases, RsvpValidator } from '@meetup/contracts';
import {
  elasticsearchFailureContext,
  indexSpecOf,
  indicesPrerequisite,
  TimePartitionedIndex,
} from '@meetup/elasticsearch';
import { kafkaIdentity, topicsPrerequisite } from '@meetup/kafka';
import type { Logger, Registry } from '@meetup/observability';
import { FailureReport, PrerequisiteWaiter, type ReadinessCheck } from '@meetup/service-runtime';
import { AggregateCombiner } from './combine/aggregate-combiner';
import type { AggregatorConfig } from './config/aggregator.config';
import { AggregatorMetrics } from './aggregator.metrics';
import { ConsumeSupervisor, reportConsumeFailure } from './pipeline/consume-supervisor';
import { kafkaDeadLetterTopic, PartitionWorker } from './pipeline/partition-worker';
import { RecordProcessor } from './pipeline/record-processor';
import { RsvpConsumer } from './pipeline/rsvp-consumer';
import { aggregatorBulkWriter } from './sink/aggregator-bulk-writer';
import { SnapshotStore } from './state/snapshot-store';

/** The indices the aggregator writes, under the routing's prefix. */
export interface AggregatorIndices {
  /** AGGREGATOR_OUTPUTS=all: the real-time aggregates too, not only the raw index. */
  aggregates: boolean;
  raw: string;
  state: string;
  byCountry: string;
  globalTrending: string;
  countryTrending: string;
  /** The aliases that must exist before it consumes. */
  required: string[];
}

export function aggregatorIndices(
  routing: Pick<AggregatorConfig['routing'], 'indexPrefix' | 'outputs'>,
): AggregatorIndices {
  const name = (alias: string) => `${routing.indexPrefix}${alias}`;
  const aggregates = routing.outputs === 'all';
  const indices = {
    raw: name(IndexAliases.rsvps),
    state: name(IndexAliases.aggregatorState),
    byCountry: name(IndexAliases.rsvpByCountry),
    globalTrending: name(IndexAliases.globalTrendingTopics),
    countryTrending: name(IndexAliases.countryTrendingTopics),
  };
  // The partials family has a template, no alias: the bootstrap puts it in place
  // before the state alias (analyticsIndexSpecs' order), so the state stands for both.
  const required = [indices.raw, indices.state];
  if (aggregates) required.push(indices.byCountry, indices.globalTrending, indices.countryTrending);
  return { aggregates, ...indices, required };
}

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
  private readonly startup: PrerequisiteWaiter;
  private readonly consuming: FailureReport;
  private readonly supervisor: ConsumeSupervisor;
  private readonly halt = new AbortController();

  constructor(private readonly deps: AggregatorRuntimeDeps) {
    const { config, kafka, elasticsearch: es, logger } = deps;
    const { routing, windows, pipeline } = config;
    const indices = aggregatorIndices(routing);
    const { aggregates } = indices;
    const identity = kafkaIdentity(config.kafka);
    const metrics = new AggregatorMetrics(deps.registry);
    const writer = aggregatorBulkWriter({
      es,
      metrics,
      logger,
      maxRetryDelayMs: pipeline.esRetryMaxDelayMs,
    });
    const snapshots = new SnapshotStore({
      es,
      index: indices.state,
      group: routing.consumerGroup,
      topic: routing.rsvpTopic,
      allowedLatenessMs: windows.allowedLatenessMs,
      dedupHorizonMs: windows.dedupHorizonMs,
      partials: { bucketMs: windows.countryBucketMs, paneMs: windows.trendingSlideMs },
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = kafka.admin();
    this.startup = new PrerequisiteWaiter({
      prerequisites: [
        topicsPrerequisite({
          admin: this.admin,
          identity,
          topics: [routing.rsvpTopic, routing.dlqTopic],
        }),
        indicesPrerequisite(
          es,
          indices.required,
          elasticsearchFailureContext(config.elasticsearch),
        ),
      ],
      logger,
    });
    this.consuming = new FailureReport('consume', logger);
    // Each partition's share of the buckets and panes, in hourly partitions of their start
    // that retention drops whole.
    const partials = new TimePartitionedIndex(es, indexSpecOf(IndexAliases.rsvpPartials), {
      prefix: routing.indexPrefix,
    });
    const worker = new PartitionWorker({
      processor: new RecordProcessor({ validator: new RsvpValidator(), aggregates }),
      writer,
      dlq: kafkaDeadLetterTopic(this.producer, routing.dlqTopic),
      metrics,
      logger,
      topic: routing.rsvpTopic,
      dlqTopic: routing.dlqTopic,
      rawIndex: indices.raw,
      partialsIndexFor: (startMs) => partials.indexFor(startMs),
      partialsIntervalMs: pipeline.partialsIntervalMs,
    });
    this.combiner = aggregates
      ? new AggregateCombiner({
          es,
          admin: this.admin,
          producer: this.producer,
          writer,
          snapshots,
          metrics,
          logger,
          windows,
          topic: routing.rsvpTopic,
          group: routing.consumerGroup,
          countryIntervalMs: pipeline.combineIntervalMs,
          trendingIntervalMs: pipeline.trendingIntervalMs,
          readBudget: pipeline.combineReadBudget,
          partialsPartitions: partials,
          indices: {
            partials: partials.readPattern,
            state: indices.state,
            byCountry: indices.byCountry,
            globalTrending: indices.globalTrending,
            countryTrending: indices.countryTrending,
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
      partialsIntervalMs: pipeline.partialsIntervalMs,
      partitionsConcurrency: pipeline.partitionsConcurrency,
      maxBytesPerPartition: pipeline.fetchMaxBytesPerPartition,
      sessionTimeoutMs: pipeline.sessionTimeoutMs,
      onLeadership: (leader) => {
        this.consuming.clear();
        this.combiner?.setLeader(leader);
      },
      onStopped: (error) => {
        this.supervisor.stopped(error);
      },
    });
    this.supervisor = new ConsumeSupervisor({
      start: async () => {
        await this.admin.connect();
        await this.producer.connect();
        await this.consumer.start();
      },
      stop: () => this.consumer.stop(),
      onFailure: (error, attempt) => {
        reportConsumeFailure(error, attempt, {
          identity,
          topic: routing.rsvpTopic,
          group: routing.consumerGroup,
          report: this.consuming,
          logger,
        });
      },
      signal: this.halt.signal,
      logger,
    });
  }

  /** Readiness: its topics and indices exist, and Kafka lets it consume. */
  readinessChecks(): ReadinessCheck[] {
    return [...this.startup.readinessChecks(), this.consuming.readinessCheck()];
  }

  /** Returns at once: the aggregator waits for its topics and indices in the background. */
  start(): Promise<void> {
    this.supervisor.start(() => this.startup.waitUntilMet({ signal: this.halt.signal }));
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.halt.abort();
    await this.supervisor.settled();
    await this.consumer.stop();
    await this.combiner?.stop();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }
}
