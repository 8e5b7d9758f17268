import { z } from 'zod';
import { ConsumerGroups, Topics } from '@meetup/contracts';
import {
  buildConfig,
  ConfigError,
  elasticsearchConfigFrom,
  env,
  httpConfigFrom,
  kafkaConfigFrom,
  parseEnv,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

/** Where the aggregator reads and writes; tests point these at their own names. */
function routingFrom(source: EnvSource) {
  const e = parseEnv(
    {
      RSVP_TOPIC: env.nonEmpty().default(Topics.rsvps),
      DLQ_TOPIC: env.nonEmpty().default(Topics.rsvpsDlq),
      CONSUMER_GROUP: env.nonEmpty().default(ConsumerGroups.aggregator),
      INDEX_PREFIX: env.indexPrefix(),
      AGGREGATOR_OUTPUTS: z.enum(['all', 'raw'], { error: 'must be all or raw' }).default('all'),
    },
    source,
  );
  return {
    rsvpTopic: e.RSVP_TOPIC,
    dlqTopic: e.DLQ_TOPIC,
    consumerGroup: e.CONSUMER_GROUP,
    indexPrefix: e.INDEX_PREFIX,
    /** `raw`: raw index only (no dedup state, no aggregates), for measurements. */
    outputs: e.AGGREGATOR_OUTPUTS,
  };
}

/** Event-time semantics; defaults are those of DESIGN.md. */
function windowsFrom(source: EnvSource) {
  const e = parseEnv(
    {
      COUNTRY_BUCKET_MS: env.positiveInt().default(60_000),
      TRENDING_WINDOW_MS: env.positiveInt().default(300_000),
      TRENDING_SLIDE_MS: env.positiveInt().default(10_000),
      TRENDING_MIN_SUPPORT: env.nonNegativeInt().default(5),
      TRENDING_BASELINE_WINDOWS: env.positiveInt().default(12),
      ALLOWED_LATENESS_MS: env.nonNegativeInt().default(120_000),
      DEDUP_HORIZON_MS: env.positiveInt().default(24 * 3600 * 1000),
      PARTIALS_RETENTION_MS: env.positiveInt().default(2 * 3600 * 1000),
      STREAM_IDLE_MS: env.nonNegativeInt().default(30_000),
    },
    source,
  );
  const problems: { variable: string; message: string }[] = [];
  if (e.TRENDING_WINDOW_MS % e.TRENDING_SLIDE_MS !== 0) {
    problems.push({
      variable: 'TRENDING_WINDOW_MS',
      message: 'must be a multiple of TRENDING_SLIDE_MS',
    });
  }
  // The combine step reads back the baseline windows, the current one and the allowed lateness.
  const needed =
    e.TRENDING_WINDOW_MS * (e.TRENDING_BASELINE_WINDOWS + 1) +
    e.TRENDING_SLIDE_MS +
    e.ALLOWED_LATENESS_MS;
  if (e.PARTIALS_RETENTION_MS < needed) {
    problems.push({
      variable: 'PARTIALS_RETENTION_MS',
      message:
        `must be at least ${needed} (TRENDING_WINDOW_MS × (TRENDING_BASELINE_WINDOWS + 1) ` +
        '+ TRENDING_SLIDE_MS + ALLOWED_LATENESS_MS): trending baselines read that far back',
    });
  }
  // A resend still within the lateness must find its first copy, or it counts twice.
  if (e.DEDUP_HORIZON_MS < e.ALLOWED_LATENESS_MS) {
    problems.push({
      variable: 'DEDUP_HORIZON_MS',
      message:
        `must be at least ALLOWED_LATENESS_MS (${e.ALLOWED_LATENESS_MS}): ` +
        'a resend accepted as late but forgotten by deduplication would count twice',
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    countryBucketMs: e.COUNTRY_BUCKET_MS,
    trendingWindowMs: e.TRENDING_WINDOW_MS,
    trendingSlideMs: e.TRENDING_SLIDE_MS,
    /** A topic is emitted when its count is greater than this. */
    trendingMinSupport: e.TRENDING_MIN_SUPPORT,
    trendingBaselineWindows: e.TRENDING_BASELINE_WINDOWS,
    allowedLatenessMs: e.ALLOWED_LATENESS_MS,
    dedupHorizonMs: e.DEDUP_HORIZON_MS,
    /** Partials of buckets and panes older than the watermark minus this are dropped (whole partitions). */
    partialsRetentionMs: e.PARTIALS_RETENTION_MS,
    /**
     * After this long without records, the stream's event time runs on with the clock so the
     * last buckets and windows are emitted and made final; 0: never (they wait for records).
     */
    streamIdleMs: e.STREAM_IDLE_MS,
  };
}

/** Throughput and recovery knobs. */
function pipelineFrom(source: EnvSource) {
  const e = parseEnv(
    {
      SNAPSHOT_INTERVAL_MS: env.positiveInt().default(5_000),
      PARTIALS_INTERVAL_MS: env.positiveInt().default(500),
      COMBINE_INTERVAL_MS: env.positiveInt().default(500),
      TRENDING_INTERVAL_MS: env.positiveInt().default(1_000),
      COMBINE_READ_BUDGET: env.positiveInt().default(2_000),
      PARTITIONS_CONCURRENCY: env.positiveInt().default(3),
      FETCH_MAX_BYTES_PER_PARTITION: env.positiveInt().default(1_048_576),
      KAFKA_SESSION_TIMEOUT_MS: env.positiveInt().default(10_000),
      ES_RETRY_MAX_DELAY_MS: env.positiveInt().default(5_000),
    },
    source,
  );
  return {
    snapshotIntervalMs: e.SNAPSHOT_INTERVAL_MS,
    /**
     * A partition writes the partials that changed at most this often (and before each
     * snapshot): each write is a whole bucket or pane, so writing them per batch would cost
     * more than the records.
     */
    partialsIntervalMs: e.PARTIALS_INTERVAL_MS,
    /** Start-to-start interval of the by-country combine cycles. */
    combineIntervalMs: e.COMBINE_INTERVAL_MS,
    /** Start-to-start interval of the trending combine cycles. */
    trendingIntervalMs: e.TRENDING_INTERVAL_MS,
    /**
     * Partial documents (a partition's bucket or pane) one combine cycle reads at most past
     * its last final bucket or window: a backlog is combined in slices.
     */
    combineReadBudget: e.COMBINE_READ_BUDGET,
    partitionsConcurrency: e.PARTITIONS_CONCURRENCY,
    fetchMaxBytesPerPartition: e.FETCH_MAX_BYTES_PER_PARTITION,
    sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
    esRetryMaxDelayMs: e.ES_RETRY_MAX_DELAY_MS,
  };
}

export function loadAggregatorConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8082),
    telemetry: () => telemetryConfigFrom(source, 'aggregator'),
    kafka: () => kafkaConfigFrom(source, 'aggregator'),
    elasticsearch: () => elasticsearchConfigFrom(source),
    routing: () => routingFrom(source),
    windows: () => windowsFrom(source),
    pipeline: () => pipelineFrom(source),
  });
}

export type AggregatorConfig = ReturnType<typeof loadAggregatorConfig>;
export type WindowsConfig = AggregatorConfig['windows'];
