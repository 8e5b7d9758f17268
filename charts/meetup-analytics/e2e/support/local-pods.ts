/**
 * A kubelet for one machine: runs a rendered pod template's container as a
 * local process with what Kubernetes would give it — its env (values,
 * Secret and ConfigMap keys, the downward API), its Secret/ConfigMap/emptyDir
 * volumes as files, its container ports — and restarts it as its
 * restartPolicy says. Two differences are unavoidable and made explicit:
 * a pod has no IP of its own, so each container port is remapped to a free
 * loopback port (the env variables that carry the port follow, and the
 * ClusterNetwork routes the Service names there); and mount paths are
 * directories under the pod's folder, rewritten wherever env or args name them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '@meetup/test-support';
import type { ClusterNetwork } from './cluster-network';
import type { Container, EnvVar, Volume, Workload } from './release-model';

export interface ClusterState {
  namespace: string;
  repoRoot: string;
  /** Folder under which each pod gets its own. */
  workDir: string;
  secrets: Map<string, Record<string, string>>;
  configMaps: Map<string, Record<string, string>>;
  network: ClusterNetwork;
}

/** A pod planned on this machine: its name, ordinal and the loopback port of each container port. */
export interface PlannedPod {
  name: string;
  ordinal: number;
  workload: Workload;
  ports: Map<number, number>;
}

/** Assigns loopback ports to a workload's pods (before any starts, so routes exist for all). */
export async function planPods(workload: Workload, names: string[]): Promise<PlannedPod[]> {
  const pods: PlannedPod[] = [];
  for (const [ordinal, name] of names.entries()) {
    const ports = new Map<number, number>();
    for (const container of workload.template.containers) {
      for (const p of container.ports ?? []) ports.set(p.containerPort, await freePort());
    }
    pods.push({ name, ordinal, workload, ports });
  }
  return pods;
}

export class LocalPod {
  private child: ChildProcess | undefined;
  private log = '';
  private stopped = false;
  restarts = 0;
  /** Exit codes of every run of the container, in order. */
  readonly exits: (number | null)[] = [];
  private readonly env: Record<string, string>;
  private readonly argv: string[];
  private readonly podDir: string;

  constructor(
    readonly plan: PlannedPod,
    private readonly cluster: ClusterState,
    private readonly container: Container = firstContainer(plan.workload),
  ) {
    this.podDir = join(cluster.workDir, plan.name);
    const mounts = this.materialiseVolumes();
    const rewrite = (text: string) => this.rewritePaths(cluster.network.rewrite(text), mounts);
    this.env = this.resolveEnv(rewrite);
    const tmp = mounts.find((m) => m.mountPath === '/tmp');
    if (tmp) this.env.TMPDIR = tmp.localPath;
    const args = (container.args ?? []).map(rewrite);
    const command = (container.command ?? []).map(rewrite);
    // The project image's entrypoint is `node` in the image's WORKDIR, where apps/ lives.
    this.argv = command.length > 0 ? [...command, ...args] : [process.execPath, ...args];
  }

  get name(): string {
    return this.plan.name;
  }

  /** The loopback port a container port is published on. */
  port(containerPort: number | string): number {
    const number =
      typeof containerPort === 'number'
        ? containerPort
        : this.container.ports?.find((p) => p.name === containerPort)?.containerPort;
    const local = number === undefined ? undefined : this.plan.ports.get(number);
    if (local === undefined) throw new Error(`${this.name} has no container port ${containerPort}`);
    return local;
  }

  output(): string {
    return this.log;
  }

  /** The container's environment as it starts (resolved, routed, its paths local). */
  environment(): Readonly<Record<string, string>> {
    return this.env;
  }

  get running(): boolean {
    return this.child?.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the container; restarts it on exit as the pod's restartPolicy says. */
  start(): void {
    this.stopped = false;
    this.spawnOnce();
  }

  /** Runs the container until it exits for good (Jobs): the last exit code. */
  async completion(timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running && this.finished()) return this.exits.at(-1) ?? null;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await this.stop('SIGKILL');
    throw new Error(
      `${this.name} did not complete within ${timeoutMs} ms:\n${this.log.slice(-4000)}`,
    );
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (child?.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    await once(child, 'exit');
  }

  private finished(): boolean {
    const last = this.exits.at(-1);
    if (last === undefined) return false;
    const policy = this.plan.workload.template.restartPolicy;
    if (last === 0 || policy === 'Never') return !this.willRetry();
    return this.restarts >= this.plan.workload.backoffLimit;
  }

  /** A Job with restartPolicy Never gets a new pod after a failure, up to its backoffLimit. */
  private willRetry(): boolean {
    const last = this.exits.at(-1);
    const jobLike = this.plan.workload.kind === 'Job' || this.plan.workload.kind === 'CronJob';
    return jobLike && last !== 0 && this.restarts < this.plan.workload.backoffLimit;
  }

  private spawnOnce(): void {
    const [file, ...args] = this.argv;
    if (!file) throw new Error(`${this.name}: no command`);
    const child = spawn(file, args, {
      cwd: this.cluster.repoRoot,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.on('exit', (code) => {
      this.exits.push(code);
      if (this.stopped) return;
      const policy = this.plan.workload.template.restartPolicy;
      const again =
        policy === 'Always' ||
        (policy === 'OnFailure' && code !== 0 && this.restarts < this.plan.workload.backoffLimit) ||
        this.willRetry();
      if (!again) return;
      this.restarts += 1;
      // The kubelet's back-off, shortened: 1 s, doubling up to 10 s.
      const delay = Math.min(10_000, 1_000 * 2 ** Math.min(this.restarts - 1, 4));
      this.log += `\n[local-kubelet] ${this.name} exited with ${code}; restart ${this.restarts} in ${delay} ms\n`;
      setTimeout(() => {
        if (!this.stopped) this.spawnOnce();
      }, delay).unref();
    });
  }

  private resolveEnv(rewrite: (text: string) => string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const variable of this.container.env ?? []) {
      const value = this.envValue(variable);
      if (value !== undefined) env[variable.name] = rewrite(value);
    }
    // A pod has its own IP; here each container port moves to a free loopback port, and so do
    // the `*_PORT` variables that carry it.
    for (const [name, value] of Object.entries(env)) {
      const local = this.plan.ports.get(Number(value));
      if (name.endsWith('PORT') && local !== undefined) env[name] = String(local);
    }
    return env;
  }

  private envValue({ name, value, valueFrom }: EnvVar): string | undefined {
    if (value !== undefined) return value;
    if (valueFrom?.secretKeyRef) {
      const { name: secret, key, optional } = valueFrom.secretKeyRef;
      const found = this.cluster.secrets.get(secret)?.[key];
      if (found === undefined && !optional)
        throw new Error(
          `${this.name}: env ${name} needs key ${key} of Secret ${secret}, which does not exist (the pod would stay in CreateContainerConfigError)`,
        );
      return found;
    }
    if (valueFrom?.configMapKeyRef) {
      const { name: map, key, optional } = valueFrom.configMapKeyRef;
      const found = this.cluster.configMaps.get(map)?.[key];
      if (found === undefined && !optional)
        throw new Error(`${this.name}: env ${name} needs key ${key} of ConfigMap ${map}`);
      return found;
    }
    if (valueFrom?.fieldRef) return this.field(valueFrom.fieldRef.fieldPath);
    return '';
  }

  private field(path: string): string {
    switch (path) {
      case 'metadata.name':
        return this.name;
      case 'metadata.namespace':
        return this.cluster.namespace;
      case "metadata.labels['apps.kubernetes.io/pod-index']":
        return String(this.plan.ordinal);
      case 'status.podIP':
        return '127.0.0.1';
      default:
        throw new Error(`${this.name}: the local kubelet does not know fieldRef ${path}`);
    }
  }

  private materialiseVolumes(): { mountPath: string; localPath: string }[] {
    const volumes = new Map(this.plan.workload.template.volumes.map((v) => [v.name, v]));
    return (this.container.volumeMounts ?? []).map((mount) => {
      const volume = volumes.get(mount.name);
      if (!volume) throw new Error(`${this.name}: volumeMount ${mount.name} has no volume`);
      const localPath = join(this.podDir, 'volumes', mount.name);
      this.writeVolume(volume, localPath);
      return {
        mountPath: mount.mountPath,
        localPath: mount.subPath ? join(localPath, mount.subPath) : localPath,
      };
    });
  }

  private writeVolume(volume: Volume, dir: string): void {
    mkdirSync(dir, { recursive: true });
    const source = volume.secret
      ? { kind: 'Secret', name: volume.secret.secretName, ...volume.secret }
      : volume.configMap
        ? { kind: 'ConfigMap', ...volume.configMap }
        : undefined;
    if (!source) return; // emptyDir
    const data =
      source.kind === 'Secret'
        ? this.cluster.secrets.get(source.name)
        : this.cluster.configMaps.get(source.name);
    if (!data) {
      if (source.optional) return;
      throw new Error(
        `${this.name}: volume ${volume.name} needs ${source.kind} ${source.name}, which does not exist (the pod would stay in ContainerCreating)`,
      );
    }
    const items = source.items ?? Object.keys(data).map((key) => ({ key, path: key }));
    for (const { key, path } of items) {
      const content = data[key];
      if (content === undefined)
        throw new Error(
          `${this.name}: volume ${volume.name}: ${source.kind} ${source.name} has no key ${key}`,
        );
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }

  private rewritePaths(text: string, mounts: { mountPath: string; localPath: string }[]): string {
    if (mounts.length === 0) return text;
    // One pass, longest mount path first: a replaced path is never rewritten again.
    const sorted = [...mounts].sort((a, b) => b.mountPath.length - a.mountPath.length);
    const alternatives = sorted.map((m) => m.mountPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const pattern = new RegExp(`(?<![\\w/.-])(${alternatives.join('|')})(?=/|$|[\\s"'])`, 'g');
    return text.replace(
      pattern,
      (match) => sorted.find((m) => m.mountPath === match)?.localPath ?? match,
    );
  }
}

function firstContainer(workload: Workload): Container {
  const container = workload.template.containers[0];
  if (!container) throw new Error(`${workload.kind} ${workload.name} has no container`);
  return container;
}
