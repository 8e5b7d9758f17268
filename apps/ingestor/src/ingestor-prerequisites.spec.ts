import { Kafka, KafkaJSProtocolError, logLevel } from 'kafkajs';
import { loadIngestorConfig } from './config/ingestor.config';
import { ingestorPrerequisites } from './ingestor-prerequisites';
import type { Checkpoint } from './pipeline/checkpoint-store';

const identity = { brokers: ['kafka-0:9093'], principal: 'meetup-ingestor' };
// A client that is never connected: only the prerequisites' descriptions are under test here;
// checking and creating topics against a broker is the integration tests' job.
const admin = new Kafka({ brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING }).admin();

function denied(type: string, code: number): Error {
  return new KafkaJSProtocolError(
    Object.assign(new Error(`Not authorized (${type})`), { type, code, retriable: false }),
  );
}

function ingestConfig(create: boolean) {
  return loadIngestorConfig({
    KAFKA_BROKERS: 'kafka-0:9093',
    SOURCES: 'meetup=wss://stream.example/2/rsvps,replay=ws://replay/2/rsvps>replay.rsvps',
    KAFKA_TOPICS_CREATE: String(create),
  }).ingest;
}

function prerequisites(
  create: boolean,
  load: () => Promise<Map<string, Checkpoint>> = () =>
    Promise.resolve(new Map<string, Checkpoint>()),
) {
  const loaded: Map<string, Checkpoint>[] = [];
  const list = ingestorPrerequisites({
    ingest: ingestConfig(create),
    admin,
    identity,
    checkpoints: { load },
    loaded: (stored) => loaded.push(stored),
  });
  const [topics, checkpoints] = list;
  if (!topics || !checkpoints) throw new Error('expected two prerequisites');
  return { list, topics, checkpoints, loaded };
}

describe('ingestorPrerequisites', () => {
  it('waits for its topics first, then for its resume positions', () => {
    expect(prerequisites(true).list.map((p) => p.name)).toEqual(['topics', 'checkpoints']);
  });

  it('in a cluster, checks every topic it writes: each source’s, the DLQ and the checkpoints', () => {
    const failure = prerequisites(false).topics.describeFailure(
      denied('TOPIC_AUTHORIZATION_FAILED', 29),
    );
    expect(failure.fields.topics).toEqual([
      'meetup.rsvps',
      'replay.rsvps',
      'meetup.rsvps.dlq',
      'meetup.ingestor.checkpoints',
    ]);
  });

  it('in a local run, checks only the checkpoint topic, which it creates', () => {
    const failure = prerequisites(true).topics.describeFailure(
      denied('TOPIC_AUTHORIZATION_FAILED', 29),
    );
    expect(failure.fields.topics).toEqual(['meetup.ingestor.checkpoints']);
  });

  it('hands over the stored resume positions once read, and then misses nothing', async () => {
    const stored = new Map([['meetup#0', { mtime: 1_000 }]]);
    const { checkpoints, loaded } = prerequisites(true, () => Promise.resolve(stored));
    await expect(checkpoints.missing()).resolves.toEqual([]);
    expect(loaded).toEqual([stored]);
  });

  it('hands over nothing when the read fails, so the waiter tries again', async () => {
    const refusal = denied('GROUP_AUTHORIZATION_FAILED', 30);
    const { checkpoints, loaded } = prerequisites(true, () => Promise.reject(refusal));
    await expect(checkpoints.missing()).rejects.toBe(refusal);
    expect(loaded).toEqual([]);
  });

  it('describes a denied checkpoint read, naming the reader groups the ACL must cover', () => {
    const failure = prerequisites(true).checkpoints.describeFailure(
      denied('GROUP_AUTHORIZATION_FAILED', 30),
    );
    expect(failure).toMatchObject({
      kind: 'authorization',
      fields: {
        operation: 'read checkpoints',
        group: 'ingestor-checkpoint-reader-*',
        principal: 'User:meetup-ingestor',
      },
    });
    expect(failure.reason).toContain('consumer group ingestor-checkpoint-reader-*');
  });
});
