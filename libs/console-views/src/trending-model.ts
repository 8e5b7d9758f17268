import { epochMs } from './epoch-ms';
import type { TrendingList, TrendingTopic, TrendingView } from './live-views';

/** One document of `meetup_global_trending_topics` or `meetup_country_trending_topics`. */
export interface TrendingDoc {
  /** Epoch ms as the aggregator writes it (an ISO string is read too). */
  window_end: number | string;
  topic_urlkey: string;
  topic_name: string;
  count: number;
  score: number;
  baseline_mean: number;
  baseline_stddev: number;
  ratio: number;
  rank: number;
  final: boolean;
  updated_at: string;
  /** Country trending only. */
  country?: string;
  country_name?: string;
}

export interface TrendingModelOptions {
  /** Rows per list. */
  topics: number;
  /** Windows per sparkline. */
  sparkWindows: number;
  /** The aggregator's slide: the distance between two window ends. */
  slideMs: number;
}

interface Row extends Omit<TrendingTopic, 'spark'> {
  windowEnd: number;
  final: boolean;
}

/** The rows of one scope (global, or one country), by window end then urlkey. */
class ScopeRows {
  readonly windows = new Map<number, Map<string, Row>>();
  name = '';

  newestEnd(): number | undefined {
    let newest: number | undefined;
    for (const end of this.windows.keys()) if (newest === undefined || end > newest) newest = end;
    return newest;
  }
}

const GLOBAL = '';

/**
 * The trending rows of the recent windows, global and per country, folded from
 * documents as they change (a document is keyed by scope, window end and topic, so
 * applying it again changes nothing). Lists show the newest window of their scope;
 * each topic's sparkline is its count in the windows before, 0 where it did not trend.
 */
export class TrendingModel {
  private readonly scopes = new Map<string, ScopeRows>();

  constructor(private readonly options: TrendingModelOptions) {}

  /** Folds documents in; true when any list or sparkline may have changed. */
  apply(docs: readonly TrendingDoc[]): boolean {
    let changed = false;
    for (const doc of docs) {
      const windowEnd = epochMs(doc.window_end);
      if (!Number.isFinite(windowEnd)) continue;
      const scopeKey = doc.country ?? GLOBAL;
      let scope = this.scopes.get(scopeKey);
      if (scope === undefined) {
        scope = new ScopeRows();
        this.scopes.set(scopeKey, scope);
      }
      if (doc.country_name !== undefined) scope.name = doc.country_name;
      let window = scope.windows.get(windowEnd);
      if (window === undefined) {
        window = new Map();
        scope.windows.set(windowEnd, window);
      }
      const row: Row = {
        windowEnd,
        final: doc.final,
        urlkey: doc.topic_urlkey,
        name: doc.topic_name,
        rank: doc.rank,
        count: doc.count,
        baselineMean: doc.baseline_mean,
        baselineStddev: doc.baseline_stddev,
        ratio: doc.ratio,
        score: doc.score,
      };
      const before = window.get(row.urlkey);
      if (before === undefined || JSON.stringify(before) !== JSON.stringify(row)) changed = true;
      window.set(row.urlkey, row);
    }
    if (changed) this.prune();
    return changed;
  }

  clear(): void {
    this.scopes.clear();
  }

  /** The newest window end of any scope: the stream time of trending. */
  get streamTime(): number | undefined {
    let newest: number | undefined;
    for (const scope of this.scopes.values()) {
      const end = scope.newestEnd();
      if (end !== undefined && (newest === undefined || end > newest)) newest = end;
    }
    return newest;
  }

  /** The global list and, when `country` is given, that country's. */
  view(country: string | undefined): TrendingView {
    const sparkWindowEnds = this.sparkEnds();
    return {
      global: this.list(GLOBAL, sparkWindowEnds),
      country:
        country === undefined
          ? undefined
          : {
              code: country,
              name: this.scopes.get(country)?.name ?? country.toUpperCase(),
              ...this.list(country, sparkWindowEnds),
            },
      sparkWindowEnds,
    };
  }

  private list(scopeKey: string, sparkEnds: readonly number[]): TrendingList {
    const scope = this.scopes.get(scopeKey);
    const windowEnd = scope?.newestEnd();
    if (scope === undefined || windowEnd === undefined) {
      return { windowEnd: undefined, final: false, topics: [] };
    }
    const rows = [...(scope.windows.get(windowEnd)?.values() ?? [])]
      .sort((a, b) => a.rank - b.rank || b.score - a.score || a.urlkey.localeCompare(b.urlkey))
      .slice(0, this.options.topics);
    return {
      windowEnd,
      final: rows.every((row) => row.final),
      topics: rows.map((row) => ({
        urlkey: row.urlkey,
        name: row.name,
        rank: row.rank,
        count: row.count,
        baselineMean: row.baselineMean,
        baselineStddev: row.baselineStddev,
        ratio: row.ratio,
        score: row.score,
        spark: sparkEnds.map((end) => scope.windows.get(end)?.get(row.urlkey)?.count ?? 0),
      })),
    };
  }

  /** The window ends of the sparklines: the newest and the slides before it. */
  private sparkEnds(): number[] {
    const newest = this.streamTime;
    if (newest === undefined) return [];
    const slide = this.options.slideMs;
    const n = this.options.sparkWindows;
    return Array.from({ length: n }, (_, i) => newest - (n - 1 - i) * slide);
  }

  private prune(): void {
    const newest = this.streamTime;
    if (newest === undefined) return;
    // Twice the sparkline's span: a country's newest window may be a little behind the global one.
    const oldest = newest - 2 * this.options.sparkWindows * this.options.slideMs;
    for (const [key, scope] of this.scopes) {
      for (const end of scope.windows.keys()) if (end < oldest) scope.windows.delete(end);
      if (scope.windows.size === 0) this.scopes.delete(key);
    }
  }
}
