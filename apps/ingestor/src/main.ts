import 'reflect-metadata';
import { createKafkaClient, kafkaReadinessCheck } from '@meetup/kafka';
import { bootService, runMain } from '@meetup/service-runtime';
import { IngestorModule } from './app.module';
import { loadIngestorConfig } from './config/ingestor.config';

runMain('ingestor', async () => {
  const config = loadIngestorConfig(process.env);
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ logger, onShutdown }) => {
      const kafka = createKafkaClient({ config: config.kafka, logger });
      const admin = kafka.admin();
      onShutdown(() => admin.disconnect());
      return {
        imports: [IngestorModule.forRoot({ config, kafka })],
        readiness: [kafkaReadinessCheck(admin)],
      };
    },
  });
});
