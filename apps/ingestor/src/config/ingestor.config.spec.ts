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
});
