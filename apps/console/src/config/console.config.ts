import {
  buildConfig,
  elasticsearchConfigFrom,
  env,
  httpConfigFrom,
  kafkaConfigFrom,
  parseEnv,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';
import { ConsumerGroups, Topics } from '@meetup/contracts';

/** What the console reads and how often: one query loop, whatever the number of open pages. */
function feedConfigFrom(source: EnvSource) {
  const e = parseEnv(
    {
      INDEX_PREFIX: env.indexPrefix(),
      RSVP_TOPIC: env.topicName().default(Topics.rsvps),
      DLQ_TOPIC: env.topicName().default(Topics.rsvpsDlq),
      AGGREGATOR_CONSUMER_GROUP: env.nonEmpty().default(ConsumerGroups.aggregator),
      CONSOLE_POLL_INTERVAL_MS: env.positiveInt().min(50, 'must be at least 50').default(250),
      CONSOLE_ALERTS_POLL_INTERVAL_MS: env
        .positiveInt()
        .min(100, 'must be at least 100')
        .default(1_000),
      CONSOLE_SLOW_POLL_INTERVAL_MS: env
        .positiveInt()
        .min(500, 'must be at least 500')
        .default(5_000),
      CONSOLE_RESYNC_INTERVAL_MS: env
        .positiveInt()
        .min(1_000, 'must be at least 1000')
        .default(60_000),
      CONSOLE_CHANGE_OVERLAP_MS: env.nonNegativeInt().default(5_000),
      CONSOLE_TOPICS: env.positiveInt().max(100, 'must be at most 100').default(15),
      TRENDING_SLIDE_MS: env.positiveInt().default(10_000),
      CONSOLE_SPARK_WINDOWS: env.positiveInt().max(360, 'must be at most 360').default(30),
      CONSOLE_MAX_CLIENTS: env.positiveInt().default(1_000),
    },
    source,
  );
  return {
    indexPrefix: e.INDEX_PREFIX,
    rsvpTopic: e.RSVP_TOPIC,
    dlqTopic: e.DLQ_TOPIC,
    aggregatorGroup: e.AGGREGATOR_CONSUMER_GROUP,
    /** By-country and trending: how often the loop asks what changed. */
    pollIntervalMs: e.CONSOLE_POLL_INTERVAL_MS,
    alertsPollIntervalMs: e.CONSOLE_ALERTS_POLL_INTERVAL_MS,
    /** Batch tables and pipeline health. */
    slowPollIntervalMs: e.CONSOLE_SLOW_POLL_INTERVAL_MS,
    /** A full reload of the live model, so nothing an incremental read missed stays wrong. */
    resyncIntervalMs: e.CONSOLE_RESYNC_INTERVAL_MS,
    /**
     * How far before its cursor (the newest `updated_at` read) each incremental read starts.
     * A document becomes searchable a refresh after the writer stamped it, so a document
     * stamped just before the newest one read can appear later; re-reading this margin
     * finds it (the models ignore documents they already hold). Later ones wait for a resync.
     */
    changeOverlapMs: e.CONSOLE_CHANGE_OVERLAP_MS,
    topics: e.CONSOLE_TOPICS,
    sparkWindows: e.CONSOLE_SPARK_WINDOWS,
    /** The aggregator's trending slide (same variable): the step of the sparklines. */
    trendingSlideMs: e.TRENDING_SLIDE_MS,
    /** Open pages beyond this are answered 503 (each holds a connection and a little memory). */
    maxClients: e.CONSOLE_MAX_CLIENTS,
  };
}

export function loadConsoleConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8086),
    telemetry: () => telemetryConfigFrom(source, 'console'),
    elasticsearch: () => elasticsearchConfigFrom(source),
    kafka: () => kafkaConfigFrom(source, 'meetup-console'),
    feed: () => feedConfigFrom(source),
  });
}

export type ConsoleConfig = ReturnType<typeof loadConsoleConfig>;
export type FeedConfig = ConsoleConfig['feed'];
