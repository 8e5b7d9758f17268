import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import { TopicLayouts } from '@meetup/contracts';
import {
  analyticsIndexSpecs,
  describeElasticsearchFailure,
  IndexBootstrapper,
  type ElasticsearchFailureContext,
} from '@meetup/elasticsearch';
import {
  describeKafkaFailure,
  ensureTopics,
  type KafkaIdentity,
  type TopicSpec,
} from '@meetup/kafka';
import { DependencyFailureError, type Logger } from '@meetup/observability';
import type { BootstrapConfig } from './config/bootstrap.config';

type Layout = BootstrapConfig['layout'];

/** Every topic of the system: the RSVPs, their DLQ and the ingestor's checkpoints. */
export function topicSpecs(layout: Layout): TopicSpec[] {
  const replicationFactor = layout.replicationFactor;
  return [
    { name: layout.topics.rsvps, partitions: layout.rsvpPartitions, replicationFactor },
    { name: layout.topics.dlq, ...TopicLayouts.rsvpsDlq, replicationFactor },
    { name: layout.topics.checkpoints, ...TopicLayouts.ingestorCheckpoints, replicationFactor },
  ];
}

/** Index templates, versioned indices and aliases; a refusal fails with what to fix. */
export async function applyIndices(
  es: Client,
  layout: Layout,
  context: ElasticsearchFailureContext,
  logger: Logger,
): Promise<void> {
  const bootstrapper = new IndexBootstrapper(es, {
    prefix: layout.indexPrefix,
    shards: layout.shards,
    replicas: layout.replicas,
  });
  try {
    for (const result of await bootstrapper.apply(analyticsIndexSpecs)) {
      logger.info(result, 'index ready');
    }
  } catch (error) {
    throw indicesRefused(error, context);
  }
}

/** Why the index set-up failed, in words that say what to fix; the cause kept. */
export function indicesRefused(
  error: unknown,
  context: ElasticsearchFailureContext,
): DependencyFailureError {
  const failure = describeElasticsearchFailure(error, { ...context, operation: 'create indices' });
  return new DependencyFailureError(failure, { cause: error });
}

/** The topics that do not exist yet; a refusal fails with what to fix. */
export async function createTopics(
  admin: Admin,
  layout: Layout,
  identity: KafkaIdentity,
  logger: Logger,
): Promise<void> {
  const specs = topicSpecs(layout);
  try {
    const created = await ensureTopics(admin, specs);
    logger.info({ created, replicationFactor: layout.replicationFactor }, 'topics ready');
  } catch (error) {
    throw topicsRefused(error, specs, identity);
  }
}

/** Why creating `specs` failed, in words that say what to fix; the cause kept. */
export function topicsRefused(
  error: unknown,
  specs: readonly TopicSpec[],
  identity: KafkaIdentity,
): DependencyFailureError {
  const failure = describeKafkaFailure(error, {
    operation: 'create topics',
    ...identity,
    topics: specs.map((spec) => spec.name),
  });
  return new DependencyFailureError(failure, { cause: error });
}
