import { parseBatchArgs } from '@meetup/batch-stats';
import { IndexAliases } from '@meetup/contracts';
import {
  createElasticsearchClient,
  elasticsearchFailureContext,
  indicesPrerequisite,
} from '@meetup/elasticsearch';
import { createLogger, createMetricsRegistry, startTracing } from '@meetup/observability';
import { PrerequisiteWaiter, runMain } from '@meetup/service-runtime';
import { loadBatchConfig } from './config/batch.config';
import { BatchJob } from './batch.runtime';
import { elasticsearchBatchStorage } from './job/elasticsearch-storage';

/**
 * A CronJob: runs one batch (`--mode incremental|full|range`) and exits with
 * its status (0 success, 1 failure or bad configuration, 3 another run holds the lock).
 */
runMain('batch', async () => {
  const config = loadBatchConfig(process.env);
  const plan = parseBatchArgs(process.argv.slice(2));
  const logger = createLogger({
    serviceName: config.telemetry.serviceName,
    level: config.telemetry.logLevel,
  });
  const tracing = startTracing(config.telemetry);
  const elasticsearch = createElasticsearchClient({ config: config.elasticsearch });
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    logger.warn({ signal }, 'batch stopping');
    stop.abort(new Error(`stopped by ${signal}`));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    // The bootstrap creates them; a run that starts first waits, up to BATCH_WAIT_FOR_INDICES_MS.
    const names = [
      IndexAliases.rsvps,
      IndexAliases.groups,
      IndexAliases.events,
      IndexAliases.batchState,
    ];
    const indices = new PrerequisiteWaiter({
      prerequisites: [
        indicesPrerequisite(
          elasticsearch,
          names.map((name) => config.job.indexPrefix + name),
          elasticsearchFailureContext(config.elasticsearch),
        ),
      ],
      logger,
    });
    const met = await indices.waitUntilMet({
      signal: stop.signal,
      timeoutMs: config.job.waitForIndicesMs,
    });
    if (!met) {
      process.exitCode = 1;
      return;
    }
    const job = new BatchJob({
      config,
      storage: elasticsearchBatchStorage(elasticsearch),
      logger,
      registry: createMetricsRegistry(config.telemetry.serviceName),
      interactive: process.stdout.isTTY,
    });
    process.exitCode = await job.run(plan, stop.signal);
  } finally {
    await elasticsearch.close();
    await tracing.shutdown();
  }
});
