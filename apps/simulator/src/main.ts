import 'reflect-metadata';
import { bootService, runMain } from '@meetup/service-runtime';
import { SimulatorModule } from './app.module';
import { withCliArgs } from './config/cli-args';
import { loadSimulatorConfig } from './config/simulator.config';
import { createSimulatorMetrics } from './simulator.metrics';
import { Simulator } from './simulator.runtime';

runMain('simulator', async () => {
  const config = loadSimulatorConfig(withCliArgs(process.env, process.argv.slice(2)));
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ logger, registry }) => {
      const simulator = new Simulator(config, createSimulatorMetrics(registry), logger);
      return { imports: [SimulatorModule.forRoot({ simulator })], readiness: [] };
    },
  });
});
