import 'reflect-metadata';
import { createElasticsearchClient, elasticsearchReadinessCheck } from '@meetup/elasticsearch';
import { createKafkaClient, kafkaReadinessCheck } from '@meetup/kafka';
import { bootService, runMain } from '@meetup/service-runtime';
import { AggregatorModule } from './app.module';
import { loadAggregatorConfig } from './config/aggregator.config';

runMain('aggregator', async () => {
  const config = loadAggregatorConfig(process.env);
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ logger, registry, onShutdown }) => {
      const kafka = createKafkaClient({ config: config.kafka, logger });
      const admin = kafka.admin();
      const elasticsearch = createElasticsearchClient({ config: config.elasticsearch });
      onShutdown(() => elasticsearch.close());
      onShutdown(() => admin.disconnect());
      return {
        imports: [AggregatorModule.forRoot({ config, kafka, elasticsearch, logger, registry })],
        readiness: [kafkaReadinessCheck(admin), elasticsearchReadinessCheck(elasticsearch)],
      };
    },
  });
});
