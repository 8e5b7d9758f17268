import { named, ofKind, render, renderError } from './support/helm';
import { canConnect, type Endpoint } from './support/network-policy';

const kind = render({ profile: 'kind' });
const production = render({ profile: 'production' });
const release = {
  'app.kubernetes.io/name': 'meetup-analytics',
  'app.kubernetes.io/instance': 'meetup',
};
const pod = (component: string): Endpoint => ({
  labels: { ...release, 'app.kubernetes.io/component': component },
});
const kafkaBroker: Endpoint = {
  labels: { 'strimzi.io/cluster': 'meetup-meetup-analytics', 'strimzi.io/broker-role': 'true' },
};
const elasticsearch: Endpoint = {
  labels: { 'elasticsearch.k8s.elastic.co/cluster-name': 'meetup-meetup-analytics' },
};
const kibana: Endpoint = { labels: { 'kibana.k8s.elastic.co/name': 'meetup-meetup-analytics' } };
const prometheus: Endpoint = { labels: { 'app.kubernetes.io/name': 'prometheus' }, external: true };

interface Acl {
  resource: { type: string; name: string; patternType: string };
  operations: string[];
}
const aclsOf = (user: string) =>
  (
    named(production, 'KafkaUser', user).spec as { authorization: { acls: Acl[] } }
  ).authorization.acls.map(
    (a) =>
      `${a.resource.type}:${a.resource.name}:${a.resource.patternType} ${a.operations.join(',')}`,
  );

describe('KafkaUsers', () => {
  it('exist for the apps that use Kafka only, with SCRAM-SHA-512', () => {
    const users = ofKind(production, 'KafkaUser');
    expect(users.map((u) => u.metadata.name).sort()).toEqual([
      'meetup-meetup-analytics-aggregator',
      'meetup-meetup-analytics-console',
      'meetup-meetup-analytics-ingestor',
    ]);
    for (const user of users)
      expect(user.spec).toMatchObject({ authentication: { type: 'scram-sha-512' } });
  });

  it('let the ingestor write the raw topic and the DLQ, and keep and read back its checkpoints', () => {
    expect(aclsOf('meetup-meetup-analytics-ingestor')).toEqual([
      'topic:meetup.rsvps:literal Write,Describe',
      'topic:meetup.rsvps.dlq:literal Write,Describe',
      'topic:meetup.ingestor.checkpoints:literal Read,Write,Describe',
      // The checkpoint reader's throw-away groups, ingestor-checkpoint-reader-<uuid>, deleted after use.
      'group:ingestor-checkpoint-reader-:prefix Read,Describe,Delete',
    ]);
  });

  it('let the aggregator read the raw topic in its own group, write its idle markers there, and write the DLQ', () => {
    expect(aclsOf('meetup-meetup-analytics-aggregator')).toEqual([
      'topic:meetup.rsvps:literal Read,Write,Describe',
      'topic:meetup.rsvps.dlq:literal Write,Describe',
      'group:meetup-aggregator:literal Read,Describe',
    ]);
  });

  it("let the console only describe the two topics and the aggregator's group: offsets, never records", () => {
    expect(aclsOf('meetup-meetup-analytics-console')).toEqual([
      'topic:meetup.rsvps:literal Describe',
      'topic:meetup.rsvps.dlq:literal Describe',
      'group:meetup-aggregator:literal Describe',
    ]);
  });

  it("follow the topic names and the aggregator's group of the values for the console", () => {
    const objects = render({
      profile: 'production',
      values: {
        topics: { rsvps: { name: 'acme.rsvps' }, dlq: { name: 'acme.dead' } },
        aggregator: { consumerGroup: 'acme-aggregator' },
      },
    });
    const acls = (
      named(objects, 'KafkaUser', 'meetup-meetup-analytics-console').spec as {
        authorization: { acls: Acl[] };
      }
    ).authorization.acls.map((a) => `${a.resource.type}:${a.resource.name}`);
    expect(acls).toEqual(['topic:acme.rsvps', 'topic:acme.dead', 'group:acme-aggregator']);
    expect(
      ofKind(render({ values: { console: { enabled: false } } }), 'KafkaUser').map(
        (u) => u.metadata.name,
      ),
    ).not.toContain('meetup-meetup-analytics-console');
  });

  it('are the identities the apps log in with, over TLS in production', () => {
    const container = (
      named(production, 'StatefulSet', 'meetup-meetup-analytics-ingestor').spec as {
        template: {
          spec: { containers: { env: { name: string; value?: string; valueFrom?: unknown }[] }[] };
        };
      }
    ).template.spec.containers[0]!;
    const env = new Map(container.env.map((e) => [e.name, e]));
    expect(env.get('KAFKA_BROKERS')?.value).toBe('meetup-meetup-analytics-kafka-bootstrap:9093');
    expect(env.get('KAFKA_SSL')?.value).toBe('true');
    expect(env.get('KAFKA_CA_FILE')?.value).toBe('/etc/meetup/kafka-ca/ca.crt');
    expect(env.get('KAFKA_SASL_USERNAME')?.value).toBe('meetup-meetup-analytics-ingestor');
    expect(env.get('KAFKA_SASL_PASSWORD')?.valueFrom).toEqual({
      secretKeyRef: { name: 'meetup-meetup-analytics-ingestor', key: 'password' },
    });
  });
});

describe('NetworkPolicies', () => {
  const policies = ofKind(kind, 'NetworkPolicy');
  const reach = (from: Endpoint, to: Endpoint, port: number) =>
    canConnect(policies, from, to, port);

  it('let each app reach what it needs', () => {
    expect(reach(pod('ingestor'), pod('simulator'), 8090)).toBe(true);
    expect(reach(pod('ingestor'), kafkaBroker, 9092)).toBe(true);
    expect(reach(pod('aggregator'), kafkaBroker, 9092)).toBe(true);
    expect(reach(pod('aggregator'), elasticsearch, 9200)).toBe(true);
    expect(reach(pod('batch'), elasticsearch, 9200)).toBe(true);
    expect(reach(pod('alerting'), elasticsearch, 9200)).toBe(true);
    expect(reach(pod('console'), kafkaBroker, 9092)).toBe(true);
    expect(reach(pod('console'), elasticsearch, 9200)).toBe(true);
    expect(reach(pod('bootstrap'), elasticsearch, 9200)).toBe(true);
    expect(reach(pod('kibana-import'), kibana, 5601)).toBe(true);
  });

  it('let the helm test pod count the documents of Elasticsearch', () => {
    expect(reach(pod('test'), elasticsearch, 9200)).toBe(true);
    expect(reach(pod('test'), kafkaBroker, 9092)).toBe(false);
  });

  it('keep each app away from what it does not need', () => {
    expect(reach(pod('simulator'), kafkaBroker, 9092)).toBe(false);
    expect(reach(pod('ingestor'), elasticsearch, 9200)).toBe(false);
    expect(reach(pod('batch'), kafkaBroker, 9092)).toBe(false);
    expect(reach(pod('alerting'), kafkaBroker, 9092)).toBe(false);
    expect(reach(pod('bootstrap'), kafkaBroker, 9092)).toBe(false);
    expect(reach(pod('aggregator'), pod('simulator'), 8090)).toBe(false);
    expect(reach(pod('batch'), pod('aggregator'), 8082)).toBe(false);
    expect(reach(pod('console'), pod('aggregator'), 8082)).toBe(false);
    expect(reach(pod('console'), pod('alerting'), 8084)).toBe(false);
    expect(reach(pod('console'), kibana, 5601)).toBe(false);
    expect(reach(pod('aggregator'), pod('console'), 8086)).toBe(false);
  });

  it("admit the console's Ingress controller (console.clientsFrom) to its port, nothing else of it", () => {
    const productionPolicies = ofKind(production, 'NetworkPolicy');
    const controller: Endpoint = { labels: { 'app.kubernetes.io/name': 'any' }, external: true };
    expect(
      (
        named(production, 'NetworkPolicy', 'meetup-meetup-analytics-console').spec as {
          ingress: { from: unknown[] }[];
        }
      ).ingress[0]!.from,
    ).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } },
    });
    expect(canConnect(productionPolicies, controller, pod('console'), 8086)).toBe(true);
    expect(canConnect(productionPolicies, controller, pod('aggregator'), 8082)).toBe(false);
    // Without clientsFrom (kind) an outside pod does not get in; kubectl port-forward needs no rule.
    expect(reach(controller, pod('console'), 8086)).toBe(false);
  });

  it('open the collector (otel.egress) to the workloads that trace, only when otel.endpoint is set', () => {
    const collector: Endpoint = {
      labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' },
      external: true,
    };
    const traced = ['simulator', 'ingestor', 'aggregator', 'alerting', 'batch', 'console'];
    for (const app of traced) expect(reach(pod(app), collector, 4318)).toBe(false);
    const withCollector = ofKind(
      render({
        profile: 'kind',
        values: {
          otel: {
            endpoint: 'http://otel-collector.observability:4318',
            egress: {
              cidrs: [],
              peers: [
                {
                  namespaceSelector: {
                    matchLabels: { 'kubernetes.io/metadata.name': 'observability' },
                  },
                  podSelector: {
                    matchLabels: { 'app.kubernetes.io/name': 'opentelemetry-collector' },
                  },
                },
              ],
            },
          },
        },
      }),
      'NetworkPolicy',
    );
    for (const app of traced)
      expect(canConnect(withCollector, pod(app), collector, 4318)).toBe(true);
    expect(canConnect(withCollector, pod('aggregator'), collector, 4317)).toBe(false);
    expect(canConnect(withCollector, pod('bootstrap'), collector, 4318)).toBe(false);
    expect(canConnect(withCollector, pod('kibana-import'), collector, 4318)).toBe(false);
  });

  it('admit Prometheus to every metrics port and the helm test pod to the services', () => {
    for (const [app, port] of [
      ['simulator', 8080],
      ['ingestor', 8081],
      ['aggregator', 8082],
      ['alerting', 8084],
      ['console', 8086],
    ] as const) {
      expect(reach(prometheus, pod(app), port)).toBe(true);
      expect(reach(pod('test'), pod(app), port)).toBe(true);
    }
  });
});

describe('monitoring objects', () => {
  it('carry the configured labels on ServiceMonitors and PrometheusRules', () => {
    const monitors = [...ofKind(kind, 'ServiceMonitor'), ...ofKind(kind, 'PrometheusRule')];
    expect(monitors.length).toBe(6);
    for (const m of monitors)
      expect(m.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
  });

  it('ship the Grafana dashboards in a ConfigMap labelled for the Grafana sidecar', () => {
    const dashboards = named(kind, 'ConfigMap', 'meetup-meetup-analytics-grafana-dashboards');
    expect(dashboards.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(Object.keys(dashboards.data as object)).toEqual(['pipeline-health.json']);
  });

  it('are off by default', () => {
    const objects = render();
    expect(objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
  });
});

describe('values.schema.json', () => {
  it('rejects wrong values naming each offending value', () => {
    const error = renderError({
      values: {
        kafka: { mode: 'kraft' },
        aggregator: { replicas: 0 },
        batch: { schedule: 'hourly', concurrencyPolicy: 'Never' },
        ingestor: { sourceUrl: 'ftp://x' },
      },
    });
    expect(error).toContain("at '/kafka/mode': value must be one of 'strimzi', 'external'");
    expect(error).toContain("at '/aggregator/replicas': minimum: got 0, want 1");
    expect(error).toContain("at '/batch/schedule'");
    expect(error).toContain("at '/batch/concurrencyPolicy'");
    expect(error).toContain("at '/ingestor/sourceUrl'");
  });

  it('rejects a misspelt key', () => {
    expect(renderError({ values: { aggregater: { replicas: 2 } } })).toContain(
      "additional properties 'aggregater' not allowed",
    );
  });

  it('requires the external addresses when an engine is external', () => {
    expect(renderError({ values: { kafka: { mode: 'external' } } })).toContain(
      'kafka.external.brokers is required when kafka.mode=external',
    );
  });
});
