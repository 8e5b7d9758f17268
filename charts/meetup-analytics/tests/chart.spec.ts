import { lint, named, ofKind, profiles, render, renderError, type K8sObject } from './support/helm';
import {
  countBuiltIns,
  loadCrdValidators,
  validateBuiltIns,
  validateCustomResources,
} from './support/schema-validation';
import { parse as parseYaml } from 'yaml';
import { parseRule } from '@meetup/alert-rules';
import { envOf, podTemplateOf } from './support/pods';

const rendered = new Map(profiles.map((p) => [p, render({ profile: p })]));
const objectsOf = (profile: (typeof profiles)[number]) => rendered.get(profile)!;
const name = (component: string) => `meetup-meetup-analytics-${component}`;

describe('the chart on each profile', () => {
  const crds = loadCrdValidators();

  it.each(profiles)('passes helm lint --strict with the %s profile', (profile) => {
    const result = lint(profile);
    expect(result.output).toContain('0 chart(s) failed');
    expect(result.ok).toBe(true);
  });

  it.each(profiles)(
    'renders %s objects that all validate against the Kubernetes and operator schemas',
    (profile) => {
      const objects = objectsOf(profile);
      const kinds = objects.map((o) => o.kind).sort();
      process.stdout.write(
        `${profile}: ${objects.length} objects (${countBuiltIns(objects)} Kubernetes, ${objects.length - countBuiltIns(objects)} custom): ${kinds.join(', ')}\n`,
      );
      expect(validateCustomResources(objects, crds)).toEqual([]);
      expect(validateBuiltIns(objects)).toEqual([]);
    },
  );

  it('refuses a custom resource with a field its CRD does not know', () => {
    const kafka = structuredClone(named(objectsOf('kind'), 'Kafka', 'meetup-meetup-analytics'));
    (kafka.spec as { kafka: Record<string, unknown> }).kafka.replicas = 3;
    expect(validateCustomResources([kafka], crds)).toEqual([
      {
        object: 'Kafka/meetup-meetup-analytics',
        message: expect.stringContaining('(replicas)') as unknown,
      },
    ]);
  });

  it('refuses a Kubernetes object with a field of the wrong type', () => {
    const deployment = structuredClone(named(objectsOf('kind'), 'Deployment', name('aggregator')));
    deployment.spec!.replicas = 'two';
    expect(validateBuiltIns([deployment])).toEqual([
      {
        object: `Deployment/${name('aggregator')}`,
        message: expect.stringContaining('/spec/replicas') as unknown,
      },
    ]);
  });

  it('renders no Strimzi or ECK object with the external profile', () => {
    const groups = objectsOf('external').map((o) => o.apiVersion.split('/')[0]);
    expect(groups.filter((g) => /strimzi\.io$|k8s\.elastic\.co$/.test(g ?? ''))).toEqual([]);
    const aggregator = podTemplateOf(
      named(objectsOf('external'), 'Deployment', name('aggregator')),
    )!;
    const env = envOf(aggregator.spec.containers[0]!);
    expect(env.get('KAFKA_BROKERS')?.value).toContain('kafka-0.kafka.example:9093');
    expect(env.get('ES_URL')?.value).toBe('https://elasticsearch.example:9200');
    expect(env.get('KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({
      name: 'meetup-kafka-credentials',
      key: 'password',
    });
  });
});

describe('pods', () => {
  it.each(profiles)(
    'run restricted in every pod of the %s profile (non-root, read-only root, no capabilities)',
    (profile) => {
      const pods = objectsOf(profile)
        .map((o) => ({ object: `${o.kind}/${o.metadata.name}`, template: podTemplateOf(o) }))
        .filter((p) => p.template !== undefined);
      expect(pods.length).toBeGreaterThan(5);
      for (const { object, template } of pods) {
        const spec = template!.spec;
        expect({ object, pod: spec.securityContext }).toMatchObject({
          pod: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        });
        expect(spec.volumes?.find((v) => v.name === 'tmp')?.emptyDir).toBeDefined();
        for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
          expect({
            object,
            container: container.name,
            sc: container.securityContext,
          }).toMatchObject({
            sc: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
          });
          expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        }
      }
    },
  );

  it('run the apps built output with probes on /health', () => {
    const aggregator = named(objectsOf('kind'), 'Deployment', name('aggregator'));
    const container = podTemplateOf(aggregator)!.spec.containers[0]! as unknown as Record<
      string,
      unknown
    >;
    expect(container.args).toEqual(['apps/aggregator/dist/main.js']);
    expect(container.readinessProbe).toMatchObject({
      httpGet: { path: '/health/ready', port: 'http' },
    });
    expect(container.livenessProbe).toMatchObject({
      httpGet: { path: '/health/live', port: 'http' },
    });
  });
});

describe('ingestor shards', () => {
  it('takes its shard index from the pod index label and its shard count from the replicas', () => {
    const ingestor = named(objectsOf('production'), 'StatefulSet', name('ingestor'));
    expect((ingestor.spec as { replicas: number }).replicas).toBe(3);
    const env = envOf(podTemplateOf(ingestor)!.spec.containers[0]!);
    expect(env.get('REPLICA_INDEX')?.valueFrom).toEqual({
      fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" },
    });
    expect(env.get('REPLICA_COUNT')?.value).toBe('3');
  });
});

describe('alert rules from files', () => {
  it('mounts the rules of the values from a ConfigMap and points the service at them', () => {
    const objects = objectsOf('kind');
    const config = named(objects, 'ConfigMap', name('alert-rules'));
    const files = (config as unknown as { data: Record<string, string> }).data;
    expect(Object.keys(files)).toEqual(['stream-flatline.yaml']);
    expect(parseRule(parseYaml(files['stream-flatline.yaml']!))).toMatchObject({ ok: true });

    const pod = podTemplateOf(named(objects, 'Deployment', name('alerting')))!.spec;
    const container = pod.containers[0]!;
    expect(envOf(container).get('ALERTING_RULES_DIR')?.value).toBe('/etc/meetup/alert-rules');
    expect(container.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'alert-rules', mountPath: '/etc/meetup/alert-rules' }),
    );
    expect(pod.volumes).toContainEqual(
      expect.objectContaining({ name: 'alert-rules', configMap: { name: name('alert-rules') } }),
    );
  });

  it('mounts nothing when there are no rule files', () => {
    const objects = objectsOf('production');
    expect(
      objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === name('alert-rules')),
    ).toEqual([]);
    const container = podTemplateOf(named(objects, 'Deployment', name('alerting')))!.spec
      .containers[0]!;
    expect(envOf(container).has('ALERTING_RULES_DIR')).toBe(false);
  });
});

describe('aggregator scaling', () => {
  it('fails clearly when the aggregator has more replicas than the topic has partitions', () => {
    expect(
      renderError({
        values: { aggregator: { replicas: 7 }, topics: { rsvps: { partitions: 6 } } },
      }),
    ).toContain('aggregator.replicas (7) must be <= topics.rsvps.partitions (6)');
    expect(
      renderError({
        profile: 'production',
        values: { aggregator: { autoscaling: { hpa: { maxReplicas: 13 } } } },
      }),
    ).toContain(
      'aggregator.autoscaling.hpa.maxReplicas (13) must be <= topics.rsvps.partitions (12)',
    );
  });

  it('fails clearly when both HPA and KEDA are on', () => {
    const values = {
      aggregator: { autoscaling: { hpa: { enabled: true }, keda: { enabled: true } } },
    };
    expect(renderError({ values })).toContain(
      'hpa.enabled and keda.enabled are both true; enable at most one',
    );
  });

  it('scales on consumer lag with KEDA alone, leaving the replicas to it', () => {
    const objects = render({
      values: { aggregator: { autoscaling: { keda: { enabled: true, maxReplicas: 6 } } } },
    });
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    const scaled = named(objects, 'ScaledObject', name('aggregator'));
    expect(scaled.spec).toMatchObject({ maxReplicaCount: 6, triggers: [{ type: 'kafka' }] });
    expect(named(objects, 'Deployment', name('aggregator')).spec).not.toHaveProperty('replicas');
  });

  it('lets KEDA read the lag as the aggregator, over SCRAM-SHA-512 and TLS with the cluster CA', () => {
    const objects = render({
      profile: 'production',
      values: { aggregator: { autoscaling: { hpa: { enabled: false }, keda: { enabled: true } } } },
    });
    const scaled = named(objects, 'ScaledObject', name('aggregator'));
    expect(scaled.spec).toMatchObject({
      triggers: [
        {
          type: 'kafka',
          metadata: { sasl: 'scram_sha512', tls: 'enable', consumerGroup: 'meetup-aggregator' },
          authenticationRef: { name: name('aggregator') },
        },
      ],
    });
    expect(named(objects, 'TriggerAuthentication', name('aggregator')).spec).toEqual({
      // The KafkaUser Secret holds no username: KEDA takes the container's.
      env: [{ parameter: 'username', name: 'KAFKA_SASL_USERNAME', containerName: 'aggregator' }],
      secretTargetRef: [
        { parameter: 'password', name: name('aggregator'), key: 'password' },
        { parameter: 'ca', name: 'meetup-meetup-analytics-cluster-ca-cert', key: 'ca.crt' },
      ],
    });
    const container = podTemplateOf(named(objects, 'Deployment', name('aggregator')))!.spec
      .containers[0]!;
    expect(envOf(container).get('KAFKA_SASL_USERNAME')?.value).toBe(name('aggregator'));
  });

  it('lets KEDA log in without TLS on the plain listener', () => {
    const objects = render({
      values: { aggregator: { autoscaling: { keda: { enabled: true } } } },
    });
    const trigger = (
      named(objects, 'ScaledObject', name('aggregator')).spec as {
        triggers: { metadata: Record<string, string> }[];
      }
    ).triggers[0]!;
    expect(trigger.metadata.sasl).toBe('scram_sha512');
    expect(trigger.metadata).not.toHaveProperty('tls');
    expect(named(objects, 'TriggerAuthentication', name('aggregator')).spec).toMatchObject({
      secretTargetRef: [{ parameter: 'password', name: name('aggregator'), key: 'password' }],
    });
  });

  it('lets KEDA use the external Kafka credentials and CA', () => {
    const objects = render({
      profile: 'external',
      values: { aggregator: { autoscaling: { keda: { enabled: true, maxReplicas: 6 } } } },
    });
    expect(named(objects, 'TriggerAuthentication', name('aggregator')).spec).toEqual({
      secretTargetRef: [
        { parameter: 'username', name: 'meetup-kafka-credentials', key: 'username' },
        { parameter: 'password', name: 'meetup-kafka-credentials', key: 'password' },
        { parameter: 'ca', name: 'meetup-kafka-ca', key: 'ca.crt' },
      ],
    });
  });

  it('autoscales with an HPA in production, capped by the partitions', () => {
    const hpa = named(objectsOf('production'), 'HorizontalPodAutoscaler', name('aggregator'));
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 12 });
  });
});

describe('PodDisruptionBudgets', () => {
  const pdbTargets = (objects: K8sObject[]) =>
    ofKind(objects, 'PodDisruptionBudget')
      .map((p) => p.metadata.labels?.['app.kubernetes.io/component'])
      .sort();

  it('exist only for workloads with more than one replica', () => {
    expect(pdbTargets(objectsOf('kind'))).toEqual([]);
    expect(pdbTargets(render())).toEqual(['alerting']);
    expect(pdbTargets(objectsOf('production'))).toEqual([
      'aggregator',
      'alerting',
      'console',
      'ingestor',
    ]);
    expect(pdbTargets(objectsOf('external'))).toEqual([
      'aggregator',
      'alerting',
      'console',
      'ingestor',
    ]);
  });
});

describe('the console', () => {
  const container = (objects: K8sObject[]) =>
    podTemplateOf(named(objects, 'Deployment', name('console')))!.spec.containers[0]!;
  const ingresses = (objects: K8sObject[]) => ofKind(objects, 'Ingress');

  it('runs the console from the image on its http port, probed like every service', () => {
    const console = container(objectsOf('kind')) as unknown as Record<string, unknown>;
    expect(console.args).toEqual(['apps/console/dist/main.js']);
    expect(console.ports).toEqual([{ name: 'http', containerPort: 8086, protocol: 'TCP' }]);
    expect(console.readinessProbe).toMatchObject({
      httpGet: { path: '/health/ready', port: 'http' },
    });
    expect(console.livenessProbe).toMatchObject({
      httpGet: { path: '/health/live', port: 'http' },
    });
    const service = named(objectsOf('kind'), 'Service', name('console'));
    expect(service.spec).toMatchObject({
      ports: [{ name: 'http', port: 8086, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  it("reads the aggregator's topics, group and index prefix, and polls as the values say", () => {
    const objects = render({
      values: {
        index: { prefix: 'acme-' },
        topics: { rsvps: { name: 'acme.rsvps' }, dlq: { name: 'acme.dead' } },
        aggregator: { consumerGroup: 'acme-aggregator' },
        console: { pollIntervalMs: 500, slowPollIntervalMs: 10000 },
      },
    });
    const env = envOf(container(objects));
    const aggregator = envOf(
      podTemplateOf(named(objects, 'Deployment', name('aggregator')))!.spec.containers[0]!,
    );
    expect(
      Object.fromEntries(
        [
          'INDEX_PREFIX',
          'RSVP_TOPIC',
          'DLQ_TOPIC',
          'AGGREGATOR_CONSUMER_GROUP',
          'CONSOLE_POLL_INTERVAL_MS',
          'CONSOLE_SLOW_POLL_INTERVAL_MS',
        ].map((k) => [k, env.get(k)?.value]),
      ),
    ).toEqual({
      INDEX_PREFIX: 'acme-',
      RSVP_TOPIC: 'acme.rsvps',
      DLQ_TOPIC: 'acme.dead',
      AGGREGATOR_CONSUMER_GROUP: aggregator.get('CONSUMER_GROUP')?.value,
      CONSOLE_POLL_INTERVAL_MS: '500',
      CONSOLE_SLOW_POLL_INTERVAL_MS: '10000',
    });
    expect(env.get('AGGREGATOR_CONSUMER_GROUP')?.value).toBe('acme-aggregator');
  });

  it("steps its sparklines by the aggregator's trending slide when the values change it", () => {
    const slide = { name: 'TRENDING_SLIDE_MS', value: '5000' };
    const slideOf = (values: Record<string, unknown>) =>
      (container(render({ values })).env ?? []).filter((e) => e.name === 'TRENDING_SLIDE_MS');
    expect(slideOf({})).toEqual([]);
    expect(slideOf({ aggregator: { env: [slide] } })).toEqual([slide]);
    const own = { name: 'TRENDING_SLIDE_MS', value: '20000' };
    expect(slideOf({ aggregator: { env: [slide] }, console: { env: [own] } })).toEqual([own]);
  });

  it('logs in to Kafka and Elasticsearch as its own users, over TLS in production', () => {
    const env = envOf(container(objectsOf('production')));
    expect(env.get('KAFKA_BROKERS')?.value).toBe('meetup-meetup-analytics-kafka-bootstrap:9093');
    expect(env.get('KAFKA_SSL')?.value).toBe('true');
    expect(env.get('KAFKA_SASL_USERNAME')?.value).toBe(name('console'));
    expect(env.get('ES_USERNAME')?.valueFrom?.secretKeyRef).toEqual({
      name: name('es-console-user'),
      key: 'username',
    });
    expect(env.get('ES_CA_FILE')?.value).toBe('/etc/meetup/es-ca/ca.crt');
  });

  it('runs one replica by default and in kind, two in production', () => {
    const replicas = (objects: K8sObject[]) =>
      (named(objects, 'Deployment', name('console')).spec as { replicas: number }).replicas;
    expect([render(), objectsOf('kind'), objectsOf('production')].map(replicas)).toEqual([1, 1, 2]);
  });

  it('has no Ingress unless asked; production serves its host over TLS', () => {
    expect(ingresses(objectsOf('kind'))).toEqual([]);
    expect(ingresses(render())).toEqual([]);
    const [ingress] = ingresses(objectsOf('production'));
    expect(ingress?.metadata.name).toBe(name('console'));
    expect(ingress?.spec).toEqual({
      tls: [{ hosts: ['console.meetup.example'], secretName: name('console-tls') }],
      rules: [
        {
          host: 'console.meetup.example',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: name('console'), port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
  });

  it('takes the class, the TLS Secret and the annotations of the values', () => {
    const objects = render({
      values: {
        console: {
          clientsFrom: [{ podSelector: { matchLabels: { app: 'controller' } } }],
          ingress: {
            enabled: true,
            className: 'internal',
            host: 'live.example.org',
            tls: { enabled: true, secretName: 'live-cert' },
            annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
          },
        },
      },
    });
    const ingress = named(objects, 'Ingress', name('console'));
    expect(ingress.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt',
    });
    expect(ingress.spec).toMatchObject({
      ingressClassName: 'internal',
      tls: [{ hosts: ['live.example.org'], secretName: 'live-cert' }],
    });
  });

  it('refuses an Ingress without a host, or one its NetworkPolicy would cut off', () => {
    expect(renderError({ values: { console: { ingress: { enabled: true } } } })).toContain(
      'console.ingress.host is required when console.ingress.enabled=true',
    );
    expect(
      renderError({ values: { console: { ingress: { enabled: true, host: 'live.example' } } } }),
    ).toContain('set console.clientsFrom to the peers of your Ingress controller');
    expect(
      ingresses(
        render({
          values: {
            networkPolicy: { enabled: false },
            console: { ingress: { enabled: true, host: 'live.example' } },
          },
        }),
      ),
    ).toHaveLength(1);
    const schema = renderError({
      values: { console: { ingress: { host: 'https://live.example' }, pollIntervalMs: 0 } },
    });
    expect(schema).toContain("at '/console/ingress/host'");
    expect(schema).toContain("at '/console/pollIntervalMs': minimum: got 0, want 50");
  });

  it('renders nothing of the console when disabled', () => {
    const objects = render({ values: { console: { enabled: false } } });
    expect(
      objects
        .filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'console')
        .map((o) => `${o.kind}/${o.metadata.name}`),
    ).toEqual([]);
  });
});

describe('the batch CronJob', () => {
  it('never runs twice at once and retries a bounded number of times', () => {
    const cron = named(objectsOf('production'), 'CronJob', name('batch'));
    expect(cron.spec).toMatchObject({
      schedule: '17 * * * *',
      concurrencyPolicy: 'Forbid',
      jobTemplate: { spec: { backoffLimit: 2 } },
    });
    expect(podTemplateOf(cron)!.spec.containers[0]!.args).toEqual([
      'apps/batch/dist/main.js',
      '--mode',
      'incremental',
    ]);
  });
});

describe('tracing (otel.endpoint)', () => {
  const traced = ['simulator', 'ingestor', 'aggregator', 'alerting', 'console', 'batch'];
  /** Component → OTEL_EXPORTER_OTLP_ENDPOINT of its container, for every pod template. */
  const endpoints = (objects: K8sObject[]) =>
    Object.fromEntries(
      objects.flatMap((o) => {
        const template = podTemplateOf(o);
        const component = o.metadata.labels?.['app.kubernetes.io/component'];
        if (!template || component === undefined || component === 'test') return [];
        const env = envOf(template.spec.containers[0]!);
        return [[component, env.get('OTEL_EXPORTER_OTLP_ENDPOINT')?.value]];
      }),
    );

  it('sets the collector on every workload that traces, each under its own service name', () => {
    const endpoint = 'http://otel-collector.observability:4318';
    const objects = render({ profile: 'kind', values: { otel: { endpoint } } });
    const set = endpoints(objects);
    for (const component of traced) expect(set[component]).toBe(endpoint);
    const aggregator = named(objects, 'Deployment', name('aggregator'));
    expect(
      envOf(podTemplateOf(aggregator)!.spec.containers[0]!).get('OTEL_SERVICE_NAME')?.value,
    ).toBe('aggregator');
  });

  it('exports nothing by default: no workload gets an endpoint', () => {
    for (const profile of profiles) {
      expect(Object.values(endpoints(objectsOf(profile))).filter(Boolean)).toEqual([]);
    }
  });

  it('accepts only an http(s) URL', () => {
    expect(renderError({ values: { otel: { endpoint: 'collector:4318' } } })).toContain(
      "at '/otel/endpoint'",
    );
  });
});
