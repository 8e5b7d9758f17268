import {
  buildConfig,
  elasticsearchConfigFrom,
  httpConfigFrom,
  kafkaConfigFrom,
  telemetryConfigFrom,
  type EnvSource,
} from '@meetup/config';

export function loadAggregatorConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8082),
    telemetry: () => telemetryConfigFrom(source, 'aggregator'),
    kafka: () => kafkaConfigFrom(source, 'aggregator'),
    elasticsearch: () => elasticsearchConfigFrom(source),
  });
}

export type AggregatorConfig = ReturnType<typeof loadAggregatorConfig>;
