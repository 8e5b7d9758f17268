import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    // The command name (field 2) may hold spaces: fields are counted after its ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Resident set size in MB; 0 once the process is gone. */
export function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/**
 * The JVMs of the benchmark's engine instance: engines.sh starts them with
 * `-Dmeetup.engines=<cache>/engines/<name>/<kafka|es>`, which is how they are told apart
 * from other instances' (the test or torture engines may run beside).
 */
export function enginePids(instance: string): { kafka: number[]; elasticsearch: number[] } {
  const found = { kafka: [] as number[], elasticsearch: [] as number[] };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const marker = /-Dmeetup\.engines=(\S+?)(?:\0|$)/.exec(cmdline)?.[1] ?? '';
    if (marker.includes(`/engines/${instance}/kafka`)) found.kafka.push(Number(entry));
    if (marker.includes(`/engines/${instance}/es`)) found.elasticsearch.push(Number(entry));
  }
  return found;
}

/** Named groups of processes whose CPU is measured together (an engine may be several JVMs). */
export type ProcessGroups = Record<string, () => readonly number[]>;

export interface CpuUse {
  /** CPU seconds over the span. */
  seconds: number;
  /** Cores busy on average: CPU seconds per wall second. */
  cores: number;
}

/** CPU use per group between `start()` and `stop()`; a process that appears in between counts from 0. */
export class CpuMeter {
  private readonly before = new Map<number, number>();
  private startedAt = 0;

  constructor(private readonly groups: ProcessGroups) {}

  start(): this {
    this.startedAt = Date.now();
    for (const pids of Object.values(this.groups)) {
      for (const pid of pids()) this.before.set(pid, cpuSeconds(pid));
    }
    return this;
  }

  stop(): Record<string, CpuUse> {
    const wall = Math.max(0.001, (Date.now() - this.startedAt) / 1000);
    const use: Record<string, CpuUse> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      const seconds = pids().reduce(
        (sum, pid) => sum + cpuSeconds(pid) - (this.before.get(pid) ?? 0),
        0,
      );
      use[name] = { seconds, cores: seconds / wall };
    }
    return use;
  }
}

/** The highest RSS of a process seen by sampling every `everyMs` (a process given later is followed). */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: () => number | undefined,
    everyMs = 250,
  ) {
    this.timer = setInterval(() => {
      this.sample();
    }, everyMs);
  }

  get peakMb(): number {
    this.sample();
    return this.peak;
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peakMb;
  }

  private sample(): void {
    const pid = this.pid();
    if (pid !== undefined) this.peak = Math.max(this.peak, rssMb(pid));
  }
}
