import 'reflect-metadata';
import { bootService, runMain } from '@meetup/service-runtime';
import { SimulatorModule } from './app.module';
import { loadSimulatorConfig } from './config/simulator.config';

runMain('simulator', async () => {
  const config = loadSimulatorConfig(process.env);
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: () => ({ imports: [SimulatorModule.forRoot(config)], readiness: [] }),
  });
});
