import 'reflect-metadata';
import {
  createElasticsearchClient,
  elasticsearchFailureContext,
  elasticsearchReadinessCheck,
  indicesPrerequisite,
} from '@meetup/elasticsearch';
import { bootService, PrerequisiteWaiter, runMain } from '@meetup/service-runtime';
import { AlertingRuntime } from './alerting.runtime';
import { ApiExceptionFilter } from './api/api-exception.filter';
import { serveOpenApi } from './api/openapi';
import { AlertingModule, AlertingStartup } from './app.module';
import { loadAlertingConfig } from './config/alerting.config';
import { RuleFileSync } from './rules/rule-file-sync';

runMain('alerting', async () => {
  const config = loadAlertingConfig(process.env);
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ logger, registry, onShutdown }) => {
      const elasticsearch = createElasticsearchClient({ config: config.elasticsearch });
      onShutdown(() => elasticsearch.close());
      const settings = config.alerting;
      const runtime = new AlertingRuntime({ settings, elasticsearch, logger, registry });
      const context = elasticsearchFailureContext(config.elasticsearch);
      const ruleFiles =
        settings.rulesDir === undefined
          ? undefined
          : new RuleFileSync(settings.rulesDir, {
              rules: runtime.rules,
              guard: runtime.guard,
              logger,
            });
      // Its own indices; the trending alias is only the default input of rules.
      const { rules, history, state, outbox, leases } = runtime.indices;
      const prerequisites = new PrerequisiteWaiter({
        prerequisites: [
          indicesPrerequisite(elasticsearch, [rules, history, state, outbox, leases], context),
          ...(ruleFiles ? [ruleFiles.prerequisite(context)] : []),
        ],
        logger,
      });
      return {
        imports: [
          AlertingModule.forRoot(
            runtime,
            new AlertingStartup(prerequisites, ruleFiles, logger),
            settings.apiToken,
          ),
        ],
        readiness: [
          elasticsearchReadinessCheck(elasticsearch, context),
          ...prerequisites.readinessChecks(),
        ],
        configure: (app) => {
          app.useGlobalFilters(new ApiExceptionFilter(app.getHttpAdapter()));
          serveOpenApi(app);
        },
      };
    },
  });
});
