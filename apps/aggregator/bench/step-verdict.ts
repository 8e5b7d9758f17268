import type { StepLag } from './bench-results';
import type { DelayStats, ProducedTick } from './delay-stats';
import type { LagReading } from './visibility-probe';

/**
 * Records not combined yet over a step: the peak, and the means over its second and last
 * quarter of produce time (the first quarter still carries the step before).
 */
export function stepLag(lags: readonly LagReading[], ticks: readonly ProducedTick[]): StepLag {
  const start = ticks[0]?.at ?? 0;
  const span = Math.max(1, (ticks.at(-1)?.at ?? start) - start);
  const within = lags.filter((l) => l.at >= start && l.at <= start + span);
  const quarter = (q: number, key: 'country' | 'trending') => {
    const inQuarter = within.filter((l) => Math.floor(((l.at - start) / span) * 4) === q);
    return inQuarter.reduce((sum, l) => sum + l[key], 0) / Math.max(1, inQuarter.length);
  };
  return {
    countryMax: Math.max(0, ...within.map((l) => l.country)),
    trendingMax: Math.max(0, ...within.map((l) => l.trending)),
    countrySecondQuarter: quarter(1, 'country'),
    countryLastQuarter: quarter(3, 'country'),
    trendingSecondQuarter: quarter(1, 'trending'),
    trendingLastQuarter: quarter(3, 'trending'),
  };
}

/**
 * Whether a step kept up, and if not why: every record visible in by-country by the end
 * of the drain, its p99 within the bound, every trending window written, and neither
 * stage's lag grown by more than one second of records between the second and last quarter.
 */
export function stepVerdict(input: {
  ratePerSecond: number;
  p99BoundMs: number;
  byCountry: DelayStats;
  trendingWindow: DelayStats;
  lag: StepLag;
}): string[] {
  const { ratePerSecond, p99BoundMs, byCountry, trendingWindow, lag } = input;
  const reasons: string[] = [];
  if (!Number.isFinite(byCountry.max))
    reasons.push('records not visible in by-country after the drain');
  else if (byCountry.p99 > p99BoundMs) reasons.push(`by-country p99 over ${p99BoundMs} ms`);
  if (!Number.isFinite(trendingWindow.max))
    reasons.push('trending windows not written after the drain');
  const grew = (second: number, last: number, stage: string) => {
    if (last - second > ratePerSecond)
      reasons.push(`${stage} lag grew by ${Math.round(last - second)} records`);
  };
  grew(lag.countrySecondQuarter, lag.countryLastQuarter, 'by-country');
  grew(lag.trendingSecondQuarter, lag.trendingLastQuarter, 'trending');
  return reasons;
}
