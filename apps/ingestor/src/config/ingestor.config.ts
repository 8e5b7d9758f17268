import { z } from 'zod';
import {
  buildConfig,
  ConfigError,
  env,
  httpConfigFrom,
  kafkaConfigFrom,
  parseEnv,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';
import { Topics } from '@meetup/contracts';

export interface SourceSpec {
  name: string;
  url: string;
  topic: string;
}

/** `name=url[>topic],…`: each source has a name (checkpoint key, metrics label) and its own topic. */
function sourcesSchema(defaultTopic: string) {
  return z.string().transform((value, ctx): SourceSpec[] => {
    const specs: SourceSpec[] = [];
    for (const part of value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const match = /^([a-zA-Z0-9_-]+)=([^>\s]+)(?:>([a-zA-Z0-9._-]+))?$/.exec(part);
      const url = match?.[2];
      if (!match?.[1] || !url || !/^(wss?|https?):\/\//.test(url)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${part}" must be name=ws(s)|http(s)://…[>topic]`,
        });
        return z.NEVER;
      }
      specs.push({ name: match[1], url, topic: match[3] ?? defaultTopic });
    }
    if (specs.length === 0)
      ctx.addIssue({ code: 'custom', message: 'must list at least one source' });
    return specs;
  });
}

/** A number, or a StatefulSet pod name whose ordinal ends it (`ingestor-2` → 2). */
const replicaIndex = () =>
  z
    .string()
    .regex(/^(\d+|.*-\d+)$/, 'must be a number or a pod name ending in -<ordinal>')
    .transform((v) => Number(/(\d+)$/.exec(v)?.[1] ?? '0'));

function ingestConfigFrom(source: EnvSource) {
  const base = parseEnv({ RSVP_TOPIC: env.topicName().default(Topics.rsvps) }, source);
  const e = parseEnv(
    {
      SOURCES: sourcesSchema(base.RSVP_TOPIC),
      DLQ_TOPIC: env.topicName().default(Topics.rsvpsDlq),
      CHECKPOINT_TOPIC: env.topicName().default(Topics.ingestorCheckpoints),
      /**
       * Whether the ingestor creates its checkpoint topic when missing (local runs). In a
       * cluster (false) it may not create topics: it waits until its topics exist.
       */
      KAFKA_TOPICS_CREATE: env.boolean().default(true),
      TOPIC_REPLICATION_FACTOR: env.positiveInt().default(1),
      REPLICA_INDEX: replicaIndex().default(0),
      REPLICA_COUNT: env.positiveInt().default(1),
      REPLICA_REDUNDANCY: env.positiveInt().default(1),
      RESUME_MARGIN_MS: env.nonNegativeInt().default(10_000),
      INITIAL_SINCE_MTIME: env.nonNegativeInt().optional(),
      RECONNECT_INITIAL_MS: env.positiveInt().default(250),
      RECONNECT_MAX_MS: env.positiveInt().default(30_000),
      BUFFER_MAX_RECORDS: env.positiveInt().default(20_000),
      BATCH_MAX_RECORDS: env.positiveInt().default(2_000),
      LINGER_MS: env.nonNegativeInt().default(20),
      KAFKA_COMPRESSION: z.enum(['none', 'gzip']).default('gzip'),
      CHECKPOINT_INTERVAL_MS: env.positiveInt().default(1_000),
      MAX_MESSAGE_BYTES: env.positiveInt().default(64 * 1024),
    },
    source,
  );
  const shardProblems = [];
  if (e.REPLICA_INDEX >= e.REPLICA_COUNT) {
    shardProblems.push({ variable: 'REPLICA_INDEX', message: 'must be less than REPLICA_COUNT' });
  }
  if (e.REPLICA_REDUNDANCY > e.REPLICA_COUNT) {
    shardProblems.push({
      variable: 'REPLICA_REDUNDANCY',
      message: 'must be at most REPLICA_COUNT',
    });
  }
  if (shardProblems.length > 0) throw new ConfigError(shardProblems);
  return {
    sources: e.SOURCES,
    topics: {
      dlq: e.DLQ_TOPIC,
      checkpoints: e.CHECKPOINT_TOPIC,
      create: e.KAFKA_TOPICS_CREATE,
      replicationFactor: e.TOPIC_REPLICATION_FACTOR,
    },
    shard: { index: e.REPLICA_INDEX, count: e.REPLICA_COUNT, redundancy: e.REPLICA_REDUNDANCY },
    resume: { marginMs: e.RESUME_MARGIN_MS, initialSinceMtime: e.INITIAL_SINCE_MTIME },
    reconnect: { initialMs: e.RECONNECT_INITIAL_MS, maxMs: e.RECONNECT_MAX_MS, jitter: 0.5 },
    buffer: {
      maxRecords: e.BUFFER_MAX_RECORDS,
      batchMaxRecords: e.BATCH_MAX_RECORDS,
      lingerMs: e.LINGER_MS,
    },
    compression: e.KAFKA_COMPRESSION,
    checkpointIntervalMs: e.CHECKPOINT_INTERVAL_MS,
    maxMessageBytes: e.MAX_MESSAGE_BYTES,
  };
}

export function loadIngestorConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8081),
    telemetry: () => telemetryConfigFrom(source, 'ingestor'),
    kafka: () => kafkaConfigFrom(source, 'ingestor'),
    ingest: () => ingestConfigFrom(source),
  });
}

export type IngestorConfig = ReturnType<typeof loadIngestorConfig>;
