import type { Admin, Kafka } from 'kafkajs';
import { createLogger } from '@meetup/observability';
import {
  CheckpointReading,
  CheckpointStore,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint-store';

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

describe('CheckpointReading', () => {
  const checkpoint = (key: string | null, mtime: number | null, offset: number) => ({
    key: key === null ? null : Buffer.from(key),
    value: mtime === null ? null : Buffer.from(encodeCheckpoint({ mtime })),
    offset: String(offset),
  });

  it('is complete at once when no partition holds records (an empty or fully deleted topic)', () => {
    const reading = new CheckpointReading([
      { partition: 0, low: '0', high: '0' },
      { partition: 1, low: '7', high: '7' },
    ]);
    expect(reading.complete).toBe(true);
    expect(reading.latest.size).toBe(0);
  });

  it('is complete once every partition with records is read up to the end it had when the read began', () => {
    const reading = new CheckpointReading([
      { partition: 0, low: '3', high: '5' },
      { partition: 1, low: '0', high: '1' },
      { partition: 2, low: '4', high: '4' },
    ]);
    reading.read(0, checkpoint('meetup#0', 1_000, 3));
    reading.read(1, checkpoint('meetup#1', 2_000, 0));
    expect(reading.complete).toBe(false);
    reading.read(0, checkpoint('meetup#0', 1_500, 4));
    expect(reading.complete).toBe(true);
  });

  it('answers the latest checkpoint of each key, the one at the highest offset', () => {
    const reading = new CheckpointReading([{ partition: 0, low: '0', high: '3' }]);
    reading.read(0, checkpoint('meetup#0', 1_000, 0));
    reading.read(0, checkpoint('meetup#1', 1_200, 1));
    reading.read(0, checkpoint('meetup#0', 1_500, 2));
    expect(Object.fromEntries(reading.latest)).toEqual({
      'meetup#0': { mtime: 1_500 },
      'meetup#1': { mtime: 1_200 },
    });
  });

  it('skips records without a key or a value, still counting them towards the end', () => {
    const reading = new CheckpointReading([{ partition: 0, low: '0', high: '3' }]);
    reading.read(0, checkpoint('meetup#0', 1_000, 0));
    reading.read(0, checkpoint('meetup#0', null, 1));
    expect(reading.complete).toBe(false);
    reading.read(0, checkpoint(null, 9_000, 2));
    expect(reading.complete).toBe(true);
    expect(Object.fromEntries(reading.latest)).toEqual({ 'meetup#0': { mtime: 1_000 } });
  });

  it('counts a record past that end (written since the read began) as reaching it', () => {
    const reading = new CheckpointReading([{ partition: 0, low: '0', high: '2' }]);
    reading.read(0, checkpoint('meetup#0', 1_000, 5));
    expect(reading.complete).toBe(true);
  });
});

describe('checkpoint values', () => {
  it('decode to what was encoded', () => {
    expect(decodeCheckpoint(Buffer.from(encodeCheckpoint({ mtime: 1_714_737_600_000 })))).toEqual({
      mtime: 1_714_737_600_000,
    });
  });

  it('refuse a value that is not JSON', () => {
    expect(() => decodeCheckpoint(Buffer.from('mtime=1'))).toThrow(SyntaxError);
  });
});
