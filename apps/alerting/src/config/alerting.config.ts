import { hostname } from 'node:os';
import { z } from 'zod';
import { allowlistProblem } from '@meetup/webhook-delivery';
import {
  buildConfig,
  elasticsearchConfigFrom,
  env,
  httpConfigFrom,
  parseEnv,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

const list = () =>
  z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

function alertingConfigFrom(source: EnvSource) {
  const e = parseEnv(
    {
      /** Prefix of every index the service reads and writes (tests own theirs). */
      ALERTING_INDEX_PREFIX: env.indexPrefix(),
      ALERTING_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
      ALERTING_RULES_DIR: env.nonEmpty().optional(),
      ALERTING_REPLICA_ID: env.nonEmpty().default(`${hostname()}-${process.pid}`),
      ALERTING_TICK_MS: env.positiveInt().default(1_000),
      ALERTING_LEASE_TTL_MS: env.positiveInt().default(15_000),
      ALERTING_CONCURRENCY: env.positiveInt().default(8),
      WEBHOOK_ALLOWLIST: list()
        .default([])
        .superRefine((entries, ctx) => {
          for (const entry of entries) {
            const problem = allowlistProblem(entry);
            if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
          }
        }),
      WEBHOOK_ALLOW_PRIVATE: env.boolean().default(false),
      WEBHOOK_ALLOW_LOOPBACK: env.boolean().default(false),
    },
    source,
  );
  return {
    indexPrefix: e.ALERTING_INDEX_PREFIX,
    apiToken: e.ALERTING_API_TOKEN,
    rulesDir: e.ALERTING_RULES_DIR,
    replicaId: e.ALERTING_REPLICA_ID,
    tickMs: e.ALERTING_TICK_MS,
    leaseTtlMs: e.ALERTING_LEASE_TTL_MS,
    concurrency: e.ALERTING_CONCURRENCY,
    webhooks: {
      allowlist: e.WEBHOOK_ALLOWLIST,
      allowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
      allowLoopback: e.WEBHOOK_ALLOW_LOOPBACK,
    },
  };
}

export function loadAlertingConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8084),
    telemetry: () => telemetryConfigFrom(source, 'alerting'),
    elasticsearch: () => elasticsearchConfigFrom(source),
    alerting: () => alertingConfigFrom(source),
  });
}

export type AlertingConfig = ReturnType<typeof loadAlertingConfig>;
export type AlertingSettings = AlertingConfig['alerting'];
