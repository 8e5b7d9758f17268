import { ConfigResourceTypes } from 'kafkajs';
import { analyticsIndexSpecs } from '@meetup/elasticsearch';
import {
  freePort,
  runToCompletion,
  testElasticsearch,
  testEngines,
  testKafka,
  uniqueName,
} from '@meetup/test-support';

/** The JSON log lines of a run with the given message. */
function linesWith(output: string, message: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.includes(`"msg":"${message}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the bootstrap command', () => {
  const es = testElasticsearch();
  const admin = testKafka('bootstrap-cli').admin();
  beforeAll(() => admin.connect());
  afterAll(async () => {
    await es.close();
    await admin.disconnect();
  });

  it('creates every alias and partition template, and can run again without changing anything', async () => {
    const prefix = `${uniqueName('bootstrap-cli')}-`;
    const env = { ES_URL: testEngines().elasticsearchUrl, INDEX_PREFIX: prefix };

    const first = await runToCompletion('bootstrap', env);
    expect(first.code).toBe(0);
    const second = await runToCompletion('bootstrap', env);
    expect(second.code).toBe(0);

    const versioned = analyticsIndexSpecs.filter((spec) => !spec.timePartitions);
    const partitioned = analyticsIndexSpecs.filter((spec) => spec.timePartitions);
    expect(partitioned.length).toBeGreaterThan(0);
    for (const spec of versioned) {
      expect(await es.indices.existsAlias({ name: prefix + spec.alias })).toBe(true);
    }
    // A time-partitioned family has no alias: its template makes each partition on first write.
    for (const spec of partitioned) {
      expect(await es.indices.existsIndexTemplate({ name: prefix + spec.alias })).toBe(true);
    }
    const created = (output: string) =>
      output
        .split('\n')
        .filter((line) => line.includes('"index ready"'))
        .map((line) => (JSON.parse(line) as { created?: boolean }).created)
        .filter((value) => value !== undefined);
    expect(created(first.output)).toEqual(versioned.map(() => true));
    expect(created(second.output)).toEqual(versioned.map(() => false));
  });

  it('names the variable when the index prefix is not a valid index name', async () => {
    const { code, output } = await runToCompletion('bootstrap', {
      ES_URL: testEngines().elasticsearchUrl,
      INDEX_PREFIX: 'Upper Case',
    });
    expect(code).toBe(1);
    expect(output).toContain('INDEX_PREFIX');
  });

  it('creates the RSVP, DLQ and compacted checkpoint topics with the replication factor it is given', async () => {
    const names = {
      RSVP_TOPIC: uniqueName('boot-rsvps'),
      DLQ_TOPIC: uniqueName('boot-dlq'),
      CHECKPOINT_TOPIC: uniqueName('boot-checkpoints'),
    };
    const env = {
      ES_URL: testEngines().elasticsearchUrl,
      INDEX_PREFIX: `${uniqueName('bootstrap-topics')}-`,
      KAFKA_BROKERS: testEngines().kafkaBrokers.join(','),
      KAFKA_TOPICS_CREATE: 'true',
      RSVP_TOPIC_PARTITIONS: '2',
      ...names,
    };

    // One broker cannot hold two replicas: the factor reaches Kafka, which refuses it.
    const refused = await runToCompletion('bootstrap', { ...env, TOPIC_REPLICATION_FACTOR: '2' });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('TOPIC_REPLICATION_FACTOR');

    const created = await runToCompletion('bootstrap', { ...env, TOPIC_REPLICATION_FACTOR: '1' });
    expect(created.code).toBe(0);
    expect(linesWith(created.output, 'topics ready')[0]).toMatchObject({
      created: Object.values(names),
      replicationFactor: 1,
    });
    const { topics } = await admin.fetchTopicMetadata({ topics: Object.values(names) });
    const layout = new Map(topics.map((t) => [t.name, t.partitions]));
    expect(layout.get(names.RSVP_TOPIC)).toHaveLength(2);
    expect(layout.get(names.CHECKPOINT_TOPIC)).toHaveLength(1);
    expect(layout.get(names.CHECKPOINT_TOPIC)?.[0]?.replicas).toHaveLength(1);
    const configs = await admin.describeConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: names.CHECKPOINT_TOPIC,
          configNames: ['cleanup.policy'],
        },
      ],
      includeSynonyms: false,
    });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact');
  });

  it('waits for an Elasticsearch that does not answer, saying so, up to BOOTSTRAP_WAIT_MS', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, output } = await runToCompletion('bootstrap', {
      ES_URL: url,
      BOOTSTRAP_WAIT_MS: '1500',
    });
    expect(code).toBe(1);
    expect(linesWith(output, 'waiting for elasticsearch')[0]).toMatchObject({
      waitingFor: [url],
    });
    const fatal = output.trim().split('\n').pop() ?? '';
    expect(JSON.parse(fatal)).toMatchObject({
      level: 'fatal',
      msg: `gave up waiting for elasticsearch after 1500 ms: still missing ${url}`,
    });
  });
});
