import { Topics } from '@meetup/contracts';
import {
  buildConfig,
  elasticsearchConfigFrom,
  env,
  kafkaConfigFrom,
  parseEnv,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

/** Index and topic layout; the Helm Job sets these from chart values. */
function layoutFrom(source: EnvSource) {
  const e = parseEnv(
    {
      INDEX_PREFIX: env.indexPrefix(),
      INDEX_SHARDS: env.positiveInt().default(1),
      INDEX_REPLICAS: env.nonNegativeInt().default(0),
      KAFKA_TOPICS_CREATE: env.boolean().default(false),
      RSVP_TOPIC: env.topicName().default(Topics.rsvps),
      DLQ_TOPIC: env.topicName().default(Topics.rsvpsDlq),
      CHECKPOINT_TOPIC: env.topicName().default(Topics.ingestorCheckpoints),
      RSVP_TOPIC_PARTITIONS: env.positiveInt().default(6),
      TOPIC_REPLICATION_FACTOR: env.positiveInt().default(1),
    },
    source,
  );
  return {
    indexPrefix: e.INDEX_PREFIX,
    shards: e.INDEX_SHARDS,
    replicas: e.INDEX_REPLICAS,
    createTopics: e.KAFKA_TOPICS_CREATE,
    topics: { rsvps: e.RSVP_TOPIC, dlq: e.DLQ_TOPIC, checkpoints: e.CHECKPOINT_TOPIC },
    rsvpPartitions: e.RSVP_TOPIC_PARTITIONS,
    replicationFactor: e.TOPIC_REPLICATION_FACTOR,
  };
}

/** How long the bootstrap waits for Elasticsearch (and Kafka) to answer before it fails. */
function waitFrom(source: EnvSource) {
  const e = parseEnv({ BOOTSTRAP_WAIT_MS: env.nonNegativeInt().default(15 * 60_000) }, source);
  return { timeoutMs: e.BOOTSTRAP_WAIT_MS };
}

export function loadBootstrapConfig(source: EnvSource) {
  const base = buildConfig({
    telemetry: () => telemetryConfigFrom(source, 'bootstrap'),
    elasticsearch: () => elasticsearchConfigFrom(source),
    layout: () => layoutFrom(source),
    wait: () => waitFrom(source),
  });
  const kafka = base.layout.createTopics
    ? buildConfig({ kafka: () => kafkaConfigFrom(source, 'bootstrap') }).kafka
    : undefined;
  return { ...base, kafka };
}

export type BootstrapConfig = ReturnType<typeof loadBootstrapConfig>;
