import { readFileSync } from 'node:fs';
import { startService, type ServiceProcess } from '@meetup/test-support';

/** The memory bound of a service: its container limit in the chart (charts/meetup-analytics/values.yaml). */
export const MEMORY_LIMIT_MIB: Record<string, number> = {
  ingestor: 384,
  aggregator: 768,
  alerting: 256,
};

/** The chart's V8 heap cap: 75 % of the container limit (values.yaml `nodeHeap`). */
export function heapCapOf(app: string): Record<string, string> {
  const limit = MEMORY_LIMIT_MIB[app];
  return limit === undefined
    ? {}
    : { NODE_OPTIONS: `--max-old-space-size=${Math.floor(limit * 0.75)}` };
}

interface Member {
  app: string;
  env: Record<string, string>;
  current: ServiceProcess | undefined;
  /** Output of every incarnation, in order. */
  outputs: (() => string)[];
  peakRssMiB: number;
  /** Exits the fleet did not ask for. */
  unexpectedExits: string[];
  /** Set while the fleet itself stops or kills the process. */
  stopping: boolean;
}

/**
 * The services of a torture run as real processes, by name (`aggregator-1`, …): started,
 * killed, stalled and restarted on the schedule's word, their memory sampled every second and
 * every exit the schedule did not cause recorded.
 */
export class ServiceFleet {
  private readonly members = new Map<string, Member>();
  private readonly sampler: NodeJS.Timeout;

  constructor(private readonly readyTimeoutMs = 180_000) {
    this.sampler = setInterval(() => {
      this.sampleMemory();
    }, 1_000);
  }

  async start(name: string, app: string, env: Record<string, string>): Promise<ServiceProcess> {
    const member: Member = {
      app,
      env: { ...heapCapOf(app), ...env },
      current: undefined,
      outputs: [],
      peakRssMiB: 0,
      unexpectedExits: [],
      stopping: false,
    };
    this.members.set(name, member);
    return this.launch(name, member);
  }

  private async launch(name: string, member: Member): Promise<ServiceProcess> {
    member.stopping = false;
    const service = await startService(member.app, member.env, this.readyTimeoutMs);
    member.current = service;
    member.outputs.push(() => service.output());
    service.process.once('exit', (code, signal) => {
      if (!member.stopping) member.unexpectedExits.push(`${name}: exit ${code ?? signal}`);
    });
    return service;
  }

  names(app?: string): string[] {
    return [...this.members]
      .filter(([, m]) => (app === undefined || m.app === app) && m.current !== undefined)
      .map(([name]) => name);
  }

  /** The environment a service was started with (to start another like it). */
  envOf(name: string): Record<string, string> {
    return { ...this.member(name).env };
  }

  service(name: string): ServiceProcess {
    const current = this.member(name).current;
    if (!current) throw new Error(`${name} is not running`);
    return current;
  }

  async kill(name: string): Promise<void> {
    await this.stop(name, 'SIGKILL');
  }

  async stop(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const member = this.member(name);
    const current = member.current;
    if (!current) return null;
    member.stopping = true;
    if (current.process.signalCode === 'SIGSTOP') current.process.kill('SIGCONT');
    const code = await current.stop(signal);
    member.current = undefined;
    return code;
  }

  async restart(name: string): Promise<void> {
    await this.launch(name, this.member(name));
  }

  stall(name: string): void {
    this.service(name).process.kill('SIGSTOP');
  }

  resume(name: string): void {
    this.service(name).process.kill('SIGCONT');
  }

  /** Every line every incarnation of every service wrote. */
  logs(): { name: string; text: string }[] {
    return [...this.members].map(([name, m]) => ({
      name,
      text: m.outputs.map((output) => output()).join(''),
    }));
  }

  peaks(): { name: string; app: string; peakRssMiB: number }[] {
    return [...this.members].map(([name, m]) => ({ name, app: m.app, peakRssMiB: m.peakRssMiB }));
  }

  unexpectedExits(): string[] {
    return [...this.members.values()].flatMap((m) => m.unexpectedExits);
  }

  async stopAll(): Promise<void> {
    clearInterval(this.sampler);
    await Promise.all([...this.members.keys()].map((name) => this.stop(name)));
  }

  private member(name: string): Member {
    const member = this.members.get(name);
    if (!member) throw new Error(`no service named ${name}`);
    return member;
  }

  private sampleMemory(): void {
    for (const member of this.members.values()) {
      const pid = member.current?.process.pid;
      if (pid === undefined || member.current?.process.exitCode !== null) continue;
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
        member.peakRssMiB = Math.max(member.peakRssMiB, kib / 1024);
      } catch {
        // Gone between the check and the read: its last sample stands.
      }
    }
  }
}
