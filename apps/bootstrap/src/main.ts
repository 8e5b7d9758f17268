import { Topics } from '@meetup/contracts';
import {
  analyticsIndexSpecs,
  createElasticsearchClient,
  IndexBootstrapper,
} from '@meetup/elasticsearch';
import { createKafkaClient, ensureTopics } from '@meetup/kafka';
import { createLogger } from '@meetup/observability';
import { runMain } from '@meetup/service-runtime';
import { loadBootstrapConfig } from './config/bootstrap.config';

/**
 * One-shot: index templates, versioned indices and aliases (and, when asked,
 * the Kafka topics). Idempotent; runs locally and as the chart's hook Job.
 */
runMain('bootstrap', async () => {
  const config = loadBootstrapConfig(process.env);
  const logger = createLogger({
    serviceName: config.telemetry.serviceName,
    level: config.telemetry.logLevel,
  });
  const es = createElasticsearchClient({ config: config.elasticsearch });
  try {
    const bootstrapper = new IndexBootstrapper(es, {
      prefix: config.layout.indexPrefix,
      shards: config.layout.shards,
      replicas: config.layout.replicas,
    });
    for (const result of await bootstrapper.apply(analyticsIndexSpecs)) {
      logger.info(result, 'index ready');
    }
  } finally {
    await es.close();
  }
  if (config.kafka) {
    const admin = createKafkaClient({ config: config.kafka, logger }).admin();
    await admin.connect();
    try {
      const created = await ensureTopics(admin, [
        {
          name: Topics.rsvps,
          partitions: config.layout.rsvpPartitions,
          replicationFactor: config.layout.replicationFactor,
        },
        {
          name: Topics.rsvpsDlq,
          partitions: 1,
          replicationFactor: config.layout.replicationFactor,
          configs: { 'retention.ms': String(30 * 24 * 3600 * 1000) },
        },
      ]);
      logger.info({ created }, 'topics ready');
    } finally {
      await admin.disconnect();
    }
  }
  logger.info('bootstrap complete');
});
