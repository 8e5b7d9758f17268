import type { DelayStats } from './delay-stats';
import type { CeilingResult } from './es-ceiling';
import type { CpuUse } from './process-meter';
import type { Settled } from './stream-progress';

/** CPU per process group (aggregator, kafka, elasticsearch, bench) over one phase. */
export interface PhaseCpu {
  phase: string;
  wallSeconds: number;
  cpu: Record<string, CpuUse>;
}

export interface BacklogResult {
  outputs: 'all' | 'raw';
  records: number;
  /** From the aggregator's start until the last record is in (its start included). */
  seconds: number;
  recordsPerSecond: number;
  peakRssMb: number;
}

export interface HistoryResult {
  minutes: number;
  ratePerSecond: number;
  records: number;
  /** From the aggregator's start (production overlapping) until its snapshots held every record. */
  stageOneSeconds: number;
  /** From the aggregator's start until the combine included it all, or stalled (see `settled`). */
  combinedSeconds: number;
  settled: Settled;
}

/** Records not yet in a combine stage, over a step's quarters and at its peak. */
export interface StepLag {
  countryMax: number;
  trendingMax: number;
  /** Mean over the step's second and last quarter: growth between them is falling behind. */
  countrySecondQuarter: number;
  countryLastQuarter: number;
  trendingSecondQuarter: number;
  trendingLastQuarter: number;
}

export interface StepResult {
  ratePerSecond: number;
  /** The country of the step's probe records (a tenth of them), whose delays are measured. */
  probeCountry: string;
  /** How the wait before the step ended (`stalled`: the combine could not include everything). */
  before: Settled;
  offeredPerSecond: number;
  seconds: number;
  byCountry: DelayStats;
  /** Per record: its first window's visibility minus its produce time (the slide's wait included). */
  trendingRecord: DelayStats;
  /** Per window end: its visibility minus its last record's produce time. */
  trendingWindow: DelayStats;
  lag: StepLag;
  keepsUp: boolean;
  /** Why it does not keep up (empty when it does). */
  reasons: string[];
  /** Mean combine cycle (ms) per stage during the step, from the aggregator's metrics. */
  combineMeanMs: { country: number; trending: number };
  bulkFailures: number;
}

export interface RestartResult {
  probeCountry: string;
  ratePerSecond: number;
  downtimeSeconds: number;
  /** Records produced between the SIGKILL and the restart. */
  backlogRecords: number;
  /** From the restart until /health/ready. */
  readySeconds: number;
  /** From the restart until its snapshots held every record produced before it. */
  stageOneSeconds: number;
  /** From the restart until every probe record produced before it is visible in by-country. */
  catchupSeconds: number;
  /** From the restart until both combine stages included every record produced before it; null: not within the limit. */
  combinedSeconds: number | null;
  peakRssMb: number;
}

export interface BenchResults {
  startedAt: string;
  wallSeconds: number;
  scale: number;
  scaled: string[];
  heapMib: number;
  ceilingRaw?: CeilingResult;
  ceilingAll?: CeilingResult;
  backlogRaw?: BacklogResult;
  backlogAll?: BacklogResult;
  history?: HistoryResult;
  steps: StepResult[];
  /** Why stepping stopped where it did. */
  steppingStopped?: string;
  restart?: RestartResult;
  peakRssMb: number;
  cpu: PhaseCpu[];
}
