export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: share of each delay that is random ("full jitter" at 1). */
  jitter: number;
}

/** Exponential backoff with jitter: initial, ×2 per attempt, capped; reset after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const base = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.round(base * (1 - this.options.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
