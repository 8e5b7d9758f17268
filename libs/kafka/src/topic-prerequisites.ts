import type { Admin } from 'kafkajs';
import type { Prerequisite } from '@meetup/observability';
import {
  causesOf,
  describeKafkaFailure,
  KafkaOperationError,
  type KafkaIdentity,
} from './kafka-failure';
import { ensureTopics, type TopicSpec } from './topic-admin';

/**
 * The topics of `names` that do not exist. A principal lists only the topics
 * it may describe, so a topic it does not see is asked for by name: Kafka
 * answers "unknown topic" (missing) or "not authorized" (thrown, naming the topic).
 */
export async function missingTopics(admin: Admin, names: readonly string[]): Promise<string[]> {
  const listed = new Set(await admin.listTopics());
  const missing: string[] = [];
  for (const name of new Set(names)) {
    if (listed.has(name)) continue;
    try {
      await admin.fetchTopicMetadata({ topics: [name] });
    } catch (error) {
      // A topic just created has no leader for a moment: not usable yet either.
      const types = causesOf(error).map((e) => e.type);
      if (types.includes('UNKNOWN_TOPIC_OR_PARTITION') || types.includes('LEADER_NOT_AVAILABLE')) {
        missing.push(name);
        continue;
      }
      throw new KafkaOperationError('check topics', [name], { cause: error });
    }
  }
  return missing;
}

export interface TopicsPrerequisiteOptions {
  /** An admin client of the service (connected here when needed). */
  admin: Admin;
  identity: KafkaIdentity;
  /** Topics the service needs. */
  topics: readonly string[];
  /**
   * Topics it creates first when missing (local runs); none in a cluster,
   * where the operator owns them and the service may not create topics.
   */
  create?: readonly TopicSpec[];
}

/** The service's topics exist: created by it (local runs) or by the operator and the bootstrap. */
export function topicsPrerequisite(options: TopicsPrerequisiteOptions): Prerequisite {
  const { admin, identity, topics, create = [] } = options;
  return {
    name: 'topics',
    missing: async () => {
      await admin.connect();
      if (create.length > 0) {
        await ensureTopics(admin, create).catch((error: unknown) => {
          throw new KafkaOperationError(
            'create topics',
            create.map((spec) => spec.name),
            { cause: error },
          );
        });
      }
      return missingTopics(admin, topics);
    },
    describeFailure: (error) =>
      describeKafkaFailure(error, { operation: 'check topics', ...identity, topics }),
  };
}

/** Kafka answers (for one-shot commands that start beside the cluster, like the bootstrap). */
export function kafkaReachablePrerequisite(admin: Admin, identity: KafkaIdentity): Prerequisite {
  const describe = (error: unknown) =>
    describeKafkaFailure(error, { operation: 'connect', ...identity });
  return {
    name: 'kafka',
    missing: async () => {
      try {
        await admin.connect();
        await admin.describeCluster();
        return [];
      } catch (error) {
        if (describe(error).kind === 'unavailable') return [...identity.brokers];
        throw error;
      }
    },
    describeFailure: describe,
  };
}
