import { topicSpecs } from '../bootstrap-steps';
import { loadBootstrapConfig } from './bootstrap.config';

const base = { ES_URL: 'http://127.0.0.1:9200' };

describe('loadBootstrapConfig', () => {
  it('waits up to 15 minutes for the engines and creates no topics by default', () => {
    const config = loadBootstrapConfig(base);
    expect(config.wait.timeoutMs).toBe(15 * 60_000);
    expect(config.kafka).toBeUndefined();
  });

  it('creates the RSVP topic, its DLQ and the compacted checkpoint topic, with the names given', () => {
    const config = loadBootstrapConfig({
      ...base,
      KAFKA_TOPICS_CREATE: 'true',
      KAFKA_BROKERS: 'kafka:9092',
      RSVP_TOPIC: 'r',
      DLQ_TOPIC: 'd',
      CHECKPOINT_TOPIC: 'c',
      RSVP_TOPIC_PARTITIONS: '12',
      TOPIC_REPLICATION_FACTOR: '3',
      BOOTSTRAP_WAIT_MS: '1000',
    });
    expect(config.wait.timeoutMs).toBe(1000);
    expect(topicSpecs(config.layout)).toEqual([
      { name: 'r', partitions: 12, replicationFactor: 3 },
      { name: 'd', partitions: 1, replicationFactor: 3, configs: { 'retention.ms': '2592000000' } },
      {
        name: 'c',
        partitions: 1,
        replicationFactor: 3,
        configs: { 'cleanup.policy': 'compact', 'segment.ms': '3600000' },
      },
    ]);
  });

  it('takes the topic names from the contracts by default', () => {
    const names = topicSpecs(loadBootstrapConfig(base).layout).map((spec) => spec.name);
    expect(names).toEqual(['meetup.rsvps', 'meetup.rsvps.dlq', 'meetup.ingestor.checkpoints']);
  });
});
