/**
 * The local control plane's scripts (tools/k8s) on bad input: they stop before building or
 * starting anything and say what is wrong and what to do.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const k8sDir = resolve(__dirname, '../k8s');

function script(name: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(join(k8sDir, name), args, {
    encoding: 'utf8',
    env: { ...process.env, MEETUP_CACHE_DIR: mkdtempSync(join(tmpdir(), 'k8s-state-')), ...env },
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe('tools/k8s/ensure-k8s.sh', () => {
  it('without a Go toolchain, says what to install and exits non-zero', () => {
    const result = script('ensure-k8s.sh', [], {
      MEETUP_K8S_CACHE: mkdtempSync(join(tmpdir(), 'k8s-cache-')),
      PATH: '/usr/bin:/bin',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'a Go toolchain (1.24+) is needed to build the control plane; install Go',
    );
  });

  it('--check reports an empty cache as not built, without building', () => {
    const result = script('ensure-k8s.sh', ['--check'], {
      MEETUP_K8S_CACHE: mkdtempSync(join(tmpdir(), 'k8s-cache-')),
    });
    expect(result.status).toBe(1);
  });
});

describe('tools/k8s/cluster.sh', () => {
  let server: Server;
  let takenPort: number;

  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    takenPort = (server.address() as { port: number }).port;
  });
  afterAll(
    () =>
      new Promise<void>((done) =>
        server.close(() => {
          done();
        }),
      ),
  );

  const ports = {
    K8S_API_PORT: '26443',
    K8S_ETCD_PORT: '22379',
    K8S_CM_PORT: '20257',
    K8S_SCHED_PORT: '20259',
    K8S_KWOK_PORT: '20247',
  };

  it('refuses a port that is already taken, naming the process that holds it', () => {
    const result = script('cluster.sh', ['up'], {
      ...ports,
      K8S_NAME: 'port-taken',
      K8S_API_PORT: String(takenPort),
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `port ${takenPort} (K8S_API_PORT) is already taken by pid ${process.pid} (`,
    );
    expect(result.stderr).toContain('choose another port with K8S_API_PORT=');
  });

  it('refuses ports that are not numbers, or that clash, before anything starts', () => {
    expect(script('cluster.sh', ['up'], { ...ports, K8S_API_PORT: 'http' }).stderr).toContain(
      "K8S_API_PORT='http' is not a number",
    );
    const clash = script('cluster.sh', ['up'], { ...ports, K8S_CM_PORT: ports.K8S_SCHED_PORT });
    expect(clash.status).toBe(1);
    expect(clash.stderr).toContain('the ports must differ');
  });

  it('refuses an unknown command with its usage', () => {
    const result = script('cluster.sh', ['start'], {});
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: cluster.sh up|down|status|env');
  });
});
