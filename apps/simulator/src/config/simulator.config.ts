import { buildConfig, httpConfigFrom, telemetryConfigFrom, type EnvSource } from '@meetup/config';

export function loadSimulatorConfig(source: EnvSource) {
  return buildConfig({
    http: () => httpConfigFrom(source, 8080),
    telemetry: () => telemetryConfigFrom(source, 'simulator'),
  });
}

export type SimulatorConfig = ReturnType<typeof loadSimulatorConfig>;
