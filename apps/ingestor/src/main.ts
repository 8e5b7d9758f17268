import 'reflect-metadata';
import { createKafkaClient, kafkaIdentity, kafkaReadinessCheck } from '@meetup/kafka';
import { bootService, runMain } from '@meetup/service-runtime';
import { IngestorModule } from './app.module';
import { loadIngestorConfig } from './config/ingestor.config';
import { createIngestorMetrics } from './ingestor.metrics';
import { Ingestor } from './ingestor.runtime';

runMain('ingestor', async () => {
  const config = loadIngestorConfig(process.env);
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ logger, registry, onShutdown }) => {
      const kafka = createKafkaClient({ config: config.kafka, logger });
      const admin = kafka.admin();
      onShutdown(() => admin.disconnect());
      const metrics = createIngestorMetrics(registry);
      const identity = kafkaIdentity(config.kafka);
      const ingestor = new Ingestor({ config, kafka, admin, identity, metrics, logger });
      return {
        imports: [IngestorModule.forRoot({ ingestor })],
        readiness: [kafkaReadinessCheck(admin, identity), ...ingestor.readinessChecks()],
      };
    },
  });
});
