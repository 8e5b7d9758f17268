import type { BenchResults, StepResult } from './bench-results';

/** The step at a rate, if it was measured. */
export function stepAt(results: BenchResults, rate: number): StepResult | undefined {
  return results.steps.find((s) => s.ratePerSecond === rate);
}

/** The highest measured rate that kept up, with every lower rate keeping up too; 0 if none. */
export function sustainedRate(results: BenchResults): number {
  let best = 0;
  for (const step of [...results.steps].sort((a, b) => a.ratePerSecond - b.ratePerSecond)) {
    if (!step.keepsUp) break;
    best = step.ratePerSecond;
  }
  return best;
}

const round = (value: number | undefined, digits = 0) =>
  value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(digits));

/**
 * The keys issue #15 asks `bench/results/latest.json` for (numbers; null when a phase did
 * not run or a record was never seen), and a few more of the same kind.
 */
export function summaryKeys(results: BenchResults, rate = 2_000): Record<string, number | null> {
  const at = stepAt(results, rate);
  const ceiling = results.ceilingAll?.recordsPerSecond;
  const backlogAll = results.backlogAll?.recordsPerSecond;
  const backlogRaw = results.backlogRaw?.recordsPerSecond;
  const ratio = (a?: number, b?: number) =>
    a === undefined || b === undefined ? undefined : a / b;
  return {
    ceiling_records_per_s: round(ceiling),
    ceiling_raw_records_per_s: round(results.ceilingRaw?.recordsPerSecond),
    ceiling_raw_docs_per_s: round(results.ceilingRaw?.docsPerSecond),
    ceiling_all_docs_per_s: round(results.ceilingAll?.docsPerSecond),
    backlog_all_records_per_s: round(backlogAll),
    backlog_raw_records_per_s: round(backlogRaw),
    backlog_all_ratio: round(ratio(backlogAll, ceiling), 3),
    backlog_raw_ratio: round(ratio(backlogRaw, results.ceilingRaw?.recordsPerSecond), 3),
    sustained_rate_per_s: results.steps.length > 0 ? sustainedRate(results) : null,
    [`p50_ms_by_country_at_${rate}`]: round(at?.byCountry.p50),
    [`p99_ms_by_country_at_${rate}`]: round(at?.byCountry.p99),
    [`max_ms_by_country_at_${rate}`]: round(at?.byCountry.max),
    [`p50_ms_trending_at_${rate}`]: round(at?.trendingRecord.p50),
    [`p99_ms_trending_at_${rate}`]: round(at?.trendingRecord.p99),
    [`max_ms_trending_at_${rate}`]: round(at?.trendingRecord.max),
    [`p99_ms_trending_window_at_${rate}`]: round(at?.trendingWindow.p99),
    restart_catchup_s: round(results.restart?.catchupSeconds, 1),
    restart_stage_one_s: round(results.restart?.stageOneSeconds, 1),
    restart_combined_s: round(results.restart?.combinedSeconds ?? undefined, 1),
    peak_rss_mb: round(results.peakRssMb),
    wall_s: round(results.wallSeconds),
    scale: results.scale,
  };
}
