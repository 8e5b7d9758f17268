import type { Admin, Kafka } from 'kafkajs';
import { createLogger } from '@meetup/observability';
import { CheckpointStore } from './checkpoint-store';

describe('CheckpointStore', () => {
  // Only the record shape is under test here; reading the topic back is the integration tests' job.
  const store = new CheckpointStore(
    {} as Kafka,
    {} as Admin,
    'meetup.ingestor.checkpoints',
    createLogger({ serviceName: 'ingestor', level: 'silent' }),
  );

  it('keys a resume position by source and replica, so replicas of one source never overwrite each other', () => {
    expect(CheckpointStore.keyOf('meetup', 0)).toBe('meetup#0');
    expect(CheckpointStore.keyOf('meetup', 1)).not.toBe(CheckpointStore.keyOf('meetup', 0));
  });

  it('writes a checkpoint as one keyed record of its topic whose value reads back as the checkpoint', () => {
    const { topic, messages } = store.message('meetup#2', { mtime: 1_714_737_600_000 });
    expect(topic).toBe('meetup.ingestor.checkpoints');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.key).toBe('meetup#2');
    expect(JSON.parse(String(messages[0]?.value))).toEqual({ mtime: 1_714_737_600_000 });
  });
});
