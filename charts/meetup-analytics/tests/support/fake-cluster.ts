/**
 * A Kubernetes API server, enough for Helm to render against it as it does on a real cluster
 * (`helm install --dry-run=server`, `helm template --validate --dry-run=server`): `/version`,
 * the discovery documents of the API groups it serves (Helm's `.Capabilities.APIVersions`),
 * and reads of the objects it holds (`lookup`); 404 for anything else. Nothing is written to
 * it: a dry run never applies.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helm, type K8sObject } from './helm';

/** One served group version and its kinds: [kind, plural, namespaced]. */
export interface ApiGroupVersion {
  groupVersion: string;
  kinds: [kind: string, plural: string, namespaced: boolean][];
}

/** What every cluster serves (the kinds the chart renders, and the aggregator's APIService). */
export const kubernetesApis: ApiGroupVersion[] = [
  {
    groupVersion: 'v1',
    kinds: [
      ['Namespace', 'namespaces', false],
      ['Secret', 'secrets', true],
      ['ConfigMap', 'configmaps', true],
      ['Service', 'services', true],
      ['ServiceAccount', 'serviceaccounts', true],
      ['Pod', 'pods', true],
    ],
  },
  {
    groupVersion: 'apps/v1',
    kinds: [
      ['Deployment', 'deployments', true],
      ['StatefulSet', 'statefulsets', true],
    ],
  },
  {
    groupVersion: 'batch/v1',
    kinds: [
      ['Job', 'jobs', true],
      ['CronJob', 'cronjobs', true],
    ],
  },
  { groupVersion: 'policy/v1', kinds: [['PodDisruptionBudget', 'poddisruptionbudgets', true]] },
  {
    groupVersion: 'networking.k8s.io/v1',
    kinds: [
      ['NetworkPolicy', 'networkpolicies', true],
      ['Ingress', 'ingresses', true],
    ],
  },
  {
    groupVersion: 'autoscaling/v2',
    kinds: [['HorizontalPodAutoscaler', 'horizontalpodautoscalers', true]],
  },
  { groupVersion: 'apiregistration.k8s.io/v1', kinds: [['APIService', 'apiservices', false]] },
];

export const strimziApi: ApiGroupVersion = {
  groupVersion: 'kafka.strimzi.io/v1',
  kinds: [
    ['Kafka', 'kafkas', true],
    ['KafkaNodePool', 'kafkanodepools', true],
    ['KafkaTopic', 'kafkatopics', true],
    ['KafkaUser', 'kafkausers', true],
  ],
};
export const eckApis: ApiGroupVersion[] = [
  {
    groupVersion: 'elasticsearch.k8s.elastic.co/v1',
    kinds: [['Elasticsearch', 'elasticsearches', true]],
  },
  { groupVersion: 'kibana.k8s.elastic.co/v1', kinds: [['Kibana', 'kibanas', true]] },
];
export const prometheusOperatorApi: ApiGroupVersion = {
  groupVersion: 'monitoring.coreos.com/v1',
  kinds: [
    ['ServiceMonitor', 'servicemonitors', true],
    ['PodMonitor', 'podmonitors', true],
    ['PrometheusRule', 'prometheusrules', true],
  ],
};
export const kedaApi: ApiGroupVersion = {
  groupVersion: 'keda.sh/v1alpha1',
  kinds: [
    ['ScaledObject', 'scaledobjects', true],
    ['TriggerAuthentication', 'triggerauthentications', true],
  ],
};

export interface HelmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const notFound = (path: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `${path} not found`,
  reason: 'NotFound',
  code: 404,
});

export class FakeCluster {
  /** Every path Helm asked for, in order. */
  readonly requests: string[] = [];

  private constructor(
    private readonly server: Server,
    private readonly apis: ApiGroupVersion[],
    private readonly objects: K8sObject[],
    readonly kubeconfig: string,
  ) {}

  static async start(options: {
    apis: ApiGroupVersion[];
    objects?: K8sObject[];
  }): Promise<FakeCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'fake-cluster-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: `http://127.0.0.1:${port}` } }],
        users: [{ name: 'fake', user: {} }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
        'current-context': 'fake',
      }),
    );
    const cluster = new FakeCluster(server, options.apis, options.objects ?? [], kubeconfig);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      cluster.answer(request, response);
    });
    return cluster;
  }

  /** Runs the project's helm against this cluster (its own discovery cache each time). */
  helm(args: string[]): Promise<HelmResult> {
    const env = {
      ...process.env,
      KUBECONFIG: this.kubeconfig,
      KUBECACHEDIR: mkdtempSync(join(tmpdir(), 'kube-cache-')),
    };
    return new Promise((resolve) => {
      execFile(helm(), args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    this.requests.push(`${request.method ?? 'GET'} ${path}`);
    const body = request.method === 'GET' ? this.get(path) : undefined;
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? notFound(path)));
  }

  private get(path: string): unknown {
    if (path === '/version')
      return { major: '1', minor: '34', gitVersion: 'v1.34.0', platform: 'linux/amd64' };
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'] };
    if (path === '/apis')
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: this.apis
          .filter((api) => api.groupVersion.includes('/'))
          .map((api) => {
            const [name, version] = api.groupVersion.split('/');
            const gv = { groupVersion: api.groupVersion, version };
            return { name, versions: [gv], preferredVersion: gv };
          }),
      };
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
    if (discovery) {
      const api = this.apis.find((a) => a.groupVersion === (discovery[1] ?? discovery[2]));
      return (
        api && {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: api.groupVersion,
          resources: api.kinds.map(([kind, name, namespaced]) => ({
            name,
            singularName: kind.toLowerCase(),
            namespaced,
            kind,
            verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
          })),
        }
      );
    }
    const read = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(
      path,
    );
    if (read) {
      const [, namespace, plural, name] = read;
      return this.objects.find(
        (o) =>
          o.metadata.name === name &&
          (o.metadata as { namespace?: string }).namespace === namespace &&
          this.pluralOf(o) === plural,
      );
    }
    return undefined;
  }

  private pluralOf(object: K8sObject): string | undefined {
    return this.apis
      .find((a) => a.groupVersion === object.apiVersion)
      ?.kinds.find(([kind]) => kind === object.kind)?.[1];
  }
}
