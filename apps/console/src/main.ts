import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  createElasticsearchClient,
  elasticsearchFailureContext,
  elasticsearchReadinessCheck,
  indicesPrerequisite,
} from '@meetup/elasticsearch';
import { createKafkaClient } from '@meetup/kafka';
import { bootService, PrerequisiteWaiter, runMain } from '@meetup/service-runtime';
import { ConsoleModule } from './app.module';
import { loadConsoleConfig } from './config/console.config';
import { ConsoleMetrics } from './console.metrics';
import { AnalyticsReader, consoleIndices } from './feed/analytics-reader';
import { LiveFeed } from './feed/live-feed';
import { PipelineOffsets } from './feed/pipeline-health';
import { LiveHub } from './live/live-hub';
import { securityHeaders } from './page/page-security';

/** The page and its assets, bundled by `apps/console/build-web.mjs` next to this file. */
const PUBLIC_DIR = resolve(__dirname, 'public');

runMain('console', async () => {
  const config = loadConsoleConfig(process.env);
  if (!existsSync(resolve(PUBLIC_DIR, 'index.html'))) {
    throw new Error(
      `the console's page is not built (${PUBLIC_DIR}/index.html is missing): run make build`,
    );
  }
  await bootService({
    http: config.http,
    telemetry: config.telemetry,
    wire: ({ logger, registry, onShutdown }) => {
      const elasticsearch = createElasticsearchClient({
        config: config.elasticsearch,
        // A live view retries on its next round instead.
        overrides: { requestTimeout: 10_000, maxRetries: 0 },
      });
      onShutdown(() => elasticsearch.close());
      const kafka = createKafkaClient({
        config: config.kafka,
        logger,
        overrides: { retry: { retries: 0 }, connectionTimeout: 3_000, requestTimeout: 10_000 },
      });
      const admin = kafka.admin();
      onShutdown(() => admin.disconnect());
      const metrics = new ConsoleMetrics(registry);
      const indices = consoleIndices(config.feed.indexPrefix);
      const reader = new AnalyticsReader(elasticsearch, indices, metrics.reads);
      const offsets = new PipelineOffsets(
        admin,
        {
          rsvp: config.feed.rsvpTopic,
          dlq: config.feed.dlqTopic,
          group: config.feed.aggregatorGroup,
        },
        metrics.reads,
      );
      const feed = new LiveFeed(config.feed, reader, offsets, metrics, logger);
      const hub = new LiveHub(feed, metrics, config.feed.maxClients);
      const context = elasticsearchFailureContext(config.elasticsearch);
      // Kafka is not a prerequisite: without it the page shows everything but the pipeline's rates.
      const prerequisites = new PrerequisiteWaiter({
        prerequisites: [indicesPrerequisite(elasticsearch, Object.values(indices), context)],
        logger,
      });
      return {
        imports: [ConsoleModule.forRoot({ feed, hub, metrics, prerequisites, logger })],
        readiness: [
          elasticsearchReadinessCheck(elasticsearch, context),
          ...prerequisites.readinessChecks(),
        ],
        configure: (app) => {
          const express = app as NestExpressApplication;
          express.use(securityHeaders);
          express.useStaticAssets(PUBLIC_DIR, { index: 'index.html', maxAge: 0 });
        },
      };
    },
  });
});
