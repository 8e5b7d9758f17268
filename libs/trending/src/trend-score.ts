/** A topic's count in the current window against its own recent baseline. */
export interface TrendScore {
  count: number;
  baselineMean: number;
  baselineStddev: number;
  /** (count + 1) / (mean + 1): how many times the usual level, smoothed so 0 → 1 is not infinite. */
  ratio: number;
  /** (count − mean) / √(stddev² + mean + 1). */
  score: number;
}

/**
 * Scores `count` against `baseline` (the same topic's counts in the previous
 * windows of equal length). The denominator adds the Poisson variance of the
 * mean (`mean`) and 1 to the observed variance, so a topic that goes 0 → 1 or
 * 2 → 3 is not "trending" on noise, while a steady topic scores ≈ 0 whatever
 * its size and a jump from 2 to 40 scores ≈ 22. An empty baseline (the
 * window is at the very start of the stream's history) scores 0.
 */
export function trendScore(count: number, baseline: readonly number[]): TrendScore {
  const n = baseline.length;
  // No known past: nothing to compare against, so no claim of a trend.
  if (n === 0) return { count, baselineMean: 0, baselineStddev: 0, ratio: count + 1, score: 0 };
  let total = 0;
  for (const value of baseline) total += value;
  const mean = n === 0 ? 0 : total / n;
  let squares = 0;
  for (const value of baseline) squares += (value - mean) * (value - mean);
  const variance = n === 0 ? 0 : squares / n;
  return {
    count,
    baselineMean: mean,
    baselineStddev: Math.sqrt(variance),
    ratio: (count + 1) / (mean + 1),
    score: (count - mean) / Math.sqrt(variance + mean + 1),
  };
}

export interface Ranked<T> {
  item: T;
  rank: number;
}

/** Ranks by score (highest first), then count, then key, so ties order the same on every run. */
export function rankByScore<T extends { score: number; count: number; key: string }>(
  items: readonly T[],
): Ranked<T>[] {
  return [...items]
    .sort(
      (a, b) =>
        b.score - a.score || b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    )
    .map((item, index) => ({ item, rank: index + 1 }));
}
