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

type Series = Map<string, PaneSums>;

/**
 * Pane counts of every topic, per scope, for the panes that are complete (no
 * record that still counts can land in them): kept between combine cycles so
 * a cycle only reads the panes that may still change, and the baseline hour
 * is read from Elasticsearch once per leadership instead of every cycle.
 */
export class TopicPaneHistory {
  /** scope → urlkey → name → counts of complete panes. */
  private readonly scopes = new Map<string, Map<string, Series>>();
  private completeBefore: number | undefined;

  /** Panes starting before this are held here; undefined until the first panes are loaded. */
  get frontier(): number | undefined {
    return this.completeBefore;
  }

  /**
   * Takes the panes of `panes` that start in `[max(from, frontier), upTo)` as
   * complete (`panes` must hold every pane from `from` on, as read from the
   * activity). The frontier moves to `upTo`; it never moves back.
   */
  complete(panes: ReadonlyMap<string, ScopePanes>, from: number, upTo: number): void {
    const start = Math.max(from, this.completeBefore ?? from);
    if (upTo <= start) {
      this.completeBefore = start;
      return;
    }
    for (const [scope, topics] of panes) {
      for (const [urlkey, names] of topics) {
        for (const [name, counts] of names) {
          const starts = [...counts.keys()]
            .filter((pane) => pane >= start && pane < upTo)
            .sort((a, b) => a - b);
          if (starts.length === 0) continue;
          const sums = this.seriesOf(scope, urlkey, name);
          for (const pane of starts) sums.append(pane, counts.get(pane) ?? 0);
        }
      }
    }
    this.completeBefore = upTo;
  }

  /** Forgets the panes that start before `time`. */
  dropBefore(time: number): void {
    for (const [scope, topics] of this.scopes) {
      for (const [urlkey, names] of topics) {
        for (const [name, sums] of names) {
          sums.dropBefore(time);
          if (sums.last === undefined) names.delete(name);
        }
        if (names.size === 0) topics.delete(urlkey);
      }
      if (topics.size === 0) this.scopes.delete(scope);
    }
  }

  /** How many (scope, topic, name) series are held (what dropBefore leaves). */
  get size(): number {
    let size = 0;
    for (const topics of this.scopes.values()) {
      for (const names of topics.values()) size += names.size;
    }
    return size;
  }

  scopesHeld(): ReadonlyMap<string, ReadonlyMap<string, Series>> {
    return this.scopes;
  }

  private seriesOf(scope: string, urlkey: string, name: string): PaneSums {
    let topics = this.scopes.get(scope);
    if (!topics) this.scopes.set(scope, (topics = new Map<string, Series>()));
    let names = topics.get(urlkey);
    if (!names) topics.set(urlkey, (names = new Map<string, PaneSums>()));
    let sums = names.get(name);
    if (!sums) names.set(name, (sums = new PaneSums()));
    return sums;
  }
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
  const rows: Omit<TrendingRow, 'rank'>[] = [];
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

function topicRows(
  scope: string,
  urlkey: string,
  names: ReadonlyMap<string, readonly PaneSums[]>,
  ends: WindowEnds,
  settings: TrendingSettings,
): Omit<TrendingRow, 'rank'>[] {
  const { windowMs, slideMs, minSupport, baselineWindows } = settings;
  const sorted = [...names.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const sum = (parts: readonly PaneSums[], from: number, to: number) => {
    let total = 0;
    for (const part of parts) total += part.sum(from, to);
    return total;
  };
  const all = sorted.flatMap(([, parts]) => parts);
  const total = (from: number, to: number) => sum(all, from, to);
  const firstNeeded = ends.after + slideMs - windowMs;
  const panes = [...new Set(all.flatMap((part) => part.paneStartsFrom(firstNeeded)))].sort(
    (a, b) => a - b,
  );
  const rows: Omit<TrendingRow, 'rank'>[] = [];
  for (const end of endsCovering(panes, ends, settings)) {
    if (ends.only && !ends.only.has(end)) continue;
    const count = total(end - windowMs, end);
    if (count <= minSupport) continue;
    const baseline: number[] = [];
    for (let k = 1; k <= baselineWindows; k += 1) {
      if (end - windowMs * (k + 1) < settings.historyStart) break;
      baseline.push(total(end - windowMs * (k + 1), end - windowMs * k));
    }
    const trend = trendScore(count, baseline);
    const name = sorted.find(([, parts]) => sum(parts, end - windowMs, end) > 0)?.[0] ?? urlkey;
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
