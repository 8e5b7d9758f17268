import { ConfigError } from '@meetup/config';
import { ingestorTopics } from '../ingestor-prerequisites';
import { loadIngestorConfig } from './ingestor.config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', SOURCES: 'meetup=wss://stream.example/2/rsvps' };

describe('loadIngestorConfig', () => {
  it('creates its checkpoint topic with replication factor 1 by default (local runs)', () => {
    const { topics } = loadIngestorConfig(base).ingest;
    expect(topics).toEqual({
      dlq: 'meetup.rsvps.dlq',
      checkpoints: 'meetup.ingestor.checkpoints',
      create: true,
      replicationFactor: 1,
    });
  });

  it('only waits for its topics with KAFKA_TOPICS_CREATE=false (the chart)', () => {
    const config = loadIngestorConfig({
      ...base,
      KAFKA_TOPICS_CREATE: 'false',
      TOPIC_REPLICATION_FACTOR: '3',
    });
    expect(config.ingest.topics).toMatchObject({ create: false, replicationFactor: 3 });
  });

  it('needs every topic its sources write, the DLQ and its checkpoints', () => {
    const config = loadIngestorConfig({
      ...base,
      SOURCES: 'a=ws://a/2/rsvps,b=ws://b/2/rsvps>other.rsvps,c=ws://c/2/rsvps',
      DLQ_TOPIC: 'dlq',
      CHECKPOINT_TOPIC: 'checkpoints',
    });
    expect(ingestorTopics(config.ingest)).toEqual([
      'meetup.rsvps',
      'other.rsvps',
      'dlq',
      'checkpoints',
    ]);
  });

  it('names a bad replication factor or flag', () => {
    const load = () =>
      loadIngestorConfig({ ...base, KAFKA_TOPICS_CREATE: 'maybe', TOPIC_REPLICATION_FACTOR: '0' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/KAFKA_TOPICS_CREATE: must be true or false; TOPIC_REPLICATION_FACTOR/);
  });

  it('gives each source its own topic when named, the RSVP topic otherwise', () => {
    const { sources } = loadIngestorConfig({
      ...base,
      SOURCES: ' a=ws://a/2/rsvps , b=https://b/2/rsvps>other.rsvps ',
      RSVP_TOPIC: 'rsvps',
    }).ingest;
    expect(sources).toEqual([
      { name: 'a', url: 'ws://a/2/rsvps', topic: 'rsvps' },
      { name: 'b', url: 'https://b/2/rsvps', topic: 'other.rsvps' },
    ]);
  });

  it('names a source that is not name=url with a stream scheme, and an empty list', () => {
    expect(() => loadIngestorConfig({ ...base, SOURCES: 'a=ftp://a/2/rsvps' })).toThrow(
      /SOURCES: "a=ftp:\/\/a\/2\/rsvps" must be name=ws\(s\)\|http\(s\):\/\/…\[>topic\]/,
    );
    expect(() => loadIngestorConfig({ ...base, SOURCES: ' , ' })).toThrow(
      /SOURCES: must list at least one source/,
    );
  });

  it('reads the replica index from a StatefulSet pod name', () => {
    const shard = (REPLICA_INDEX: string) =>
      loadIngestorConfig({ ...base, REPLICA_INDEX, REPLICA_COUNT: '3' }).ingest.shard;
    expect(shard('ingestor-2')).toEqual({ index: 2, count: 3, redundancy: 1 });
    expect(shard('1')).toEqual({ index: 1, count: 3, redundancy: 1 });
    expect(() => shard('ingestor')).toThrow(/REPLICA_INDEX: must be a number or a pod name/);
  });

  it('refuses a replica index past the replica count, and more redundancy than replicas', () => {
    expect(() =>
      loadIngestorConfig({
        ...base,
        REPLICA_INDEX: '3',
        REPLICA_COUNT: '3',
        REPLICA_REDUNDANCY: '4',
      }),
    ).toThrow(
      /REPLICA_INDEX: must be less than REPLICA_COUNT; REPLICA_REDUNDANCY: must be at most REPLICA_COUNT/,
    );
  });
});
