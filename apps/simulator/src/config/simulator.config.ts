import { z } from 'zod';
import {
  buildConfig,
  ConfigError,
  env,
  httpConfigFrom,
  parseEnv,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

const ratio = () => z.coerce.number().min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');

const burstsSchema = z.array(
  z.object({
    topicUrlkey: z.string().optional(),
    city: z.string().optional(),
    country: z.string().optional(),
    factor: z.number().positive(),
    from: z.number(),
    to: z.number(),
  }),
);

function jsonOf<T extends z.ZodType>(schema: T) {
  return z.string().transform((value, ctx): z.infer<T> => {
    try {
      const parsed = schema.safeParse(JSON.parse(value));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid' });
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
    }
    return z.NEVER;
  });
}

function streamConfigFrom(source: EnvSource) {
  const e = parseEnv(
    {
      STREAM_PORT: env.port().default(8090),
      STREAM_HOST: env.nonEmpty().default('0.0.0.0'),
      REPLAY_BUFFER_SIZE: env.positiveInt().default(200_000),
      MANIFEST_FILE: env.nonEmpty().optional(),
      RATE_LOG_INTERVAL_MS: env.nonNegativeInt().default(5_000),
      WAIT_FOR_CLIENTS: env.nonNegativeInt().default(0),
    },
    source,
  );
  return {
    port: e.STREAM_PORT,
    host: e.STREAM_HOST,
    replayBufferSize: e.REPLAY_BUFFER_SIZE,
    manifestFile: e.MANIFEST_FILE,
    rateLogIntervalMs: e.RATE_LOG_INTERVAL_MS,
    /** The source starts once this many clients are connected (0: at once). */
    waitForClients: e.WAIT_FOR_CLIENTS,
  };
}

function sourceConfigFrom(source: EnvSource) {
  const e = parseEnv(
    {
      SOURCE: z.enum(['synthetic', 'replay']).default('synthetic'),
      SYNTHETIC_RATE: z.coerce.number().positive('must be positive').max(100_000).default(10),
      SYNTHETIC_SEED: env.nonNegativeInt().default(1),
      SYNTHETIC_COUNT: env.positiveInt().optional(),
      SYNTHETIC_FIRST_RSVP_ID: env.positiveInt().optional(),
      SYNTHETIC_BURSTS: jsonOf(burstsSchema).optional(),
      SYNTHETIC_MAX_DISORDER_MS: env.nonNegativeInt().default(5_000),
      REPLAY_FILES: z
        .string()
        .transform((v) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        )
        .optional(),
      REPLAY_SPEED: z
        .union([z.literal('max'), z.coerce.number().positive('must be positive or "max"')])
        .default(1),
      REPLAY_LOOP: env.boolean().default(false),
    },
    source,
  );
  if (e.SOURCE === 'replay' && (e.REPLAY_FILES ?? []).length === 0) {
    throw new ConfigError([
      { variable: 'REPLAY_FILES', message: 'is required when SOURCE=replay' },
    ]);
  }
  return {
    kind: e.SOURCE,
    synthetic: {
      rate: e.SYNTHETIC_RATE,
      seed: e.SYNTHETIC_SEED,
      count: e.SYNTHETIC_COUNT,
      firstRsvpId: e.SYNTHETIC_FIRST_RSVP_ID,
      bursts: e.SYNTHETIC_BURSTS ?? [],
      maxDisorderMs: e.SYNTHETIC_MAX_DISORDER_MS,
    },
    replay: { files: e.REPLAY_FILES ?? [], speed: e.REPLAY_SPEED, loop: e.REPLAY_LOOP },
  };
}

function faultConfigFrom(source: EnvSource) {
  const e = parseEnv(
    {
      FAULT_MALFORMED_RATIO: ratio().default(0),
      FAULT_DROP_EVERY: env.nonNegativeInt().default(0),
      FAULT_STALL_EVERY: env.nonNegativeInt().default(0),
      FAULT_STALL_MS: env.nonNegativeInt().default(5_000),
    },
    source,
  );
  return {
    malformedRatio: e.FAULT_MALFORMED_RATIO,
    dropEvery: e.FAULT_DROP_EVERY,
    stallEvery: e.FAULT_STALL_EVERY,
    stallMs: e.FAULT_STALL_MS,
  };
}

export function loadSimulatorConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8080),
    telemetry: () => telemetryConfigFrom(source, 'simulator'),
    stream: () => streamConfigFrom(source),
    source: () => sourceConfigFrom(source),
    faults: () => faultConfigFrom(source),
  });
}

export type SimulatorConfig = ReturnType<typeof loadSimulatorConfig>;
