import { logLevel } from 'kafkajs';
import {
  createElasticsearchClient,
  elasticsearchFailureContext,
  elasticsearchReachablePrerequisite,
} from '@meetup/elasticsearch';
import { createKafkaClient, kafkaIdentity, kafkaReachablePrerequisite } from '@meetup/kafka';
import { createLogger } from '@meetup/observability';
import { PrerequisiteWaiter, runMain } from '@meetup/service-runtime';
import { applyIndices, createTopics } from './bootstrap-steps';
import { loadBootstrapConfig } from './config/bootstrap.config';

/**
 * One-shot: index templates, versioned indices and aliases (and, when asked,
 * the Kafka topics). Idempotent; runs locally and as the chart's Job, beside
 * the Elasticsearch and Kafka it configures: it first waits for them to
 * answer, up to BOOTSTRAP_WAIT_MS.
 */
runMain('bootstrap', async () => {
  const config = loadBootstrapConfig(process.env);
  const logger = createLogger({
    serviceName: config.telemetry.serviceName,
    level: config.telemetry.logLevel,
  });
  const es = createElasticsearchClient({ config: config.elasticsearch });
  const esContext = elasticsearchFailureContext(config.elasticsearch);
  const kafka = config.kafka && {
    identity: kafkaIdentity(config.kafka),
    // Waiting for the brokers, kafkajs would log each refused connection; the waiter says it once.
    admin: createKafkaClient({
      config: config.kafka,
      logger,
      overrides: { logLevel: logLevel.NOTHING },
    }).admin(),
  };
  try {
    const engines = new PrerequisiteWaiter({
      prerequisites: [
        elasticsearchReachablePrerequisite(es, esContext),
        ...(kafka ? [kafkaReachablePrerequisite(kafka.admin, kafka.identity)] : []),
      ],
      logger,
    });
    await engines.waitUntilMet({ timeoutMs: config.wait.timeoutMs });
    await applyIndices(es, config.layout, esContext, logger);
    if (kafka) await createTopics(kafka.admin, config.layout, kafka.identity, logger);
  } finally {
    await es.close();
    await kafka?.admin.disconnect();
  }
  logger.info('bootstrap complete');
});
