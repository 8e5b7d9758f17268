import {
  buildConfig,
  httpConfigFrom,
  kafkaConfigFrom,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

export function loadIngestorConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8081),
    telemetry: () => telemetryConfigFrom(source, 'ingestor'),
    kafka: () => kafkaConfigFrom(source, 'ingestor'),
  });
}

export type IngestorConfig = ReturnType<typeof loadIngestorConfig>;
