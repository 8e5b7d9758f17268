export interface ProgressSnapshot {
  phase: string;
  done: number;
  total: number;
  percent: number;
  /** Units per second since the phase started. */
  rate: number;
  /** Seconds left at the current rate; undefined before anything is done. */
  etaSeconds: number | undefined;
  elapsedSeconds: number;
}

/** Done/total, rate and ETA of one phase of a run. Times are epoch milliseconds. */
export class ProgressTracker {
  private done = 0;

  constructor(
    readonly phase: string,
    private total: number,
    private readonly startedAt: number,
  ) {}

  advance(units: number): void {
    this.done += units;
  }

  /** The total may be an estimate; it never stays below what is already done. */
  setTotal(total: number): void {
    this.total = total;
  }

  snapshot(now: number): ProgressSnapshot {
    const total = Math.max(this.total, this.done);
    const elapsedSeconds = Math.max(now - this.startedAt, 0) / 1000;
    const rate = elapsedSeconds > 0 ? this.done / elapsedSeconds : 0;
    const left = total - this.done;
    return {
      phase: this.phase,
      done: this.done,
      total,
      percent: total > 0 ? Math.round((this.done / total) * 1000) / 10 : 100,
      rate: Math.round(rate * 10) / 10,
      etaSeconds: left === 0 ? 0 : rate > 0 ? Math.round(left / rate) : undefined,
      elapsedSeconds: Math.round(elapsedSeconds * 10) / 10,
    };
  }
}
