import 'reflect-metadata';
import {
  createElasticsearchClient,
  elasticsearchFailureContext,
  elasticsearchReadinessCheck,
} from '@meetup/elasticsearch';
import { createKafkaClient, kafkaIdentity, kafkaReadinessCheck } from '@meetup/kafka';
import { bootService, runMain } from '@meetup/service-runtime';
import { AggregatorRuntime } from './aggregator.runtime';
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
      const runtime = new AggregatorRuntime({ config, kafka, elasticsearch, logger, registry });
      return {
        imports: [AggregatorModule.forRoot(runtime)],
        readiness: [
          kafkaReadinessCheck(admin, kafkaIdentity(config.kafka)),
          elasticsearchReadinessCheck(
            elasticsearch,
            elasticsearchFailureContext(config.elasticsearch),
          ),
          ...runtime.readinessChecks(),
        ],
      };
    },
  });
});
