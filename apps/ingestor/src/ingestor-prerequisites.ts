import type { Admin } from 'kafkajs';
import { ConsumerGroups, TopicLayouts } from '@meetup/contracts';
import { describeKafkaFailure, topicsPrerequisite, type KafkaIdentity } from '@meetup/kafka';
import type { Prerequisite } from '@meetup/observability';
import type { IngestorConfig } from './config/ingestor.config';
import type { Checkpoint, CheckpointStore } from './pipeline/checkpoint-store';

export interface IngestorPrerequisitesOptions {
  ingest: IngestorConfig['ingest'];
  admin: Admin;
  identity: KafkaIdentity;
  /** Reads the stored resume positions (`CheckpointStore`). */
  checkpoints: Pick<CheckpointStore, 'load'>;
  /** Receives the stored resume positions once they are read. */
  loaded(stored: Map<string, Checkpoint>): void;
}

/** Every topic the ingestor writes: its sources' topics, the DLQ and its checkpoints. */
export function ingestorTopics(ingest: IngestorConfig['ingest']): string[] {
  const { dlq, checkpoints } = ingest.topics;
  return [...new Set([...ingest.sources.map((source) => source.topic), dlq, checkpoints])];
}

/**
 * What the ingestor needs before it reads its sources: its topics (created
 * by it only with KAFKA_TOPICS_CREATE, the checkpoint topic; in a cluster by
 * the operator), then its resume positions, read from the checkpoint topic.
 */
export function ingestorPrerequisites(options: IngestorPrerequisitesOptions): Prerequisite[] {
  const { ingest, admin, identity, checkpoints } = options;
  const { topics } = ingest;
  const checkpointTopic = {
    name: topics.checkpoints,
    ...TopicLayouts.ingestorCheckpoints,
    replicationFactor: topics.replicationFactor,
  };
  return [
    topics.create
      ? topicsPrerequisite({
          admin,
          identity,
          topics: [topics.checkpoints],
          create: [checkpointTopic],
        })
      : topicsPrerequisite({ admin, identity, topics: ingestorTopics(ingest) }),
    {
      name: 'checkpoints',
      missing: async () => {
        options.loaded(await checkpoints.load());
        return [];
      },
      describeFailure: (error) =>
        describeKafkaFailure(error, {
          operation: 'read checkpoints',
          ...identity,
          topics: [topics.checkpoints],
          group: `${ConsumerGroups.ingestorCheckpointReaderPrefix}*`,
        }),
    },
  ];
}
