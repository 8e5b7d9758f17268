/**
 * A chart workload as a real pod (`make k8s-real-pods`): a real kubelet with containerd and runc
 * (tools/k8s/kubelet/node.sh) joins the control plane of tools/k8s/run-with-cluster.sh, and the
 * chart's simulator Deployment runs from the project's image in a namespace that enforces Pod
 * Security `restricted`. The kubelet calls its probes; runc applies its securityContext.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { waitFor } from '@meetup/test-support';
import { chartDir, parseObjects } from '../../../../charts/meetup-analytics/tests/support/helm';
import {
  createRestrictedNamespace,
  deleteNamespace,
  helmRun,
  kubectl,
  listObjects,
  liveCluster,
  ok,
  okIn,
} from '../../../../charts/meetup-analytics/k8s-check/support/kube';

jest.setTimeout(600_000);

const nodeScript = resolve(__dirname, '../node.sh');
const bridge = process.env.K8S_NODE_BRIDGE ?? 'mk8s0';

function node(command: string) {
  const result = spawnSync(nodeScript, [command], { encoding: 'utf8', timeout: 300_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('a chart workload on a real node', () => {
  let namespace: string;

  beforeAll(() => {
    liveCluster();
    ok('node.sh up', node('up'));
    namespace = createRestrictedNamespace('real-pods');
  });

  afterAll(() => {
    if (namespace) deleteNamespace(namespace);
  });

  it('runs the simulator from the image: the kubelet’s probes pass, it serves health and metrics, as uid 10001 with no capability and no new privileges', async () => {
    const release = 'real';
    const rendered = ok(
      'helm template',
      helmRun([
        'template',
        release,
        chartDir,
        '--namespace',
        namespace,
        '-f',
        join(chartDir, 'profiles', 'external.yaml'),
        '--set',
        'simulator.enabled=true',
        '--set',
        'image.tag=dev',
        '--set',
        'image.pullPolicy=Never',
        '--show-only',
        'templates/simulator.yaml',
        '--show-only',
        'templates/serviceaccount.yaml',
      ]),
    ).stdout;
    const objects = parseObjects(rendered);
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'ServiceAccount']);
    okIn(namespace, 'kubectl apply', kubectl(['apply', '-n', namespace, '-f', '-'], rendered));

    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    okIn(
      namespace,
      'kubectl rollout status',
      kubectl([
        'rollout',
        'status',
        '-n',
        namespace,
        `deployment/${deployment.metadata.name}`,
        '--timeout=180s',
      ]),
    );

    const [pod] = listObjects('pods', namespace);
    const spec = pod!.spec as { nodeName: string };
    const status = pod!.status as {
      podIP: string;
      containerStatuses: { ready: boolean; restartCount: number; started: boolean }[];
    };
    expect(spec.nodeName.startsWith('kwok-')).toBe(false);
    expect(
      status.containerStatuses.map((c) => ({ ready: c.ready, restarts: c.restartCount })),
    ).toEqual([{ ready: true, restarts: 0 }]);

    const port = (
      deployment.spec as {
        template: { spec: { containers: { ports: { containerPort: number }[] }[] } };
      }
    ).template.spec.containers[0]!.ports[0]!.containerPort;
    const ready = await fetch(`http://${status.podIP}:${port}/health/ready`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`http://${status.podIP}:${port}/metrics`)).text();
    expect(metrics).toMatch(/^process_cpu_seconds_total[{ ]/m);

    // The image has no shell: node itself runs the probes inside the container.
    const inPod = (script: string) =>
      kubectl([
        'exec',
        '-n',
        namespace,
        pod!.metadata.name,
        '--',
        '/usr/local/bin/node',
        '-e',
        script,
      ]);
    const processStatus = ok(
      'kubectl exec',
      inPod('process.stdout.write(require("fs").readFileSync("/proc/1/status", "utf8"))'),
    ).stdout;
    const field = (name: string) => new RegExp(`^${name}:\\s+(.+)$`, 'm').exec(processStatus)?.[1];
    expect(field('Uid')?.split(/\s+/)[0]).toBe('10001');
    expect(field('CapEff')).toBe('0000000000000000');
    expect(field('NoNewPrivs')).toBe('1');
    expect(field('Seccomp')).toBe('2');

    // The root filesystem is read-only, as the chart asks.
    const write = inPod('require("fs").writeFileSync("/app/x", "x")');
    expect(write.status).not.toBe(0);
    expect(write.stderr).toContain('EROFS');

    kubectl(['delete', 'namespace', namespace, '--wait=true', '--timeout=120s']);
    await waitFor(
      () => listObjects('pods', namespace).length === 0 || !namespaceExists(namespace),
      'the pod to be stopped by the kubelet',
      120_000,
    );
  });

  it('node.sh down stops every process it started and leaves no mount or bridge behind', () => {
    const runDir = join(dirname(liveCluster().kubeconfig), 'node', 'run');
    const pids = readdirSync(runDir).map((file) =>
      Number(readFileSync(join(runDir, file), 'utf8')),
    );
    expect(pids.length).toBeGreaterThanOrEqual(2);

    const down = node('down');
    expect(down.status === 0 ? 'down' : `exit ${down.status}: ${down.stderr}`).toBe('down');
    expect(pids.filter(alive)).toEqual([]);
    const mounts = spawnSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' }).stdout;
    expect(mounts.split('\n').filter((m) => /kubelet|meetup-k8s/.test(m))).toEqual([]);
    expect(existsSync(`/sys/class/net/${bridge}`)).toBe(false);
  });
});

/** Running, not a zombie waiting for its reaper. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function namespaceExists(name: string): boolean {
  return kubectl(['get', 'namespace', name]).status === 0;
}
