/**
 * `helm install` onto one machine: the chart is rendered with the project's
 * helm, the operators' part is played on the shared test engines
 * (operators.ts), and every workload runs as local processes the way the
 * rendered pod templates configure them (local-pods.ts), in Helm's order:
 * pre-install hooks, then the release's objects, then post-install hooks.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import { testEngines } from '@meetup/test-support';
import { repoRoot } from '../../tests/support/helm';
import { ClusterNetwork } from './cluster-network';
import { LocalPod, planPods } from './local-pods';
import { renderRelease } from './render-release';
import { playEck, playStrimzi, type EckResult, type StrimziResult } from './operators';
import {
  podNames,
  releaseModel,
  serviceOf,
  type ReleaseModel,
  type Workload,
} from './release-model';

export interface InstallOptions {
  release: string;
  namespace: string;
  profile: string;
  /** Values over the profile (the test's own names, its data source). */
  values: Record<string, unknown>;
  chartDir?: string;
  es: Client;
  /** An admin client on the broker's super-user listener (plays the operators). */
  admin: Admin;
  /** Secrets the user creates before installing (those the values name, e.g. an API token). */
  userSecrets?: Record<string, Record<string, string>>;
  /** Changes the rendered release before it is applied (negative controls). */
  mutate?: (model: ReleaseModel) => void;
}

/** Workloads the local cluster cannot run: Kibana is not among the local engines. */
const NOT_RUN_LOCALLY = ['kibana-import'];

export class LocalRelease {
  readonly pods: LocalPod[] = [];
  /** Workloads rendered but not run here, with the reason. */
  readonly notRun: string[] = [];

  private constructor(
    readonly model: ReleaseModel,
    readonly network: ClusterNetwork,
    readonly strimzi: StrimziResult,
    readonly eck: EckResult | undefined,
    private readonly options: InstallOptions,
    private readonly workDir: string,
  ) {}

  static async install(options: InstallOptions): Promise<LocalRelease> {
    const model = releaseModel(renderRelease(options));
    for (const [name, data] of Object.entries(options.userSecrets ?? {}))
      model.secrets.set(name, data);
    options.mutate?.(model);
    const network = new ClusterNetwork(options.namespace);
    const strimzi = await playStrimzi(model, options.admin, network);
    const eck = await playEck(model, testEngines().elasticsearchUrl, options.es, network);
    const workDir = mkdtempSync(join(tmpdir(), `e2e-${options.release}-`));
    const release = new LocalRelease(model, network, strimzi, eck, options, workDir);
    try {
      await release.start();
    } catch (error) {
      await release.uninstall();
      throw error;
    }
    return release;
  }

  private phase(workload: Workload): 'pre' | 'main' | 'post' | 'test' | 'never' {
    const component = workload.template.labels['app.kubernetes.io/component'] ?? '';
    if (NOT_RUN_LOCALLY.includes(component)) return 'never';
    if (workload.hooks.includes('test')) return 'test';
    if (workload.hooks.some((h) => h.startsWith('pre-install'))) return 'pre';
    if (workload.hooks.some((h) => h.startsWith('post-install'))) return 'post';
    if (workload.hooks.length > 0) return 'never';
    // A CronJob runs on its schedule: the test triggers it (runCronJob).
    return workload.kind === 'CronJob' ? 'never' : 'main';
  }

  private async start(): Promise<void> {
    const byPhase = (phase: string) =>
      this.model.workloads
        .filter((w) => this.phase(w) === phase)
        .sort((a, b) => a.hookWeight - b.hookWeight);
    for (const w of this.model.workloads.filter(
      (w) => this.phase(w) === 'never' && w.kind !== 'CronJob',
    ))
      this.notRun.push(`${w.kind}/${w.name}`);
    // Every pod's ports first, so each Service name is routed before any pod starts.
    const planned = new Map<Workload, LocalPod[]>();
    for (const workload of [...byPhase('pre'), ...byPhase('main'), ...byPhase('post')]) {
      const plans = await planPods(workload, podNames(workload));
      this.routeService(
        workload,
        plans.map((p) => ({ name: p.name, ports: p.ports })),
      );
      planned.set(workload, []);
      for (const plan of plans) planned.get(workload)?.push(new LocalPod(plan, this.cluster()));
    }
    for (const w of byPhase('pre')) await this.runToCompletion(planned.get(w) ?? []);
    for (const w of byPhase('main')) for (const pod of planned.get(w) ?? []) this.launch(pod);
    // `helm install` without --wait runs post-install hooks right after creating the objects.
    for (const w of byPhase('post')) await this.runToCompletion(planned.get(w) ?? []);
  }

  private cluster() {
    return {
      namespace: this.options.namespace,
      repoRoot,
      workDir: this.workDir,
      secrets: this.model.secrets,
      configMaps: this.model.configMaps,
      network: this.network,
    };
  }

  private routeService(
    workload: Workload,
    pods: { name: string; ports: Map<number, number> }[],
  ): void {
    const service = serviceOf(this.model, workload);
    if (!service) return;
    const containerPorts = workload.template.containers.flatMap((c) => c.ports ?? []);
    for (const port of service.ports) {
      const target =
        typeof port.targetPort === 'number'
          ? port.targetPort
          : containerPorts.find((p) => p.name === port.targetPort)?.containerPort;
      if (target === undefined) continue;
      for (const [i, pod] of pods.entries()) {
        const local = pod.ports.get(target);
        if (local === undefined) continue;
        if (i === 0) this.network.route(service.name, port.port, `127.0.0.1:${local}`);
        if (service.headless)
          this.network.route(`${pod.name}.${service.name}`, port.port, `127.0.0.1:${local}`);
      }
    }
  }

  private launch(pod: LocalPod): void {
    this.pods.push(pod);
    pod.start();
  }

  private async runToCompletion(pods: LocalPod[], timeoutMs = 600_000): Promise<void> {
    for (const pod of pods) {
      this.launch(pod);
      const code = await pod.completion(timeoutMs);
      if (code !== 0)
        throw new Error(`${pod.name} failed (exit ${code}):\n${pod.output().slice(-4000)}`);
    }
  }

  /** The pods of one component (`app.kubernetes.io/component`). */
  podsOf(component: string): LocalPod[] {
    return this.pods.filter(
      (p) => p.plan.workload.template.labels['app.kubernetes.io/component'] === component,
    );
  }

  /** The long-running pods (Deployments, StatefulSets). */
  servicePods(): LocalPod[] {
    return this.pods.filter((p) => ['Deployment', 'StatefulSet'].includes(p.plan.workload.kind));
  }

  /** Resolves when every long-running pod answers `/health/ready` as its readiness probe would. */
  async waitUntilReady(timeoutMs: number, describeFailure: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ready = async (pod: LocalPod) =>
      fetch(`http://127.0.0.1:${pod.port('http')}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
    let waiting = this.servicePods();
    while (Date.now() < deadline) {
      const states = await Promise.all(waiting.map(ready));
      waiting = waiting.filter((_, i) => !states[i]);
      if (waiting.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const readiness = await Promise.all(
      waiting.map(async (pod) => {
        const body = await fetch(`http://127.0.0.1:${pod.port('http')}/health/ready`).then(
          (r) => r.text(),
          (error: unknown) => String(error),
        );
        return `${pod.name} (restarts ${pod.restarts}): ${body}\n${pod.output().slice(-2500)}`;
      }),
    );
    throw new Error(
      `pods not ready within ${timeoutMs} ms:\n${describeFailure()}\n${readiness.join('\n---\n')}`,
    );
  }

  /** Runs a Job from a CronJob's template, as `kubectl create job --from=cronjob/…` would. */
  async runCronJob(component: string, timeoutMs = 300_000): Promise<LocalPod> {
    const cron = this.model.workloads.find(
      (w) => w.kind === 'CronJob' && w.template.labels['app.kubernetes.io/component'] === component,
    );
    if (!cron) throw new Error(`no CronJob for ${component}`);
    const [plan] = await planPods(cron, [`${cron.name}-manual`]);
    if (!plan) throw new Error('no pod planned');
    const pod = new LocalPod(plan, this.cluster());
    await this.runToCompletion([pod], timeoutMs);
    return pod;
  }

  /** `helm test`: every test hook pod, to completion. */
  async helmTest(timeoutMs = 180_000): Promise<LocalPod[]> {
    const tests = this.model.workloads.filter((w) => this.phase(w) === 'test');
    const pods: LocalPod[] = [];
    for (const workload of tests) {
      const plans = await planPods(workload, [workload.name]);
      for (const plan of plans) pods.push(new LocalPod(plan, this.cluster()));
    }
    await this.runToCompletion(pods, timeoutMs);
    return pods;
  }

  /** `helm uninstall`: stops every pod, removes the proxy and the cluster settings it applied. */
  async uninstall(): Promise<void> {
    await Promise.all(this.pods.map((p) => p.stop('SIGKILL')));
    await this.eck?.proxy.close();
    await this.eck?.restore();
  }
}
