/**
 * tools/k8s/cluster.sh end to end: a second control plane beside the one the chart checks use,
 * brought up, used and brought down; nothing it started is left running, listening or mounted.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const k8sDir = resolve(__dirname, '..');
const env = {
  ...process.env,
  K8S_NAME: 'lifecycle',
  K8S_API_PORT: '17443',
  K8S_ETCD_PORT: '13379',
  K8S_CM_PORT: '11257',
  K8S_SCHED_PORT: '11259',
  K8S_KWOK_PORT: '11247',
};
const ports = [17443, 13379, 13380, 11257, 11259, 11247];

function cluster(command: string) {
  return spawnSync(join(k8sDir, 'cluster.sh'), [command], {
    env,
    encoding: 'utf8',
    timeout: 300_000,
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const listening = (port: number) =>
  execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim() !== '';

jest.setTimeout(300_000);

describe('tools/k8s/cluster.sh', () => {
  afterAll(() => cluster('down'));

  it('brings up a control plane that serves its version and fake nodes, and down leaves no process, port or mount behind', () => {
    const up = cluster('up');
    expect(up.status === 0 ? 'up' : `exit ${up.status}: ${up.stderr}`).toBe('up');
    const kubeconfig = /^KUBECONFIG=(.+)$/m.exec(cluster('env').stdout)?.[1];
    expect(kubeconfig).toBeDefined();

    const kubectl = (...args: string[]) =>
      execFileSync(
        join(process.env.K8S_BIN ?? '', 'kubectl'),
        ['--kubeconfig', kubeconfig!, ...args],
        {
          encoding: 'utf8',
        },
      );
    const version = JSON.parse(kubectl('version', '-o', 'json')) as {
      serverVersion: { gitVersion: string };
    };
    const pinned = /^KUBERNETES_VERSION=(.+)$/m.exec(
      readFileSync(join(k8sDir, 'versions.env'), 'utf8'),
    )?.[1];
    expect(version.serverVersion.gitVersion).toBe(pinned);
    expect(kubectl('get', 'nodes', '-o', 'name').trim().split('\n')).toEqual([
      'node/kwok-node-0',
      'node/kwok-node-1',
      'node/kwok-node-2',
    ]);
    expect(kubectl('get', 'crd', '-o', 'name')).toContain('kafkatopics.kafka.strimzi.io');

    const stateDir = resolve(kubeconfig!, '..');
    const pids = readdirSync(join(stateDir, 'run')).map((file) =>
      Number(readFileSync(join(stateDir, 'run', file), 'utf8')),
    );
    expect(pids).toHaveLength(5);
    expect(pids.every(alive)).toBe(true);

    const down = cluster('down');
    expect(down.status).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
    expect(ports.filter(listening)).toEqual([]);
    const mounts = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' });
    expect(mounts.split('\n').filter((target) => target.startsWith(stateDir))).toEqual([]);
    expect(cluster('status').status).toBe(1);
  });
});
