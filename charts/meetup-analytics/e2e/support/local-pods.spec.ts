import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterNetwork } from './cluster-network';
import { LocalPod } from './local-pods';
import type { Workload } from './release-model';

const workload: Workload = {
  kind: 'StatefulSet',
  name: 'm-ingestor',
  replicas: 2,
  hooks: [],
  hookWeight: 0,
  backoffLimit: 6,
  template: {
    labels: { 'app.kubernetes.io/component': 'ingestor' },
    annotations: {},
    restartPolicy: 'Always',
    initContainers: [],
    volumes: [
      { name: 'tmp', emptyDir: {} },
      {
        name: 'kafka-ca',
        secret: { secretName: 'm-cluster-ca-cert', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
      },
    ],
    containers: [
      {
        name: 'ingestor',
        image: 'meetup-analytics:dev',
        args: ['apps/ingestor/dist/main.js'],
        ports: [{ name: 'http', containerPort: 8081 }],
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'kafka-ca', mountPath: '/etc/meetup/kafka-ca', readOnly: true },
        ],
        env: [
          { name: 'HTTP_PORT', value: '8081' },
          { name: 'KAFKA_BROKERS', value: 'm-kafka-bootstrap:9093' },
          { name: 'KAFKA_CA_FILE', value: '/etc/meetup/kafka-ca/ca.crt' },
          {
            name: 'KAFKA_SASL_PASSWORD',
            valueFrom: { secretKeyRef: { name: 'm-ingestor', key: 'password' } },
          },
          {
            name: 'REPLICA_INDEX',
            valueFrom: {
              fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" },
            },
          },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
      },
    ],
  },
};

function podWith(secrets: Map<string, Record<string, string>>) {
  const network = new ClusterNetwork('meetup');
  network.route('m-kafka-bootstrap', 9093, '127.0.0.1:29095');
  const workDir = mkdtempSync(join(tmpdir(), 'local-pods-'));
  const pod = new LocalPod(
    { name: 'm-ingestor-1', ordinal: 1, workload, ports: new Map([[8081, 41234]]) },
    { namespace: 'meetup', repoRoot: '/repo', workDir, secrets, configMaps: new Map(), network },
  );
  return { pod, workDir };
}

describe('a pod run by the local kubelet', () => {
  it('gets its rendered env with Secret keys, the downward API, routed addresses and its published port', () => {
    const { pod, workDir } = podWith(
      new Map<string, Record<string, string>>([
        ['m-ingestor', { password: 's3cret' }],
        ['m-cluster-ca-cert', { 'ca.crt': 'PEM' }],
      ]),
    );
    const caFile = join(workDir, 'm-ingestor-1', 'volumes', 'kafka-ca', 'ca.crt');
    expect(pod.environment()).toMatchObject({
      HTTP_PORT: '41234',
      KAFKA_BROKERS: '127.0.0.1:29095',
      KAFKA_CA_FILE: caFile,
      KAFKA_SASL_PASSWORD: 's3cret',
      REPLICA_INDEX: '1',
      POD: 'm-ingestor-1',
      TMPDIR: join(workDir, 'm-ingestor-1', 'volumes', 'tmp'),
    });
    expect(readFileSync(caFile, 'utf8')).toBe('PEM');
    expect(pod.port('http')).toBe(41234);
  });

  it('refuses to start when a Secret it needs does not exist, as the kubelet would', () => {
    expect(() => podWith(new Map([['m-cluster-ca-cert', { 'ca.crt': 'PEM' }]]))).toThrow(
      /env KAFKA_SASL_PASSWORD needs key password of Secret m-ingestor/,
    );
    expect(() => podWith(new Map([['m-ingestor', { password: 'x' }]]))).toThrow(
      /volume kafka-ca needs Secret m-cluster-ca-cert/,
    );
  });
});
