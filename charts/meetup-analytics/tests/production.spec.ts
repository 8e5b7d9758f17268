import { named, ofKind, render, renderError, type K8sObject } from './support/helm';
import { envOf, podTemplateOf } from './support/pods';

const fullname = 'meetup-meetup-analytics';
const name = (component: string) => `${fullname}-${component}`;
const production = render({ profile: 'production' });
const kind = render({ profile: 'kind' });

interface Listener {
  name: string;
  port: number;
  tls: boolean;
  authentication: { type: string };
}
const kafkaSpec = (objects: K8sObject[]) =>
  named(objects, 'Kafka', fullname).spec as {
    kafka: { listeners: Listener[] };
    kafkaExporter?: { topicRegex: string; groupRegex: string; showAllOffsets: boolean };
  };

describe('Kafka listeners', () => {
  it('are only the TLS one when kafka.strimzi.tls is on: nothing in plain text', () => {
    expect(kafkaSpec(production).kafka.listeners).toEqual([
      {
        name: 'tls',
        port: 9093,
        type: 'internal',
        tls: true,
        authentication: { type: 'scram-sha-512' },
      },
    ]);
  });

  it('are the plain and the TLS one otherwise, both with SCRAM-SHA-512', () => {
    expect(
      kafkaSpec(kind).kafka.listeners.map((l) => [l.name, l.port, l.tls, l.authentication.type]),
    ).toEqual([
      ['plain', 9092, false, 'scram-sha-512'],
      ['tls', 9093, true, 'scram-sha-512'],
    ]);
  });

  it('open only the listener the apps use in the NetworkPolicies', () => {
    const egressPorts = (objects: K8sObject[], component: string) =>
      (
        named(objects, 'NetworkPolicy', name(component)).spec as {
          egress: {
            to?: { podSelector?: { matchLabels: Record<string, string> } }[];
            ports: { port: number }[];
          }[];
        }
      ).egress
        .filter((rule) =>
          rule.to?.some((peer) => peer.podSelector?.matchLabels['strimzi.io/broker-role']),
        )
        .flatMap((rule) => rule.ports.map((p) => p.port));
    for (const component of ['ingestor', 'aggregator']) {
      expect(egressPorts(production, component)).toEqual([9093]);
      expect(egressPorts(kind, component)).toEqual([9092]);
    }
    const ingestor = podTemplateOf(named(production, 'StatefulSet', name('ingestor')))!;
    expect(envOf(ingestor.spec.containers[0]!).get('KAFKA_BROKERS')?.value).toBe(
      `${fullname}-kafka-bootstrap:9093`,
    );
  });
});

interface NodePool {
  replicas: number;
  roles: string[];
  storage: { type: string; volumes?: { size: string; kraftMetadata: string }[] };
}
const pools = (objects: K8sObject[]) =>
  Object.fromEntries(
    ofKind(objects, 'KafkaNodePool').map((p) => {
      const spec = p.spec as unknown as NodePool;
      return [p.metadata.name, { replicas: spec.replicas, roles: spec.roles }];
    }),
  );

describe('Kafka node pools', () => {
  it('are three dedicated KRaft controllers and three brokers in production', () => {
    expect(pools(production)).toEqual({
      [`${fullname}-controllers`]: { replicas: 3, roles: ['controller'] },
      [`${fullname}-brokers`]: { replicas: 3, roles: ['broker'] },
    });
    for (const pool of ofKind(production, 'KafkaNodePool'))
      expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe(fullname);
    const controllers = named(production, 'KafkaNodePool', `${fullname}-controllers`)
      .spec as unknown as NodePool;
    expect(controllers.storage.volumes).toEqual([
      expect.objectContaining({ size: '20Gi', kraftMetadata: 'shared', deleteClaim: false }),
    ]);
  });

  it('are one pool of combined controller+broker nodes by default and in kind', () => {
    expect(pools(kind)).toEqual({
      [`${fullname}-dual`]: { replicas: 1, roles: ['controller', 'broker'] },
    });
    expect(pools(render())).toEqual({
      [`${fullname}-dual`]: { replicas: 1, roles: ['controller', 'broker'] },
    });
  });

  it('bound the topic replicas by the brokers, not by the controllers', () => {
    expect(
      renderError({
        profile: 'production',
        values: { kafka: { strimzi: { nodePools: { brokers: { replicas: 2 } } } } },
      }),
    ).toContain(
      'topics.rsvps.replicas (3) must be <= kafka.strimzi.nodePools.brokers.replicas (2)',
    );
  });
});

describe('the Kafka Exporter', () => {
  /** The exporter's regexes are Go RE2; these use nothing JavaScript reads differently. */
  const matches = (regex: string, names: string[]) =>
    names.filter((n) => new RegExp(regex).test(n));
  const candidates = [
    'meetup.rsvps',
    'meetup.rsvps.dlq',
    'meetup.ingestor.checkpoints',
    'meetupXrsvps',
    'meetup.rsvps.old',
    'other.meetup.rsvps',
    '__consumer_offsets',
  ];

  it('collects the lag of the release topics and the aggregator group only, members or not', () => {
    const exporter = kafkaSpec(production).kafkaExporter!;
    expect(matches(exporter.topicRegex, candidates)).toEqual([
      'meetup.rsvps',
      'meetup.rsvps.dlq',
      'meetup.ingestor.checkpoints',
    ]);
    expect(
      matches(exporter.groupRegex, [
        'meetup-aggregator',
        'ingestor-checkpoint-reader-1f2e',
        'meetup-aggregator-2',
      ]),
    ).toEqual(['meetup-aggregator']);
    expect(exporter.showAllOffsets).toBe(true);
  });

  it('follows renamed topics and group', () => {
    const objects = render({
      profile: 'production',
      values: {
        topics: {
          rsvps: { name: 'acme.rsvps' },
          dlq: { name: 'acme.dead' },
          checkpoints: { name: 'acme.positions' },
        },
        aggregator: { consumerGroup: 'acme-aggregator' },
      },
    });
    const exporter = kafkaSpec(objects).kafkaExporter!;
    expect(
      matches(exporter.topicRegex, ['acme.rsvps', 'acme.dead', 'acme.positions', ...candidates]),
    ).toEqual(['acme.rsvps', 'acme.dead', 'acme.positions']);
    expect(exporter.groupRegex).toBe('^acme-aggregator$');
  });

  it('is off by default and in kind', () => {
    expect(kafkaSpec(kind).kafkaExporter).toBeUndefined();
    expect(kafkaSpec(render()).kafkaExporter).toBeUndefined();
  });

  it('is scraped through a PodMonitor selecting the exporter pod of this Kafka', () => {
    const monitor = named(production, 'PodMonitor', name('kafka-exporter'));
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(monitor.spec).toEqual({
      selector: {
        matchLabels: {
          'strimzi.io/cluster': fullname,
          'strimzi.io/kind': 'Kafka',
          'strimzi.io/name': `${fullname}-kafka-exporter`,
        },
      },
      podMetricsEndpoints: [{ port: 'tcp-prometheus', path: '/metrics', interval: '30s' }],
    });
    expect(ofKind(kind, 'PodMonitor')).toEqual([]);
  });
});

interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: string;
  labelSelector: { matchLabels: Record<string, string> };
  matchLabelKeys?: string[];
}
type Spread = SpreadConstraint[] | undefined;

/** Every pod template the production profile spreads, with the labels its pods carry. */
function spreadPods(
  objects: K8sObject[],
): { what: string; podLabels: Record<string, string>; spread: Spread }[] {
  const services = ['ingestor', 'aggregator', 'alerting', 'console'].map((component) => {
    const workload = objects.find(
      (o) => ['Deployment', 'StatefulSet'].includes(o.kind) && o.metadata.name === name(component),
    )!;
    const template = podTemplateOf(workload)!;
    return {
      what: `${workload.kind}/${component}`,
      podLabels: template.metadata!.labels!,
      spread: (template.spec as { topologySpreadConstraints?: SpreadConstraint[] })
        .topologySpreadConstraints,
    };
  });
  const pools = ofKind(objects, 'KafkaNodePool').map((p) => {
    const pool = p.metadata.name.slice(fullname.length + 1);
    return {
      what: `KafkaNodePool/${pool}`,
      podLabels: {
        'strimzi.io/cluster': fullname,
        'strimzi.io/pool-name': pool,
        'strimzi.io/kind': 'Kafka',
      },
      spread: (p.spec as { template?: { pod: { topologySpreadConstraints: SpreadConstraint[] } } })
        .template?.pod.topologySpreadConstraints,
    };
  });
  const es = named(objects, 'Elasticsearch', fullname).spec as {
    nodeSets: {
      name: string;
      podTemplate: { spec: { topologySpreadConstraints?: SpreadConstraint[] } };
    }[];
  };
  const nodeSets = es.nodeSets.map((set) => ({
    what: `Elasticsearch/${set.name}`,
    podLabels: {
      'elasticsearch.k8s.elastic.co/cluster-name': fullname,
      'elasticsearch.k8s.elastic.co/statefulset-name': `${fullname}-es-${set.name}`,
    },
    spread: set.podTemplate.spec.topologySpreadConstraints,
  }));
  const kibana = named(objects, 'Kibana', fullname).spec as {
    podTemplate: { spec: { topologySpreadConstraints?: SpreadConstraint[] } };
  };
  return [
    ...services,
    ...pools,
    ...nodeSets,
    {
      what: 'Kibana',
      podLabels: { 'kibana.k8s.elastic.co/name': fullname },
      spread: kibana.podTemplate.spec.topologySpreadConstraints,
    },
  ];
}

describe('topology spread', () => {
  it('spreads every service, Kafka pool, Elasticsearch node set and Kibana over zones, then nodes, in production', () => {
    const pods = spreadPods(production);
    expect(pods.map((p) => p.what)).toEqual([
      'StatefulSet/ingestor',
      'Deployment/aggregator',
      'Deployment/alerting',
      'Deployment/console',
      'KafkaNodePool/controllers',
      'KafkaNodePool/brokers',
      'Elasticsearch/default',
      'Kibana',
    ]);
    for (const { what, podLabels, spread } of pods) {
      expect({ what, keys: spread?.map((c) => c.topologyKey) }).toEqual({
        what,
        keys: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'],
      });
      for (const constraint of spread!) {
        // A preference: a one-zone cluster, or fewer nodes than pods, still schedules every pod.
        expect({ what, maxSkew: constraint.maxSkew, when: constraint.whenUnsatisfiable }).toEqual({
          what,
          maxSkew: 1,
          when: 'ScheduleAnyway',
        });
        // The selector counts the workload's own pods: labels they carry, and not none.
        const selector = Object.entries(constraint.labelSelector.matchLabels);
        expect({ what, selectorLabels: selector.length > 0 }).toEqual({
          what,
          selectorLabels: true,
        });
        for (const [key, value] of selector)
          expect({ what, key, value }).toEqual({ what, key, value: podLabels[key] });
      }
    }
  });

  it("counts a Deployment's rollout apart from its old pods (matchLabelKeys pod-template-hash)", () => {
    const [aggregator] = spreadPods(production).filter((p) => p.what === 'Deployment/aggregator');
    expect(aggregator!.spread!.every((c) => c.matchLabelKeys?.join() === 'pod-template-hash')).toBe(
      true,
    );
    const [ingestor] = spreadPods(production).filter((p) => p.what === 'StatefulSet/ingestor');
    expect(ingestor!.spread!.every((c) => c.matchLabelKeys === undefined)).toBe(true);
  });

  it('is off in kind and by default', () => {
    for (const objects of [kind, render()])
      expect(spreadPods(objects).filter((p) => p.spread !== undefined)).toEqual([]);
  });
});

interface NodeSet {
  config: Record<string, unknown>;
  podTemplate: {
    spec: {
      initContainers?: {
        name: string;
        command: string[];
        securityContext: Record<string, unknown>;
      }[];
    };
  };
}
const nodeSetOf = (objects: K8sObject[]) =>
  (named(objects, 'Elasticsearch', fullname).spec as { nodeSets: NodeSet[] }).nodeSets[0]!;

describe('vm.max_map_count for Elasticsearch', () => {
  it('is raised by a privileged sysctl init container in production, with mmap left on', () => {
    const set = nodeSetOf(production);
    expect(set.config).not.toHaveProperty('node.store.allow_mmap');
    expect(set.podTemplate.spec.initContainers).toEqual([
      {
        name: 'sysctl',
        securityContext: { privileged: true, runAsUser: 0 },
        command: [
          'sh',
          '-c',
          '[ "$(sysctl -n vm.max_map_count)" -ge 1048576 ] || sysctl -w vm.max_map_count=1048576',
        ],
      },
    ]);
  });

  it('is not needed in kind, where mmap is off and no privileged container runs', () => {
    const set = nodeSetOf(kind);
    expect(set.config).toMatchObject({ 'node.store.allow_mmap': false });
    expect(set.podTemplate.spec.initContainers).toBeUndefined();
  });

  it('is left to the nodes with nodeConfigured: neither init container nor allow_mmap', () => {
    const set = nodeSetOf(
      render({ values: { elasticsearch: { eck: { vmMaxMapCount: 'nodeConfigured' } } } }),
    );
    expect(set.config).not.toHaveProperty('node.store.allow_mmap');
    expect(set.podTemplate.spec.initContainers).toBeUndefined();
  });

  it("gives way to a node set's own settings, without a duplicate key", () => {
    const objects = render({
      values: {
        elasticsearch: {
          eck: {
            nodeSets: [
              {
                name: 'hot',
                count: 1,
                config: {
                  'node.store.allow_mmap': true,
                  'action.auto_create_index': '+*',
                  'node.roles': ['master', 'data'],
                },
              },
            ],
          },
        },
      },
    });
    expect(nodeSetOf(objects).config).toEqual({
      'node.store.allow_mmap': true,
      'action.auto_create_index': '+*',
      'node.roles': ['master', 'data'],
    });
  });

  it('refuses an unknown choice', () => {
    expect(
      renderError({ values: { elasticsearch: { eck: { vmMaxMapCount: 'sysctl' } } } }),
    ).toContain("at '/elasticsearch/eck/vmMaxMapCount'");
  });
});
