import {
  buildConfig,
  elasticsearchConfigFrom,
  env,
  kafkaConfigFrom,
  parseEnv,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

/** Index and topic layout; the Helm hook Job sets these from chart values. */
function layoutFrom(source: EnvSource) {
  const e = parseEnv(
    {
      INDEX_PREFIX: env.indexPrefix(),
      INDEX_SHARDS: env.positiveInt().default(1),
      INDEX_REPLICAS: env.nonNegativeInt().default(0),
      KAFKA_TOPICS_CREATE: env.boolean().default(false),
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
    rsvpPartitions: e.RSVP_TOPIC_PARTITIONS,
    replicationFactor: e.TOPIC_REPLICATION_FACTOR,
  };
}

export function loadBootstrapConfig(source: EnvSource) {
  const base = buildConfig({
    telemetry: () => telemetryConfigFrom(source, 'bootstrap'),
    elasticsearch: () => elasticsearchConfigFrom(source),
    layout: () => layoutFrom(source),
  });
  const kafka = base.layout.createTopics
    ? buildConfig({ kafka: () => kafkaConfigFrom(source, 'bootstrap') }).kafka
    : undefined;
  return { ...base, kafka };
}

export type BootstrapConfig = ReturnType<typeof loadBootstrapConfig>;
