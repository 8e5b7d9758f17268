import {
  buildConfig,
  elasticsearchConfigFrom,
  httpConfigFrom,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

export function loadAlertingConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8084),
    telemetry: () => telemetryConfigFrom(source, 'alerting'),
    elasticsearch: () => elasticsearchConfigFrom(source),
  });
}

export type AlertingConfig = ReturnType<typeof loadAlertingConfig>;
