import { resolve } from 'node:path';

/**
 * What one `make bench` run of the aggregator measures, and how big. The only place the
 * benchmark reads its environment. Issue #15 asks for 5 minutes per live rate after 30
 * minutes of history, in a run under 20 minutes: `scaledPlan` says what is shortened.
 */
export interface BenchPlan {
  /** BENCH_SCALE: 1 for the report, 0.1 for a smoke run; multiplies volumes and durations. */
  scale: number;
  /** Records of the backlog and of the Elasticsearch-alone ceiling (the same records). */
  backlogRecords: number;
  /** Event time of the history before the live steps, produced as a backlog. */
  historyMinutes: number;
  historyRatePerSecond: number;
  /** Offered live rates, lowest first; stepping stops at the first that does not keep up past `mustMeasureRate`. */
  rates: number[];
  /** Always measured (the delays are at this rate), even after a rate that fell behind. */
  mustMeasureRate: number;
  warmupSeconds: number;
  stepSeconds: number;
  /** At most this long after a step for its records to become visible. */
  drainSeconds: number;
  /** A step keeps up only with its by-country p99 at or under this. */
  p99BoundMs: number;
  restartRatePerSecond: number;
  downtimeSeconds: number;
  /** Wall-clock budget: no further rate step starts when it would not fit with the restart. */
  budgetSeconds: number;
  heapMib: number;
  phases: Set<BenchPhase>;
  resultsDir: string;
  /** The engine instance (ENGINES_NAME), whose JVMs' CPU is measured. */
  enginesName: string;
}

export type BenchPhase = 'ceiling' | 'backlog' | 'live';
const PHASES: readonly BenchPhase[] = ['ceiling', 'backlog', 'live'];

/** Fixed seeds: the same records every run. */
export const Seeds = { backlog: 77, history: 11, live: 12 } as const;

const REPO_ROOT = resolve(__dirname, '../../..');

export function benchPlan(env: NodeJS.ProcessEnv = process.env): BenchPlan {
  const scale = positive(env.BENCH_SCALE, 1);
  const seconds = (full: number, floor: number) => Math.max(floor, Math.round(full * scale));
  return {
    scale,
    backlogRecords: Math.max(5_000, Math.round(100_000 * scale)),
    historyMinutes: Math.max(1, 30 * scale),
    historyRatePerSecond: 1_000,
    rates: [500, 1_000, 2_000, 3_000, 5_000],
    mustMeasureRate: 2_000,
    warmupSeconds: seconds(20, 5),
    stepSeconds: seconds(60, 10),
    drainSeconds: 20,
    p99BoundMs: positive(env.BENCH_P99_BOUND_MS, 10_000),
    restartRatePerSecond: 1_000,
    downtimeSeconds: seconds(60, 10),
    budgetSeconds: positive(env.BENCH_BUDGET_S, 19 * 60),
    heapMib: positive(env.AGGREGATOR_BENCH_HEAP_MIB, 576),
    phases: phasesOf(env.AGGREGATOR_BENCH_PHASES),
    resultsDir: resolve(REPO_ROOT, env.BENCH_RESULTS_DIR ?? 'bench/results'),
    enginesName: env.TEST_ENGINES_NAME ?? 'bench',
  };
}

/** What the plan shortens against the wording, for the report. */
export function scaledPlan(plan: BenchPlan): string[] {
  return [
    `history: ${plan.historyMinutes} min of event time at ${plan.historyRatePerSecond}/s ` +
      `(${Math.round(plan.historyMinutes * 60 * plan.historyRatePerSecond)} records), produced as a backlog ` +
      'while the aggregator starts, once for all rates (not at each step’s rate: 30 min at 5,000/s ' +
      'would be 9 M records, longer than the whole run)',
    `each rate for ${plan.stepSeconds} s (the issue: 5 min), after a ${plan.warmupSeconds} s ` +
      `warm-up at ${plan.rates[0]}/s that is not measured; rates ${plan.rates.join(', ')}/s; ` +
      `stepping stops after ${plan.mustMeasureRate}/s at the first rate that does not keep up, ` +
      `or when the next step would not fit the ${plan.budgetSeconds} s budget`,
    `restart: after the history and the steps, ${plan.warmupSeconds} s at ` +
      `${plan.restartRatePerSecond}/s, SIGKILL, ${plan.downtimeSeconds} s of records produced ` +
      'while it is down (production goes on throughout)',
    `scale ${plan.scale} (BENCH_SCALE): backlog and ceiling of ${plan.backlogRecords} records`,
  ];
}

function positive(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`not a positive number: ${text}`);
  return value;
}

function phasesOf(text: string | undefined): Set<BenchPhase> {
  if (text === undefined || text === '') return new Set(PHASES);
  const chosen = text.split(',').map((name) => name.trim());
  const unknown = chosen.filter((name) => !PHASES.includes(name as BenchPhase));
  if (unknown.length > 0) {
    throw new RangeError(`unknown phase ${unknown.join(', ')}; known: ${PHASES.join(', ')}`);
  }
  return new Set(chosen as BenchPhase[]);
}
