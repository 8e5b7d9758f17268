/**
 * What the chart does when Helm renders it against a cluster (`helm install`/`upgrade`, played
 * by `helm … --dry-run=server` against tests/support/fake-cluster.ts) and when it renders
 * offline (`helm template`, `helm lint`, Argo CD).
 */
import {
  eckApis,
  FakeCluster,
  kedaApi,
  kubernetesApis,
  prometheusOperatorApi,
  strimziApi,
  type ApiGroupVersion,
} from './support/fake-cluster';
import {
  liveRenderArgs,
  named,
  ofKind,
  parseObjects,
  render,
  renderError,
  type K8sObject,
  type RenderOptions,
} from './support/helm';
import { envOf, podTemplateOf } from './support/pods';

const fullname = 'meetup-meetup-analytics';
const everyOperator = [...kubernetesApis, strimziApi, ...eckApis, prometheusOperatorApi, kedaApi];

async function withCluster<T>(
  apis: ApiGroupVersion[],
  objects: K8sObject[],
  run: (cluster: FakeCluster) => Promise<T>,
): Promise<T> {
  const cluster = await FakeCluster.start({ apis, objects });
  try {
    return await run(cluster);
  } finally {
    await cluster.close();
  }
}

const liveRender = (
  cluster: FakeCluster,
  options: RenderOptions & { upgrade?: boolean; install?: boolean },
) => cluster.helm(liveRenderArgs(options));

describe('a cluster without the operators the values need', () => {
  it('fails the install naming each missing API, what needs it and what to do', async () => {
    const result = await withCluster([...kubernetesApis, ...eckApis], [], (cluster) =>
      liveRender(cluster, { profile: 'kind' }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('the cluster does not serve these APIs the values need:');
    expect(result.stderr).toContain(
      '  - kafka.strimzi.io/v1 (Kafka, KafkaNodePool, KafkaTopic, KafkaUser), needed by kafka.mode=strimzi: install the Strimzi operator (1.0 or later) or set kafka.mode=external',
    );
    expect(result.stderr).toContain(
      '  - monitoring.coreos.com/v1 (ServiceMonitor, PodMonitor, PrometheusRule), needed by monitoring.serviceMonitor.enabled / monitoring.prometheusRule.enabled',
    );
    expect(result.stderr).not.toContain('elasticsearch.k8s.elastic.co/v1 (');
    expect(result.stderr).toContain('(capabilitiesCheck=false renders anyway)');
  });

  it('asks only for what the values enable', async () => {
    const result = await withCluster(kubernetesApis, [], (cluster) =>
      liveRender(cluster, {
        profile: 'kind',
        values: {
          aggregator: { autoscaling: { keda: { enabled: true } } },
          monitoring: { serviceMonitor: { enabled: false }, prometheusRule: { enabled: false } },
        },
      }),
    );
    const missing = [...result.stderr.matchAll(/^ {2}- (\S+)/gm)].map((m) => m[1]);
    expect(missing).toEqual([
      'kafka.strimzi.io/v1',
      'elasticsearch.k8s.elastic.co/v1',
      'kibana.k8s.elastic.co/v1',
      'keda.sh/v1alpha1',
    ]);
    const external = await withCluster(kubernetesApis, [], (cluster) =>
      liveRender(cluster, { profile: 'external' }),
    );
    expect({ code: external.code, stderr: external.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('leaves the refusal to Helm with capabilitiesCheck=false: a bare "no matches for kind", one kind at a time', async () => {
    const result = await withCluster(kubernetesApis, [], (cluster) =>
      liveRender(cluster, { profile: 'production', values: { capabilitiesCheck: false } }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toContain('the cluster does not serve these APIs');
    expect(result.stderr).toMatch(/no matches for kind "\w+" in version "[a-z.]+\/v1"/);
    // Told the cluster's APIs, an offline render with the check off still renders everything.
    const offline = render({
      profile: 'production',
      values: { capabilitiesCheck: false },
      apiVersions: kubernetesApis.map((a) => a.groupVersion),
    });
    expect(ofKind(offline, 'Kafka')).toHaveLength(1);
  });
});

describe('a cluster with the operators', () => {
  it.each(['kind', 'production'] as const)('installs the %s profile', async (profile) => {
    const result = await withCluster(everyOperator, [], (cluster) =>
      liveRender(cluster, { profile }),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(ofKind(parseObjects(result.stdout), 'Elasticsearch')).toHaveLength(1);
  });
});

describe('an offline render', () => {
  it('skips the API check: helm template and helm lint know only the built-in APIs', () => {
    expect(ofKind(render({ profile: 'production' }), 'Kafka')).toHaveLength(1);
  });

  it("checks Argo CD's render, which passes the cluster's APIs as --api-versions", () => {
    const clusterApis = kubernetesApis.map((a) => a.groupVersion);
    expect(renderError({ profile: 'production', apiVersions: clusterApis })).toContain(
      '  - kafka.strimzi.io/v1 (Kafka, KafkaNodePool, KafkaTopic, KafkaUser)',
    );
    const withOperators = everyOperator.map((a) => a.groupVersion);
    expect(
      ofKind(render({ profile: 'production', apiVersions: withOperators }), 'Kafka'),
    ).toHaveLength(1);
  });

  it('checks a render told about one operator API (--api-versions) against the others', () => {
    expect(renderError({ profile: 'kind', apiVersions: ['kafka.strimzi.io/v1'] })).toContain(
      '  - elasticsearch.k8s.elastic.co/v1 (Elasticsearch), needed by elasticsearch.mode=eck: install the ECK operator or set elasticsearch.mode=external',
    );
  });
});

describe('ECK names', () => {
  const release = (name: string) => `${name}-meetup-analytics`;

  it('fail the render past 36 characters, with the length, before anything is applied', () => {
    const name = 'payments-analytics-eu-west'; // 26 + "-meetup-analytics" = 43
    expect(renderError({ values: { fullnameOverride: release(name) } })).toContain(
      `the Elasticsearch name "${release(name)}" is 43 characters; ECK allows at most 36 (it names its Services, Secrets and StatefulSets after it within Kubernetes' 63): set elasticsearch.eck.name, or fullnameOverride, or use a shorter release name`,
    );
    expect(
      renderError({
        values: { fullnameOverride: release(name), elasticsearch: { eck: { name: 'payments' } } },
      }),
    ).toContain(`the Kibana name "${release(name)}" is 43 characters; ECK allows at most 36`);
  });

  it('pass at 36 characters, and when an external Elasticsearch is used', () => {
    const name = 'x'.repeat(36);
    expect(
      named(render({ values: { fullnameOverride: name } }), 'Elasticsearch', name),
    ).toBeDefined();
    expect(
      render({ profile: 'external', values: { fullnameOverride: 'y'.repeat(50) } }).length,
    ).toBeGreaterThan(10);
  });

  it('limit node set names to the 23 characters ECK allows', () => {
    expect(
      renderError({
        values: { elasticsearch: { eck: { nodeSets: [{ name: 'n'.repeat(24), count: 1 }] } } },
      }),
    ).toContain("at '/elasticsearch/eck/nodeSets/0/name'");
  });
});

const secretData = (objects: K8sObject[], name: string) =>
  Object.fromEntries(
    Object.entries(named(objects, 'Secret', name).data as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
/** A Secret as a previous install left it: Helm's ownership metadata, the value it generated then. */
const stored = (name: string, data: Record<string, string>): K8sObject =>
  ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: 'meetup',
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: {
        'meta.helm.sh/release-name': 'meetup',
        'meta.helm.sh/release-namespace': 'meetup',
        'helm.sh/resource-policy': 'keep',
      },
    },
    data: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
  }) as unknown as K8sObject;

describe('generated credentials', () => {
  const aggregatorUser = `${fullname}-es-aggregator-user`;
  const token = `${fullname}-alerting-api-token`;

  it('are reused from the cluster on an upgrade: the same password and token as before', async () => {
    const result = await withCluster(
      everyOperator,
      [
        stored(aggregatorUser, {
          username: 'meetup-aggregator',
          password: 'stored-password-of-the-first-install',
          roles: 'meetup_aggregator',
        }),
        stored(token, { token: 'stored-token-of-the-first-install' }),
      ],
      async (cluster) => {
        const upgrade = await liveRender(cluster, { profile: 'kind', upgrade: true });
        expect(cluster.requests).toContain(
          `GET /api/v1/namespaces/meetup/secrets/${aggregatorUser}`,
        );
        return upgrade;
      },
    );
    expect(result.stderr).toBe('');
    const objects = parseObjects(result.stdout);
    expect(secretData(objects, aggregatorUser).password).toBe(
      'stored-password-of-the-first-install',
    );
    expect(secretData(objects, token).token).toBe('stored-token-of-the-first-install');
    // A Secret the cluster does not have yet is generated.
    expect(secretData(objects, `${fullname}-es-batch-user`).password).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('are generated on a first install, and kept by helm uninstall', async () => {
    const result = await withCluster(everyOperator, [], (cluster) =>
      liveRender(cluster, { profile: 'kind' }),
    );
    const objects = parseObjects(result.stdout);
    expect(secretData(objects, token).token).toMatch(/^[A-Za-z0-9]{40}$/);
    for (const name of [aggregatorUser, token])
      expect(named(objects, 'Secret', name).metadata.annotations).toMatchObject({
        'helm.sh/resource-policy': 'keep',
      });
  });

  it('are new on every offline render, which sees no cluster (hence generateSecrets=false for Argo CD)', () => {
    const password = () => secretData(render(), aggregatorUser).password;
    expect(password()).not.toBe(password());
  });

  it('are left to you with generateSecrets=false: no Secret rendered, the same names referenced', () => {
    const objects = render({ values: { generateSecrets: false } });
    const secrets = ofKind(objects, 'Secret').map((s) => s.metadata.name);
    expect(secrets).toEqual([`${fullname}-es-roles`]);
    const fileRealm = (
      named(objects, 'Elasticsearch', fullname).spec as {
        auth: { fileRealm: { secretName: string }[] };
      }
    ).auth.fileRealm.map((f) => f.secretName);
    expect(fileRealm).toContain(aggregatorUser);
    const alerting = podTemplateOf(named(objects, 'Deployment', `${fullname}-alerting`))!;
    expect(envOf(alerting.spec.containers[0]!).get('ALERTING_API_TOKEN')?.valueFrom).toEqual({
      secretKeyRef: { name: token, key: 'token' },
    });
  });
});

describe('NOTES.txt after install', () => {
  let notes: string;
  beforeAll(async () => {
    const result = await withCluster(everyOperator, [], (cluster) =>
      liveRender(cluster, { profile: 'kind', install: true }),
    );
    if (result.code !== 0) throw new Error(`helm install --dry-run failed: ${result.stderr}`);
    notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
  }, 60_000);

  it('says first how to open the console', () => {
    const steps = notes.split('\n').filter((line) => line.trim() !== '');
    // NOTES:, the release line, then the console's heading and its port-forward command.
    expect(steps.slice(2, 4)).toEqual([
      'The live console (responses, trending topics, groups, events, alerts, pipeline health):',
      `     kubectl -n meetup port-forward svc/${fullname}-console 8086     (http://localhost:8086)`,
    ]);
  });

  it("gives the console's Ingress URL first when it has one", async () => {
    const result = await withCluster(everyOperator, [], (cluster) =>
      liveRender(cluster, { profile: 'production', install: true }),
    );
    expect(result.stderr).toBe('');
    const text = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    const steps = text.split('\n').filter((line) => line.trim() !== '');
    expect(steps[3]).toBe('     https://console.meetup.example/');
    expect(steps[4]).toContain(`port-forward svc/${fullname}-console 8086`);
  }, 60_000);

  it('tells how to follow the first install: pods, Kafka, Elasticsearch, the bootstrap Job', () => {
    expect(notes).toContain('kubectl -n meetup get pods -w');
    expect(notes).toContain(
      `kubectl -n meetup wait kafka/${fullname} --for=condition=Ready --timeout=15m`,
    );
    expect(notes).toContain('kubectl -n meetup get elasticsearch,kibana');
    expect(notes).toContain(
      'kubectl -n meetup wait job -l app.kubernetes.io/instance=meetup,app.kubernetes.io/component=bootstrap --for=condition=complete',
    );
  });

  it('gives the helm test command', () => {
    expect(notes).toContain('helm test meetup -n meetup --logs');
  });

  it('says how to open Kibana and Grafana, and where their passwords are', () => {
    expect(notes).toContain(`kubectl -n meetup port-forward svc/${fullname}-kb-http 5601`);
    expect(notes).toContain(
      `kubectl -n meetup get secret ${fullname}-es-elastic-user -o go-template='{{.data.elastic | base64decode}}'`,
    );
    expect(notes).toContain(
      'kubectl -n monitoring port-forward svc/kube-prometheus-stack-grafana 3000:80',
    );
    expect(notes).toContain(`ConfigMap\n   ${fullname}-grafana-dashboards`);
  });

  it('says where the alerting token and the apps’ credentials are', () => {
    expect(notes).toContain(
      `kubectl -n meetup get secret ${fullname}-alerting-api-token -o go-template='{{.data.token | base64decode}}'`,
    );
    expect(notes).toContain(`Secret ${fullname}-es-<app>-user (key password)`);
    expect(notes).toContain(`${fullname}-<app>, key password`);
  });
});
