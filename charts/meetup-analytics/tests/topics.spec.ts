import { loadAggregatorConfig } from '../../../apps/aggregator/src/config/aggregator.config';
import { loadIngestorConfig } from '../../../apps/ingestor/src/config/ingestor.config';
import { named, ofKind, render, renderError } from './support/helm';
import { envOf, podTemplateOf, type Container } from './support/pods';

const name = (component: string) => `meetup-meetup-analytics-${component}`;
const renamed = {
  rsvps: { name: 'acme.rsvps' },
  dlq: { name: 'acme.rsvps.dead' },
  checkpoints: { name: 'acme.ingestor.positions' },
};

interface TopicSpec {
  topicName: string;
  partitions: number;
  replicas: number;
  config: Record<string, unknown>;
}
const topicsOf = (objects: ReturnType<typeof render>) =>
  Object.fromEntries(
    ofKind(objects, 'KafkaTopic').map((t) => [t.metadata.name, t.spec as unknown as TopicSpec]),
  );

const containerOf = (objects: ReturnType<typeof render>, kind: string, component: string) =>
  podTemplateOf(named(objects, kind, name(component)))!.spec.containers[0]!;

const bootstrapOf = (objects: ReturnType<typeof render>) =>
  podTemplateOf(ofKind(objects, 'Job').find((j) => j.metadata.name.startsWith(name('bootstrap')))!)!
    .spec.containers[0]!;

/**
 * The container's env as the process would see it: Secrets and the Downward API filled in;
 * the CA files, mounted from Secrets, left out (the config checks that they exist).
 */
function processEnv(container: Container): Record<string, string> {
  return Object.fromEntries(
    (container.env ?? [])
      .filter((e) => !e.name.endsWith('_CA_FILE'))
      .map((e) => [e.name, e.value ?? (e.valueFrom?.fieldRef ? '0' : 'secret')]),
  );
}

describe('Kafka topics', () => {
  it('keeps the ingestor checkpoints in a compacted one-partition topic, replicated like the others', () => {
    const production = topicsOf(render({ profile: 'production' }));
    expect(production[name('checkpoints')]).toEqual({
      topicName: 'meetup.ingestor.checkpoints',
      partitions: 1,
      replicas: 3,
      config: { 'cleanup.policy': 'compact', 'segment.ms': 3600000, 'min.insync.replicas': 2 },
    });
    expect(production[name('rsvps')]).toMatchObject({
      replicas: 3,
      config: { 'min.insync.replicas': 2, 'cleanup.policy': 'delete' },
    });
    const defaults = topicsOf(render());
    expect(Object.keys(defaults).sort()).toEqual([name('checkpoints'), name('dlq'), name('rsvps')]);
    expect(defaults[name('checkpoints')]?.config).not.toHaveProperty('retention.ms');
  });

  it('takes every topic name from the values: no default name is left in any object', () => {
    const objects = render({
      values: { topics: renamed, aggregator: { autoscaling: { keda: { enabled: true } } } },
    });
    expect(
      Object.values(topicsOf(objects))
        .map((t) => t.topicName)
        .sort(),
    ).toEqual(['acme.ingestor.positions', 'acme.rsvps', 'acme.rsvps.dead']);
    const everything = JSON.stringify(objects);
    for (const literal of ['meetup.rsvps', 'meetup.ingestor.checkpoints'])
      expect(everything).not.toContain(literal);
    expect(named(objects, 'ScaledObject', name('aggregator')).spec).toMatchObject({
      triggers: [{ metadata: { topic: 'acme.rsvps' } }],
    });
  });

  it('tells the ingestor its three topics and never to create topics itself', () => {
    const env = envOf(
      containerOf(render({ values: { topics: renamed } }), 'StatefulSet', 'ingestor'),
    );
    expect(
      Object.fromEntries(
        ['RSVP_TOPIC', 'DLQ_TOPIC', 'CHECKPOINT_TOPIC', 'KAFKA_TOPICS_CREATE'].map((k) => [
          k,
          env.get(k)?.value,
        ]),
      ),
    ).toEqual({
      RSVP_TOPIC: 'acme.rsvps',
      DLQ_TOPIC: 'acme.rsvps.dead',
      CHECKPOINT_TOPIC: 'acme.ingestor.positions',
      KAFKA_TOPICS_CREATE: 'false',
    });
  });

  it.each([
    [
      'the release simulator',
      {},
      'simulator',
      'ws://meetup-meetup-analytics-simulator:8090/2/rsvps',
    ],
    [
      'an external stream',
      { ingestor: { sourceUrl: 'wss://stream.example/2/rsvps' } },
      'primary',
      'wss://stream.example/2/rsvps',
    ],
  ])(
    'sends what the ingestor reads from %s to RSVP_TOPIC, as its own config reads SOURCES',
    (_source, values, sourceName, url) => {
      const container = containerOf(
        render({ values: { topics: renamed, ...values } }),
        'StatefulSet',
        'ingestor',
      );
      const { ingest } = loadIngestorConfig(processEnv(container));
      expect(ingest.sources).toEqual([{ name: sourceName, url, topic: 'acme.rsvps' }]);
      expect(ingest.topics).toMatchObject({
        dlq: 'acme.rsvps.dead',
        checkpoints: 'acme.ingestor.positions',
        create: false,
      });
    },
  );

  it('refuses a source URL that would name its own topic or a second source', () => {
    for (const sourceUrl of ['wss://stream.example/2/rsvps>other.topic', 'wss://a/x,b=wss://b/y'])
      expect(renderError({ values: { ingestor: { sourceUrl } } })).toContain(
        "at '/ingestor/sourceUrl'",
      );
  });

  it('has the aggregator consume RSVP_TOPIC and dead-letter to DLQ_TOPIC', () => {
    const container = containerOf(
      render({ values: { topics: renamed } }),
      'Deployment',
      'aggregator',
    );
    const { routing } = loadAggregatorConfig(processEnv(container));
    expect(routing).toMatchObject({ rsvpTopic: 'acme.rsvps', dlqTopic: 'acme.rsvps.dead' });
  });

  it('gives the bootstrap all three names, creating the topics only for an external Kafka', () => {
    const strimzi = envOf(bootstrapOf(render({ values: { topics: renamed } })));
    expect(
      ['RSVP_TOPIC', 'DLQ_TOPIC', 'CHECKPOINT_TOPIC', 'KAFKA_TOPICS_CREATE'].map(
        (k) => strimzi.get(k)?.value,
      ),
    ).toEqual(['acme.rsvps', 'acme.rsvps.dead', 'acme.ingestor.positions', 'false']);
    const external = envOf(bootstrapOf(render({ profile: 'external' })));
    expect(external.get('KAFKA_TOPICS_CREATE')?.value).toBe('true');
    expect(external.get('CHECKPOINT_TOPIC')?.value).toBe('meetup.ingestor.checkpoints');
  });
});
