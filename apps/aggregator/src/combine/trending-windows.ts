import { rankByScore, trendScore } from '@meetup/trend-scoring';
import { PaneSums } from '@meetup/windowing';

export interface TrendingSettings {
  windowMs: number;
  slideMs: number;
  minSupport: number;
  baselineWindows: number;
  /**
   * Start of the stream's history (first pane of counted activity): baseline
   * windows before it are unknown, not zero, and are left out — otherwise
   * every topic would "trend" during the first hour after a start.
   */
  historyStart: number;
}

/** Counts of one scope (the world, or one country): urlkey → name → pane start → count. */
export type ScopePanes = Map<string, Map<string, Map<number, number>>>;

export interface TrendingRow {
  scope: string;
  windowEnd: number;
  urlkey: string;
  name: string;
  count: number;
  score: number;
  baselineMean: number;
  baselineStddev: number;
  ratio: number;
  rank: number;
}

/**
 * Trending topics of every window ending after `after`, from pane counts:
 * count over `[end - window, end)`, emitted when above the minimum support,
 * scored against the topic's counts in the `baselineWindows` windows of equal
 * length before it (as far as the history goes), ranked per window and scope.
 */
export function trendingRows(
  scopes: ReadonlyMap<string, ScopePanes>,
  after: number,
  settings: TrendingSettings,
): TrendingRow[] {
  const rows: Omit<TrendingRow, 'rank'>[] = [];
  for (const [scope, topics] of scopes) {
    for (const [urlkey, names] of topics) {
      rows.push(...topicRows(scope, urlkey, names, after, settings));
    }
  }
  const byWindow = new Map<string, Omit<TrendingRow, 'rank'>[]>();
  for (const row of rows) {
    const key = `${row.scope}|${row.windowEnd}`;
    const list = byWindow.get(key) ?? [];
    list.push(row);
    byWindow.set(key, list);
  }
  const ranked: TrendingRow[] = [];
  for (const list of byWindow.values()) {
    for (const { item, rank } of rankByScore(list.map((r) => ({ ...r, key: r.urlkey })))) {
      ranked.push({
        scope: item.scope,
        windowEnd: item.windowEnd,
        urlkey: item.urlkey,
        name: item.name,
        count: item.count,
        score: item.score,
        baselineMean: item.baselineMean,
        baselineStddev: item.baselineStddev,
        ratio: item.ratio,
        rank,
      });
    }
  }
  return ranked;
}

function topicRows(
  scope: string,
  urlkey: string,
  names: ReadonlyMap<string, Map<number, number>>,
  after: number,
  settings: TrendingSettings,
): Omit<TrendingRow, 'rank'>[] {
  const { windowMs, slideMs, minSupport, baselineWindows } = settings;
  const merged = new Map<number, number>();
  const perName = [...names.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, panes]) => {
      for (const [pane, count] of panes) merged.set(pane, (merged.get(pane) ?? 0) + count);
      return { name, sums: new PaneSums(panes) };
    });
  const sums = new PaneSums(merged);
  const ends = new Set<number>();
  for (const pane of sums.paneStarts()) {
    for (let end = pane + slideMs; end <= pane + windowMs; end += slideMs) {
      if (end > after) ends.add(end);
    }
  }
  const rows: Omit<TrendingRow, 'rank'>[] = [];
  for (const end of ends) {
    const count = sums.sum(end - windowMs, end);
    if (count <= minSupport) continue;
    const baseline: number[] = [];
    for (let k = 1; k <= baselineWindows; k += 1) {
      if (end - windowMs * (k + 1) < settings.historyStart) break;
      baseline.push(sums.sum(end - windowMs * (k + 1), end - windowMs * k));
    }
    const trend = trendScore(count, baseline);
    const name = perName.find((n) => n.sums.sum(end - windowMs, end) > 0)?.name ?? urlkey;
    rows.push({
      scope,
      windowEnd: end,
      urlkey,
      name,
      count,
      score: trend.score,
      baselineMean: trend.baselineMean,
      baselineStddev: trend.baselineStddev,
      ratio: trend.ratio,
    });
  }
  return rows;
}
