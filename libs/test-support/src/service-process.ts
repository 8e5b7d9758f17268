import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../..');

export interface ServiceProcess {
  process: ChildProcess;
  baseUrl: string;
  /** Everything the service wrote to stdout and stderr so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Starts a built app (`apps/<name>/dist/main.js`) as a real process on a free
 * port and waits until `/health/ready` answers 200.
 */
export async function startService(
  app: string,
  env: Record<string, string>,
  readyTimeoutMs = 30_000,
): Promise<ServiceProcess> {
  const service = await launchService(app, env);
  await waitUntilReady(service, readyTimeoutMs);
  return service;
}

/** Starts a built app like `startService`, without waiting for it to be ready. */
export async function launchService(
  app: string,
  env: Record<string, string>,
): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'apps', app, 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const service: ServiceProcess = {
    process: child,
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
  return service;
}

async function waitUntilReady(service: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.process.exitCode !== null) {
      throw new Error(`service exited with ${service.process.exitCode}:\n${service.output()}`);
    }
    const ready = await fetch(`${service.baseUrl}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 200));
  }
  await service.stop('SIGKILL');
  throw new Error(`service not ready within ${timeoutMs} ms:\n${service.output()}`);
}

/** Runs a built app to completion (for one-shot commands) and returns its exit code and output. */
export async function runToCompletion(
  app: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    [resolve(REPO_ROOT, 'apps', app, 'dist', 'main.js'), ...args],
    {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** What `/health/ready` says (Terminus): per check, `up` or `down` with its details. */
export interface ReadinessAnswer {
  status: number;
  body: {
    status: string;
    details: Record<string, { status: string; [detail: string]: unknown }>;
  };
}

/** The service's readiness answer, or undefined while it does not listen yet. */
export async function readinessOf(service: ServiceProcess): Promise<ReadinessAnswer | undefined> {
  try {
    const response = await fetch(`${service.baseUrl}/health/ready`);
    return { status: response.status, body: (await response.json()) as ReadinessAnswer['body'] };
  } catch {
    return undefined;
  }
}
