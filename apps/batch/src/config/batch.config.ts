import {
  buildConfig,
  elasticsearchConfigFrom,
  env,
  parseEnv,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

/** How the job runs: index names, lock, checkpoint overlap, progress, metrics push. */
function jobConfigFrom(source: EnvSource) {
  const e = parseEnv(
    {
      INDEX_PREFIX: env.indexPrefix(),
      BATCH_LOCK_TTL_SECONDS: env.positiveInt().default(600),
      BATCH_CHECKPOINT_OVERLAP_SECONDS: env.nonNegativeInt().default(60),
      BATCH_PROGRESS_INTERVAL_MS: env.positiveInt().default(5_000),
      BATCH_GROUPS_PER_CHUNK: env.positiveInt().default(1_000),
      BATCH_EVENTS_PER_CHUNK: env.positiveInt().default(5_000),
      BATCH_RSVPS_PER_CHUNK: env.positiveInt().default(25_000),
      PUSHGATEWAY_URL: env.url().optional(),
      BATCH_WAIT_FOR_INDICES_MS: env.nonNegativeInt().default(600_000),
    },
    source,
  );
  return {
    indexPrefix: e.INDEX_PREFIX,
    lockTtlMs: e.BATCH_LOCK_TTL_SECONDS * 1000,
    /** Docs indexed this long before a run started are looked at again by the next run. */
    checkpointOverlapMs: e.BATCH_CHECKPOINT_OVERLAP_SECONDS * 1000,
    progressIntervalMs: e.BATCH_PROGRESS_INTERVAL_MS,
    groupsPerChunk: e.BATCH_GROUPS_PER_CHUNK,
    eventsPerChunk: e.BATCH_EVENTS_PER_CHUNK,
    /** Raw documents one chunk of groups or events should read at most (a target, not a limit). */
    rsvpsPerChunk: e.BATCH_RSVPS_PER_CHUNK,
    pushgatewayUrl: e.PUSHGATEWAY_URL,
    /** How long a run waits for its indices (the bootstrap creates them) before it fails. */
    waitForIndicesMs: e.BATCH_WAIT_FOR_INDICES_MS,
  };
}

export function loadBatchConfig(source: EnvSource) {
  return buildConfig({
    telemetry: () => telemetryConfigFrom(source, 'batch'),
    elasticsearch: () => elasticsearchConfigFrom(source),
    job: () => jobConfigFrom(source),
  });
}

export type BatchConfig = ReturnType<typeof loadBatchConfig>;
export type BatchJobConfig = BatchConfig['job'];
