import {
  buildConfig,
  elasticsearchConfigFrom,
  httpConfigFrom,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

export function loadBatchConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8083),
    telemetry: () => telemetryConfigFrom(source, 'batch'),
    elasticsearch: () => elasticsearchConfigFrom(source),
  });
}

export type BatchConfig = ReturnType<typeof loadBatchConfig>;
