import 'reflect-metadata';
import { createElasticsearchClient, elasticsearchReadinessCheck } from '@meetup/elasticsearch';
import { bootService, runMain } from '@meetup/service-runtime';
import { BatchModule } from './app.module';
import { loadBatchConfig } from './config/batch.config';

runMain('batch', async () => {
  const config = loadBatchConfig(process.env);
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ onShutdown }) => {
      const elasticsearch = createElasticsearchClient({ config: config.elasticsearch });
      onShutdown(() => elasticsearch.close());
      return {
        imports: [BatchModule.forRoot({ config, elasticsearch })],
        readiness: [elasticsearchReadinessCheck(elasticsearch)],
      };
    },
  });
});
