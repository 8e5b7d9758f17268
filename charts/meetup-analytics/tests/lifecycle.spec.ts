import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartDir, named, ofKind, packageChart, render, type K8sObject } from './support/helm';
import { envOf, podTemplateOf } from './support/pods';

const fullname = 'meetup-meetup-analytics';
const name = (component: string) => `${fullname}-${component}`;

const bootstrapJobs = (objects: K8sObject[]) =>
  ofKind(objects, 'Job').filter(
    (j) => j.metadata.labels?.['app.kubernetes.io/component'] === 'bootstrap',
  );
const bootstrapName = (options: Parameters<typeof render>[0] = {}) => {
  const jobs = bootstrapJobs(render(options));
  expect(jobs).toHaveLength(1);
  return jobs[0]!.metadata.name;
};

describe('a first install in any order (helm --wait, Argo CD, kubectl apply)', () => {
  const objects = render({ profile: 'kind' });

  it('runs the bootstrap as a regular Job, bounded in retries and time', () => {
    const [job] = bootstrapJobs(objects);
    expect(job!.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    expect(job!.spec).toMatchObject({ backoffLimit: 20, activeDeadlineSeconds: 1800 });
  });

  it('keeps hooks only for what nothing waits on: the Kibana import and the helm test', () => {
    const hooks = objects
      .filter((o) => o.metadata.annotations?.['helm.sh/hook'])
      .map((o) => `${o.kind}/${o.metadata.name}: ${o.metadata.annotations!['helm.sh/hook']}`)
      .sort();
    expect(hooks).toEqual([
      `ConfigMap/${name('kibana-objects')}: post-install,post-upgrade`,
      `Job/${name('kibana-import')}: post-install,post-upgrade`,
      `Pod/${name('test-health')}: test`,
    ]);
  });
});

describe('the bootstrap Job name', () => {
  let base: string;
  beforeAll(() => {
    base = bootstrapName();
  });

  it('ends in a short hash of what the Job runs', () => {
    expect(base).toMatch(new RegExp(`^${name('bootstrap')}-[0-9a-f]{8}$`));
    expect(bootstrapName()).toBe(base);
  });

  it.each([
    ['the image', { image: { tag: '0.2.0' } }],
    ['an env value of the Job', { index: { prefix: 'staging-' } }],
    ['an env entry of the values', { bootstrap: { env: [{ name: 'LOG_FORMAT', value: 'json' }] } }],
    ['a topic name', { topics: { checkpoints: { name: 'meetup.positions' } } }],
    [
      'its resources (the pod template is immutable)',
      { bootstrap: { resources: { limits: { memory: '512Mi' } } } },
    ],
  ])('changes with %s, so the upgrade runs a new Job', (_what, values) => {
    expect(bootstrapName({ values })).not.toBe(base);
  });

  it('changes with the chart version', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'chart-copy-')), 'meetup-analytics');
    cpSync(chartDir, copy, { recursive: true });
    const chartYaml = join(copy, 'Chart.yaml');
    writeFileSync(
      chartYaml,
      readFileSync(chartYaml, 'utf8').replace(/^version: .*$/m, 'version: 0.1.1'),
    );
    expect(bootstrapName({ chart: copy })).not.toBe(base);
  });

  it('stays the same when only other workloads change (the completed Job is left alone)', () => {
    expect(
      bootstrapName({ values: { alerting: { replicas: 3 }, aggregator: { replicas: 2 } } }),
    ).toBe(base);
  });

  it('fits a Kubernetes name with a long release name', () => {
    // ECK's own names are limited to 36 characters (validate.yaml): set apart.
    const long = bootstrapName({
      values: {
        fullnameOverride: 'x'.repeat(63),
        elasticsearch: { eck: { name: 'meetup' } },
        kibana: { eck: { name: 'meetup' } },
      },
    });
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^x+-[0-9a-f]{8}$/);
  });
});

describe('helm uninstall', () => {
  const objects = render();
  const deleteClaims = (rendered: K8sObject[]) =>
    (
      named(rendered, 'KafkaNodePool', `${fullname}-dual`).spec as {
        storage: { volumes: { deleteClaim: boolean }[] };
      }
    ).storage.volumes.map((v) => v.deleteClaim);

  it('keeps the Kafka and Elasticsearch data volumes by default', () => {
    expect(deleteClaims(objects)).toEqual([false]);
    expect(named(objects, 'Elasticsearch', fullname).spec).toMatchObject({
      volumeClaimDeletePolicy: 'DeleteOnScaledownOnly',
    });
  });

  it('deletes them when asked to', () => {
    const deleting = render({
      values: {
        kafka: { strimzi: { nodePools: { brokers: { storage: { deleteClaim: true } } } } },
        elasticsearch: { eck: { volumeClaimDeletePolicy: 'DeleteOnScaledownAndClusterDeletion' } },
      },
    });
    expect(named(deleting, 'Elasticsearch', fullname).spec).toMatchObject({
      volumeClaimDeletePolicy: 'DeleteOnScaledownAndClusterDeletion',
    });
    expect(deleteClaims(deleting)).toEqual([true]);
  });
});

describe('the batch CronJob schedule', () => {
  it('skips a run missed by more than startingDeadlineSeconds (600 by default)', () => {
    expect(named(render(), 'CronJob', name('batch')).spec).toMatchObject({
      startingDeadlineSeconds: 600,
    });
    const custom = render({ values: { batch: { startingDeadlineSeconds: 120 } } });
    expect(named(custom, 'CronJob', name('batch')).spec).toMatchObject({
      startingDeadlineSeconds: 120,
    });
  });
});

describe('alert rule files', () => {
  const checksum = (objects: K8sObject[]) =>
    podTemplateOf(named(objects, 'Deployment', name('alerting')))!.metadata?.annotations?.[
      'checksum/alert-rules'
    ];
  const rule = (window: string) => ({
    alerting: {
      rules: {
        'flatline.yaml': {
          id: 'flatline',
          name: 'flat',
          type: 'flatline',
          trigger: { interval: '30s' },
          input: { index: 'meetup_rsvps', time_field: 'indexed_at', window },
          condition: { op: 'lt', value: 1 },
          actions: [{ id: 'log', type: 'log' }],
        },
      },
    },
  });

  it('roll the alerting pods when a rule changes, and only then', () => {
    const first = checksum(render({ values: rule('2m') }));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(render({ values: rule('2m') }))).toBe(first);
    expect(checksum(render({ values: rule('5m') }))).not.toBe(first);
  });
});

describe('the Kibana dashboards import', () => {
  it('trusts the CA of ECK Kibana certificate, not the Elasticsearch one', () => {
    const job = named(render(), 'Job', name('kibana-import'));
    const pod = podTemplateOf(job)!.spec as unknown as {
      containers: { args: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
      volumes: { name: string; secret?: Record<string, unknown> }[];
    };
    const container = pod.containers[0]!;
    expect(container.args[0]).toContain('--cacert /etc/meetup/kibana-ca/ca.crt \\\n');
    expect(container.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'kibana-ca', mountPath: '/etc/meetup/kibana-ca' }),
    );
    expect(pod.volumes).toContainEqual({
      name: 'kibana-ca',
      secret: {
        secretName: `${fullname}-kb-http-certs-public`,
        items: [{ key: 'ca.crt', path: 'ca.crt' }],
      },
    });
    expect(pod.volumes.map((v) => v.secret?.secretName)).not.toContain(
      `${fullname}-es-http-certs-public`,
    );
  });
});

describe('helm test', () => {
  it('is packaged with the chart: .helmignore drops only the chart-root tests/', () => {
    const archive = packageChart(mkdtempSync(join(tmpdir(), 'chart-package-')));
    const files = execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n');
    expect(files).toContain('meetup-analytics/templates/tests/test-health.yaml');
    expect(
      files.filter((f) => /\/(tests|e2e)\/|\.spec\.ts$/.test(f) && !f.includes('/templates/')),
    ).toEqual([]);
  });

  it('renders its Pod, which reads Elasticsearch as the tests user with the ES CA', () => {
    const [pod] = render({ showOnly: 'templates/tests/test-health.yaml' });
    expect(pod).toMatchObject({
      kind: 'Pod',
      metadata: { annotations: { 'helm.sh/hook': 'test' } },
    });
    const spec = podTemplateOf(pod!)!.spec;
    const env = envOf(spec.containers[0]!);
    expect(env.get('ES_USERNAME')?.valueFrom).toEqual({
      secretKeyRef: { name: `${fullname}-es-tests-user`, key: 'username' },
    });
    expect(env.get('ES_CA_FILE')?.value).toBe('/etc/meetup/es-ca/ca.crt');
    expect(spec.volumes).toContainEqual({
      name: 'es-ca',
      secret: { secretName: `${fullname}-es-http-certs-public` },
    });
  });

  describe('against an Elasticsearch that answers _count', () => {
    let server: Server;
    let counts: Record<string, number>;
    let url: string;
    const seen: string[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        const index = /^\/([^/]+)\/_count$/.exec(request.url ?? '')?.[1] ?? '';
        seen.push(`${request.headers.authorization ?? ''} ${index}`);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ count: counts[index] ?? 0, _shards: { total: 1 } }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    });

    /** The test Pod's script (services off: only the index checks), run with the Pod's shell flags. */
    async function runTest(): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const [pod] = render({
        showOnly: 'templates/tests/test-health.yaml',
        values: {
          index: { prefix: 'acme-' },
          tests: { waitSeconds: 0 },
          simulator: { enabled: false },
          ingestor: { enabled: false },
          aggregator: { enabled: false },
          alerting: { enabled: false },
          console: { enabled: false },
        },
      });
      const container = podTemplateOf(pod!)!.spec.containers[0]! as unknown as {
        command: string[];
        args: string[];
      };
      const child = spawn(
        container.command[0]!,
        [...container.command.slice(1), container.args[0]!],
        {
          env: {
            PATH: process.env.PATH,
            ES_URL: url,
            ES_USERNAME: 'meetup-tests',
            ES_PASSWORD: 'pw',
          },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, stdout, stderr };
    }

    it('passes when each live index has a searchable document', async () => {
      counts = {
        'acme-meetup_rsvps': 40,
        'acme-meetup_rsvp_by_country': 7,
        'acme-meetup_global_trending_topics': 3,
      };
      seen.length = 0;
      const result = await runTest();
      expect(result.code).toBe(0);
      const basic = `Basic ${Buffer.from('meetup-tests:pw').toString('base64')}`;
      expect(seen).toEqual(Object.keys(counts).map((index) => `${basic} ${index}`));
    });

    it('fails naming the index that has none', async () => {
      counts = {
        'acme-meetup_rsvps': 40,
        'acme-meetup_rsvp_by_country': 7,
        'acme-meetup_global_trending_topics': 0,
      };
      const result = await runTest();
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'index acme-meetup_global_trending_topics: no searchable document',
      );
    });
  });
});
