/** p50, p99 and max of a set of delays (ms); Infinity counts a record never seen. */
export interface DelayStats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function delayStats(delays: readonly number[]): DelayStats {
  const sorted = [...delays].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

/** One send of the live producer: `count` records produced at `at` (their mtime too), `probes` of them probe records. */
export interface ProducedTick {
  at: number;
  count: number;
  probes: number;
}

/** A probe's reading: at `at`, `value` (a running total, or the newest window end). */
export interface Reading {
  at: number;
  value: number;
}

/**
 * Produce → visible for every probe record of the ticks, when each adds one to a running
 * total (its probe country's responses): probe i (from 0, in produce order) is visible at
 * the first reading whose total reached i + 1. Readings are in time order, totals do not
 * decrease.
 */
export function delaysByTotal(
  ticks: readonly ProducedTick[],
  readings: readonly Reading[],
): number[] {
  const delays: number[] = [];
  let reading = 0;
  let index = 0;
  for (const tick of ticks) {
    for (let i = 0; i < tick.probes; i += 1) {
      index += 1;
      while (reading < readings.length && (readings[reading]?.value ?? 0) < index) reading += 1;
      const seen = readings[reading];
      delays.push(seen ? Math.max(0, seen.at - tick.at) : Infinity);
    }
  }
  return delays;
}

/** The first reading at or after which the value reached `target`, or undefined. */
export function firstReachingTime(
  readings: readonly Reading[],
  target: number,
): number | undefined {
  let low = 0;
  let high = readings.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((readings[mid]?.value ?? -Infinity) >= target) high = mid;
    else low = mid + 1;
  }
  return readings[low]?.at;
}

/**
 * Trending delays of the ticks. A record of mtime m is first in the window ending at
 * E = (⌊m / slide⌋ + 1) · slide (panes are [start, start + slide), a window holds the
 * panes in [E − length, E)). `perRecord`: E's visibility (a document with window_end ≥ E)
 * minus the record's produce time, the wait for E to come included. `perWindow`: E's
 * visibility minus the produce time of E's last record — the system's own delay. The
 * step's last window is emitted only once a later record arrives: its records are left out.
 */
export function trendingDelays(
  ticks: readonly ProducedTick[],
  windowEnds: readonly Reading[],
  slideMs: number,
): { perRecord: number[]; perWindow: number[] } {
  const endOf = (at: number) => (Math.floor(at / slideMs) + 1) * slideMs;
  const lastEnd = endOf(ticks.at(-1)?.at ?? 0);
  const visibleAt = new Map<number, number>();
  const lastOfWindow = new Map<number, number>();
  const perRecord: number[] = [];
  for (const tick of ticks) {
    const end = endOf(tick.at);
    if (end === lastEnd) break;
    lastOfWindow.set(end, tick.at);
    if (!visibleAt.has(end)) visibleAt.set(end, firstReachingTime(windowEnds, end) ?? Infinity);
    const delay = Math.max(0, (visibleAt.get(end) ?? Infinity) - tick.at);
    for (let i = 0; i < tick.count; i += 1) perRecord.push(delay);
  }
  const perWindow = [...lastOfWindow].map(([end, last]) =>
    Math.max(0, (visibleAt.get(end) ?? Infinity) - last),
  );
  return { perRecord, perWindow };
}
