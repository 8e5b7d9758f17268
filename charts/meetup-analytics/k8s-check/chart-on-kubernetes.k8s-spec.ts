/**
 * The chart on a real Kubernetes control plane (tools/k8s/cluster.sh: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler at the pinned version, kwok playing the nodes, the
 * operators' CRDs installed). Every object goes through the API server's own validation and
 * admission — strict field validation, the CRDs' schemas, Pod Security `restricted` — and the
 * controllers reconcile what Helm creates: Deployments roll out ReplicaSets, Jobs and helm test
 * pods run to completion on kwok's nodes, the garbage collector removes what an uninstall drops.
 * No container runs and no operator acts (Strimzi's and ECK's objects are validated and stored).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@meetup/test-support';
import {
  chartDir,
  parseObjects,
  profiles,
  type K8sObject,
  type Profile,
} from '../tests/support/helm';
import {
  createRestrictedNamespace,
  deleteNamespace,
  getObject,
  helmRun,
  kubectl,
  listObjects,
  liveCluster,
  ok,
  okIn,
  profileArgs,
  renderLive,
  warnings,
} from './support/kube';

jest.setTimeout(600_000);

const release = 'meetup';
const keepAnnotation = 'helm.sh/resource-policy';

/** What a user creates before installing the external profile (its README, "Credentials"). */
function createExternalPrerequisites(namespace: string): void {
  const secrets: Record<string, Record<string, string>> = {
    'meetup-kafka-ca': { 'ca.crt': 'not-a-real-ca' },
    'meetup-kafka-credentials': { username: 'meetup', password: 'kafka-password' },
    'meetup-es-credentials': { password: 'es-password' },
    'meetup-es-ca': { 'ca.crt': 'not-a-real-ca' },
  };
  for (const [name, data] of Object.entries(secrets)) {
    ok(
      `kubectl create secret ${name}`,
      kubectl([
        'create',
        'secret',
        'generic',
        name,
        '-n',
        namespace,
        ...Object.entries(data).map(([key, value]) => `--from-literal=${key}=${value}`),
      ]),
    );
  }
}

function valuesFile(values: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'k8s-check-values-')), 'values.json');
  writeFileSync(file, JSON.stringify(values));
  return file;
}

/** An extra alert rule, as a user adds one with `helm upgrade` (tools/demo/alert-rules/ format). */
const extraRule = {
  alerting: {
    rules: {
      'k8s-check.yaml': {
        id: 'k8s-check',
        name: 'Added by an upgrade',
        type: 'flatline',
        trigger: { interval: '30s' },
        input: { index: 'meetup_rsvps', time_field: 'indexed_at', window: '2m' },
        condition: { op: 'lt', value: 1 },
        actions: [{ id: 'log', type: 'log' }],
      },
    },
  },
};

const podTemplateAnnotations = (deployment: K8sObject) =>
  (deployment.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template
    .metadata.annotations ?? {};

/** Every Deployment and StatefulSet has all its replicas updated and ready. */
function rolledOut(namespace: string): boolean {
  return ['deployments', 'statefulsets'].every((kind) =>
    listObjects(kind, namespace).every((o) => {
      const spec = o.spec as { replicas?: number };
      const status = o.status as {
        readyReplicas?: number;
        updatedReplicas?: number;
        replicas?: number;
      };
      const want = spec.replicas ?? 1;
      return (
        status.readyReplicas === want && status.updatedReplicas === want && status.replicas === want
      );
    }),
  );
}

const secretData = (namespace: string, name: string) =>
  (getObject('secret', name, namespace) as { data?: Record<string, string> } | undefined)?.data;

describe.each(profiles)('the %s profile on a real Kubernetes control plane', (profile: Profile) => {
  let namespace: string;
  let generatedSecrets: string[] = [];

  beforeAll(() => {
    liveCluster();
    namespace = createRestrictedNamespace(`check-${profile}`);
    if (profile === 'external') createExternalPrerequisites(namespace);
  });
  afterAll(() => {
    if (namespace) deleteNamespace(namespace);
  });

  it('has every rendered object, hooks and test pods included, accepted by the API server under strict field validation and Pod Security restricted, with no warning', () => {
    const manifests = renderLive(release, namespace, profileArgs(profile));
    const objects = parseObjects(manifests);
    // A pod is admitted only if its ServiceAccount exists, as it does when Helm creates hooks
    // and test pods after the release's other objects; a dry run creates nothing, so the
    // rendered ServiceAccounts are created for the dry run and removed after it.
    const serviceAccounts = objects.filter((o) => o.kind === 'ServiceAccount');
    const accounts = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: serviceAccounts });
    ok(
      'kubectl create serviceaccounts',
      kubectl(['create', '--save-config', '-n', namespace, '-f', '-'], accounts),
    );
    const result = kubectl(
      ['apply', '--dry-run=server', '--validate=strict', '-n', namespace, '-f', '-'],
      manifests,
    );
    ok(
      'kubectl delete serviceaccounts',
      kubectl(['delete', '-n', namespace, '--wait', '-f', '-'], accounts),
    );

    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    expect(warnings(result.stderr)).toEqual([]);
    const accepted = result.stdout.split('\n').filter((line) => line.endsWith('(server dry run)'));
    expect(accepted).toHaveLength(objects.length);
  });

  it('installs with its hooks and --wait: every workload rolled out on the nodes, every Job complete, the release deployed', async () => {
    const installed = helmRun([
      'install',
      release,
      chartDir,
      '--namespace',
      namespace,
      ...profileArgs(profile),
      '--wait',
      '--wait-for-jobs',
      '--timeout',
      '5m',
    ]);
    okIn(namespace, 'helm install', installed);
    expect(warnings(installed.stderr)).toEqual([]);

    // The autoscaler (production) raises the aggregator to its minimum right after the install.
    await waitFor(
      () => rolledOut(namespace),
      'every Deployment and StatefulSet rolled out',
      120_000,
    );
    const pods = listObjects('pods', namespace);
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) {
      const spec = pod.spec as { nodeName?: string };
      expect({
        pod: pod.metadata.name,
        scheduled: spec.nodeName?.startsWith('kwok-node-'),
      }).toEqual({
        pod: pod.metadata.name,
        scheduled: true,
      });
    }
    for (const job of listObjects('jobs', namespace)) {
      expect({
        job: job.metadata.name,
        succeeded: (job.status as { succeeded?: number }).succeeded,
      }).toEqual({
        job: job.metadata.name,
        succeeded: 1,
      });
    }
    const status = JSON.parse(
      ok('helm status', helmRun(['status', release, '-n', namespace, '-o', 'json'])).stdout,
    ) as {
      info: { status: string };
    };
    expect(status.info.status).toBe('deployed');

    const manifest = parseObjects(
      ok('helm get manifest', helmRun(['get', 'manifest', release, '-n', namespace])).stdout,
    );
    generatedSecrets = manifest
      .filter((o) => o.kind === 'Secret' && o.metadata.annotations?.[keepAnnotation] === 'keep')
      .map((o) => o.metadata.name);
  });

  it('upgrades with a changed value: the alert-rules checksum changes, the alerting pods roll, generated credentials stay the same', async () => {
    const alertingName = `${release}-meetup-analytics-alerting`;
    const before = getObject('deployment', alertingName, namespace);
    expect(before).toBeDefined();
    const checksumBefore = podTemplateAnnotations(before!)['checksum/alert-rules'];
    const podsBefore = listObjects('pods', namespace, 'app.kubernetes.io/component=alerting').map(
      (p) => p.metadata.name,
    );
    const secretsBefore = generatedSecrets.map((name) => secretData(namespace, name));

    const upgraded = helmRun([
      'upgrade',
      release,
      chartDir,
      '--namespace',
      namespace,
      ...profileArgs(profile, valuesFile(extraRule)),
      '--wait',
      '--wait-for-jobs',
      '--timeout',
      '5m',
    ]);
    okIn(namespace, 'helm upgrade', upgraded);

    const after = getObject('deployment', alertingName, namespace)!;
    const checksumAfter = podTemplateAnnotations(after)['checksum/alert-rules'];
    // A profile without rules has no checksum yet; its first rule adds one.
    expect(checksumBefore ?? 'none').toMatch(/^([0-9a-f]{64}|none)$/);
    expect(checksumAfter).toMatch(/^[0-9a-f]{64}$/);
    expect(checksumAfter).not.toBe(checksumBefore);
    // The old pods are replaced by pods of the new template; the rules ConfigMap carries the rule.
    await waitFor(
      () => {
        const names = listObjects('pods', namespace, 'app.kubernetes.io/component=alerting').map(
          (p) => p.metadata.name,
        );
        return names.length > 0 && names.every((name) => !podsBefore.includes(name));
      },
      'the alerting pods of the new template to replace the old ones',
      120_000,
    );
    await waitFor(
      () => rolledOut(namespace),
      'every Deployment and StatefulSet rolled out',
      120_000,
    );
    const configMaps = listObjects('configmaps', namespace);
    expect(
      configMaps.some((c) =>
        Object.keys((c as { data?: Record<string, string> }).data ?? {}).includes('k8s-check.yaml'),
      ),
    ).toBe(true);
    expect(generatedSecrets.map((name) => secretData(namespace, name))).toEqual(secretsBefore);
  });

  it('passes helm test: the test pods are admitted under restricted and run to completion', () => {
    const tested = helmRun(['test', release, '--namespace', namespace, '--timeout', '3m']);
    okIn(namespace, 'helm test', tested);
    expect(tested.stdout).toMatch(/Phase:\s+Succeeded/);
    expect(tested.stdout).not.toMatch(/Phase:\s+Failed/);
  });

  it('uninstalls: what the chart keeps (resource-policy keep) stays, everything else is deleted', async () => {
    const manifest = parseObjects(
      ok('helm get manifest', helmRun(['get', 'manifest', release, '-n', namespace])).stdout,
    );
    const kept = manifest.filter((o) => o.metadata.annotations?.[keepAnnotation] === 'keep');
    const dropped = manifest.filter((o) => o.metadata.annotations?.[keepAnnotation] !== 'keep');
    expect(kept.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);

    ok(
      'helm uninstall',
      helmRun(['uninstall', release, '--namespace', namespace, '--wait', '--timeout', '3m']),
    );

    const name = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    const presence = (o: K8sObject) =>
      `${name(o)} ${getObject(o.kind, o.metadata.name, namespace) ? 'present' : 'gone'}`;
    expect(kept.map(presence)).toEqual(kept.map((o) => `${name(o)} present`));
    expect(dropped.map(presence)).toEqual(dropped.map((o) => `${name(o)} gone`));
    // The garbage collector removes the pods of the deleted workloads.
    await waitFor(
      () => listObjects('pods', namespace).length === 0,
      'every pod of the release to go',
      120_000,
    );
  });
});

describe('the control plane these checks run on', () => {
  let namespace: string;
  beforeAll(() => {
    namespace = createRestrictedNamespace('check-enforcement');
  });
  afterAll(() => {
    deleteNamespace(namespace);
  });

  it('refuses a pod that breaks Pod Security restricted (the profiles pass a check that can fail)', () => {
    const privileged = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'privileged' },
      spec: {
        containers: [
          { name: 'c', image: 'example/anything:1', securityContext: { privileged: true } },
        ],
      },
    };
    const result = kubectl(
      ['apply', '--dry-run=server', '-n', namespace, '-f', '-'],
      JSON.stringify(privileged),
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/violates PodSecurity "restricted:latest": privileged/);
  });

  it('refuses an unknown field under strict validation, in core objects and in the operators’ CRDs', () => {
    const bad: K8sObject[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typo' }, datta: { a: 'b' } },
      {
        apiVersion: 'kafka.strimzi.io/v1',
        kind: 'KafkaTopic',
        metadata: { name: 'typo', labels: { 'strimzi.io/cluster': 'x' } },
        spec: { partitions: 1, replicas: 1, retentionMs: 5 },
      },
    ];
    for (const object of bad) {
      const result = kubectl(
        ['apply', '--dry-run=server', '--validate=strict', '-n', namespace, '-f', '-'],
        JSON.stringify(object),
      );
      expect({ kind: object.kind, status: result.status }).toEqual({
        kind: object.kind,
        status: 1,
      });
      expect(result.stderr).toMatch(/unknown field/);
    }
  });
});
