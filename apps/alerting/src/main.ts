import 'reflect-metadata';
import { createElasticsearchClient, elasticsearchReadinessCheck } from '@meetup/elasticsearch';
import { bootService, runMain } from '@meetup/service-runtime';
import { AlertingModule } from './app.module';
import { loadAlertingConfig } from './config/alerting.config';

runMain('alerting', async () => {
  const config = loadAlertingConfig(process.env);
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ onShutdown }) => {
      const elasticsearch = createElasticsearchClient({ config: config.elasticsearch });
      onShutdown(() => elasticsearch.close());
      return {
        imports: [AlertingModule.forRoot({ config, elasticsearch })],
        readiness: [elasticsearchReadinessCheck(elasticsearch)],
      };
    },
  });
});
