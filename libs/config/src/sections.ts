import { type z } from 'zod';
import { env } from './env-types';
import { ConfigError } from './config-error';
import { parseEnv, type EnvSource } from './parse-env';

export interface HttpConfig {
  port: number;
  host: string;
}

export interface TelemetryConfig {
  serviceName: string;
  logLevel: z.infer<ReturnType<typeof env.logLevel>>;
  /** OTLP/HTTP endpoint for traces; tracing exports nothing when absent. */
  otlpEndpoint: string | undefined;
}

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  caFile: string | undefined;
  sasl: { mechanism: 'scram-sha-512'; username: string; password: string } | undefined;
}

export interface ElasticsearchConfig {
  url: string;
  username: string | undefined;
  password: string | undefined;
  caFile: string | undefined;
}

export function httpConfigFrom(source: EnvSource, defaultPort: number): HttpConfig {
  const e = parseEnv(
    { HTTP_PORT: env.port().default(defaultPort), HTTP_HOST: env.nonEmpty().default('0.0.0.0') },
    source,
  );
  return { port: e.HTTP_PORT, host: e.HTTP_HOST };
}

export function telemetryConfigFrom(
  source: EnvSource,
  defaultServiceName: string,
): TelemetryConfig {
  const e = parseEnv(
    {
      OTEL_SERVICE_NAME: env.nonEmpty().default(defaultServiceName),
      LOG_LEVEL: env.logLevel().default('info'),
      OTEL_EXPORTER_OTLP_ENDPOINT: env.url().optional(),
    },
    source,
  );
  return {
    serviceName: e.OTEL_SERVICE_NAME,
    logLevel: e.LOG_LEVEL,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
  };
}

export function kafkaConfigFrom(source: EnvSource, defaultClientId: string): KafkaConfig {
  const e = parseEnv(
    {
      KAFKA_BROKERS: env.hostPorts(),
      KAFKA_CLIENT_ID: env.nonEmpty().default(defaultClientId),
      KAFKA_SSL: env.boolean().default(false),
      KAFKA_CA_FILE: env.readableFile().optional(),
      KAFKA_SASL_USERNAME: env.nonEmpty().optional(),
      KAFKA_SASL_PASSWORD: env.nonEmpty().optional(),
    },
    source,
  );
  const sasl =
    e.KAFKA_SASL_USERNAME !== undefined
      ? {
          mechanism: 'scram-sha-512' as const,
          username: e.KAFKA_SASL_USERNAME,
          password: requiredWith(
            e.KAFKA_SASL_PASSWORD,
            'KAFKA_SASL_PASSWORD',
            'KAFKA_SASL_USERNAME',
          ),
        }
      : undefined;
  return {
    brokers: e.KAFKA_BROKERS,
    clientId: e.KAFKA_CLIENT_ID,
    ssl: e.KAFKA_SSL || e.KAFKA_CA_FILE !== undefined,
    caFile: e.KAFKA_CA_FILE,
    sasl,
  };
}

export function elasticsearchConfigFrom(source: EnvSource): ElasticsearchConfig {
  const e = parseEnv(
    {
      ES_URL: env.url(),
      ES_USERNAME: env.nonEmpty().optional(),
      ES_PASSWORD: env.nonEmpty().optional(),
      ES_CA_FILE: env.readableFile().optional(),
    },
    source,
  );
  if (e.ES_USERNAME !== undefined) requiredWith(e.ES_PASSWORD, 'ES_PASSWORD', 'ES_USERNAME');
  return { url: e.ES_URL, username: e.ES_USERNAME, password: e.ES_PASSWORD, caFile: e.ES_CA_FILE };
}

function requiredWith(value: string | undefined, variable: string, because: string): string {
  if (value !== undefined) return value;
  throw new ConfigError([{ variable, message: `is required when ${because} is set` }]);
}
