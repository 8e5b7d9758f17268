/**
 * How long to wait before the next attempt: exponential from `initialMs`, capped at `maxMs`,
 * with part of each delay random so that clients that failed together do not retry together.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** 0..1: the share of each delay that is random (0 = none; 1 = "full jitter"). */
  jitter: number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): `initialMs × 2^attempt`,
 * at most `maxMs`, less a random share of up to `jitter` of it. Whole milliseconds.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  // 2^31 is past any cap in milliseconds; the bound keeps the product finite.
  const exponent = Math.min(Math.max(0, attempt), 31);
  const base = Math.min(options.maxMs, options.initialMs * 2 ** exponent);
  return Math.round(base * (1 - options.jitter * random()));
}

/** `backoffDelay` for a loop that counts its failures in a row: `reset()` after a success. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const delay = backoffDelay(this.attempt, this.options, this.random);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
