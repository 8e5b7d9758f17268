import { PaneSums } from './pane-sums';
import type { ScopePanes, TopicPaneHistory } from './topic-pane-history';
import { rankByScore, trendScore } from './trend-score';

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

/** Window ends to compute: those in `(after, upTo]`, and only those in `only` when given. */
export interface WindowEnds {
  after: number;
  upTo: number;
  only?: ReadonlySet<number>;
}

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

type UnrankedRow = Omit<TrendingRow, 'rank'>;

/** How far back the rows of a window read: the window and its baseline windows. */
export function readSpanOf(
  settings: Pick<TrendingSettings, 'windowMs' | 'baselineWindows'>,
): number {
  return settings.windowMs * (settings.baselineWindows + 1);
}

/**
 * Trending topics of every window ending in `(after, upTo]`: count over
 * `[end - window, end)`, emitted when above the minimum support, scored
 * against the topic's counts in the `baselineWindows` windows of equal length
 * before it (as far as the history goes), ranked per window and scope.
 * Counts are those of the complete panes in `history` plus the `open` panes
 * from its frontier on (open panes before the frontier are ignored).
 */
export function trendingRows(
  history: TopicPaneHistory,
  open: ReadonlyMap<string, ScopePanes>,
  ends: WindowEnds,
  settings: TrendingSettings,
): TrendingRow[] {
  const rows: UnrankedRow[] = [];
  const frontier = history.frontier ?? Number.NEGATIVE_INFINITY;
  const held = history.scopesHeld();
  for (const scope of new Set([...held.keys(), ...open.keys()])) {
    const past = held.get(scope);
    const recent = open.get(scope);
    for (const urlkey of new Set([...(past?.keys() ?? []), ...(recent?.keys() ?? [])])) {
      const names = new Map<string, PaneSums[]>();
      for (const [name, sums] of past?.get(urlkey) ?? []) names.set(name, [sums]);
      for (const [name, counts] of recent?.get(urlkey) ?? []) {
        const after = new Map([...counts].filter(([pane]) => pane >= frontier));
        if (after.size > 0) names.set(name, [...(names.get(name) ?? []), new PaneSums(after)]);
      }
      rows.push(...topicRows(scope, urlkey, names, ends, settings));
    }
  }
  return rankedPerWindow(rows);
}

/**
 * Window ends in `(after, upTo]` whose window holds any counted activity, in
 * `history` or in the `open` panes, ascending: where rows can be.
 */
export function endsWithActivity(
  history: TopicPaneHistory,
  open: ReadonlyMap<string, ScopePanes>,
  ends: WindowEnds,
  settings: TrendingSettings,
): number[] {
  const firstNeeded = ends.after + settings.slideMs - settings.windowMs;
  const panes = new Set<number>();
  for (const topics of history.scopesHeld().values()) {
    for (const names of topics.values()) {
      for (const sums of names.values()) {
        for (const pane of sums.paneStartsFrom(firstNeeded)) panes.add(pane);
      }
    }
  }
  for (const topics of open.values()) {
    for (const names of topics.values()) {
      for (const counts of names.values()) {
        for (const pane of counts.keys()) if (pane >= firstNeeded) panes.add(pane);
      }
    }
  }
  return endsCovering(
    [...panes].sort((a, b) => a - b),
    ends,
    settings,
  );
}

/** Window ends in `(after, upTo]` whose window holds at least one of `panes` (sorted). */
function endsCovering(panes: readonly number[], ends: WindowEnds, settings: TrendingSettings) {
  const { windowMs, slideMs } = settings;
  const found: number[] = [];
  let next = ends.after + slideMs;
  for (const pane of panes) {
    // A pane is in the windows ending at pane + slide … pane + window.
    const last = Math.min(pane + windowMs, ends.upTo);
    for (let end = Math.max(next, pane + slideMs); end <= last; end += slideMs) found.push(end);
    next = Math.max(next, last + slideMs);
  }
  return found;
}

/** The rows of one topic in one scope, over every name it was counted under. */
function topicRows(
  scope: string,
  urlkey: string,
  names: ReadonlyMap<string, readonly PaneSums[]>,
  ends: WindowEnds,
  settings: TrendingSettings,
): UnrankedRow[] {
  const { windowMs, slideMs, minSupport } = settings;
  const sorted = [...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const all = sorted.flatMap(([, parts]) => parts);
  const total = (from: number, to: number) => sumOf(all, from, to);
  const firstNeeded = ends.after + slideMs - windowMs;
  const panes = [...new Set(all.flatMap((part) => part.paneStartsFrom(firstNeeded)))].sort(
    (a, b) => a - b,
  );
  const rows: UnrankedRow[] = [];
  for (const end of endsCovering(panes, ends, settings)) {
    if (ends.only && !ends.only.has(end)) continue;
    const count = total(end - windowMs, end);
    if (count <= minSupport) continue;
    const trend = trendScore(count, baselineOf(total, end, settings));
    const name = sorted.find(([, parts]) => sumOf(parts, end - windowMs, end) > 0)?.[0] ?? urlkey;
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

/** Counts of the baseline windows before the window ending at `end`, as far as the history goes. */
function baselineOf(
  total: (from: number, to: number) => number,
  end: number,
  settings: TrendingSettings,
): number[] {
  const { windowMs, baselineWindows, historyStart } = settings;
  const baseline: number[] = [];
  for (let k = 1; k <= baselineWindows; k += 1) {
    if (end - windowMs * (k + 1) < historyStart) break;
    baseline.push(total(end - windowMs * (k + 1), end - windowMs * k));
  }
  return baseline;
}

function sumOf(parts: readonly PaneSums[], from: number, to: number): number {
  let total = 0;
  for (const part of parts) total += part.sum(from, to);
  return total;
}

/** Ranks the rows of each window and scope among themselves. */
function rankedPerWindow(rows: readonly UnrankedRow[]): TrendingRow[] {
  const byWindow = new Map<string, UnrankedRow[]>();
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
