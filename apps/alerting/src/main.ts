import 'reflect-metadata';
import { createElasticsearchClient, elasticsearchReadinessCheck } from '@meetup/elasticsearch';
import { bootService, runMain } from '@meetup/service-runtime';
import { serveOpenApi } from './api/openapi';
import { AlertingModule } from './app.module';
import { loadAlertingConfig } from './config/alerting.config';

runMain('alerting', async () => {
  const config = loadAlertingConfig(process.env);
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ logger, registry, onShutdown }) => {
      const elasticsearch = createElasticsearchClient({ config: config.elasticsearch });
      onShutdown(() => elasticsearch.close());
      return {
        imports: [
          AlertingModule.forRoot({
            settings: config.alerting,
            apiToken: config.alerting.apiToken,
            elasticsearch,
            logger,
            registry,
          }),
        ],
        readiness: [elasticsearchReadinessCheck(elasticsearch)],
        configure: serveOpenApi,
      };
    },
  });
});
