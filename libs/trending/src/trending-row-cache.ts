import { rankedWindow, type TrendingRow, type UnrankedRow } from './trending-rows';

/** One window end's rows: scope → urlkey → row. */
type EndRows = Map<string, Map<string, UnrankedRow>>;

/**
 * The rows of the windows not final yet, per window end, scope and topic, kept
 * between cycles so that a cycle recomputes only the topics whose counts
 * changed. Each (end, scope) whose rows changed, or whose documents must be
 * written again (the window became final), is "touched"; `takeTouched` ranks
 * those windows again and returns all their rows.
 */
export class TrendingRowCache {
  private readonly ends = new Map<number, EndRows>();
  /** end → the scopes touched there, or all of them. */
  private readonly touched = new Map<number, Set<string> | 'all'>();

  /** Replaces every row of the window ending at `end` (all scopes) with `rows`. */
  replaceEnd(end: number, rows: readonly UnrankedRow[]): void {
    const byScope: EndRows = new Map();
    for (const row of rows) {
      let topics = byScope.get(row.scope);
      if (!topics) byScope.set(row.scope, (topics = new Map<string, UnrankedRow>()));
      topics.set(row.urlkey, row);
    }
    this.ends.set(end, byScope);
    this.touched.set(end, 'all');
  }

  /**
   * Replaces the rows of one topic in one scope for the window ends in `ends`
   * (windows whose other topics' rows are held, or have none).
   */
  replaceTopic(
    scope: string,
    urlkey: string,
    ends: readonly number[],
    rows: readonly UnrankedRow[],
  ): void {
    const fresh = new Map(rows.map((row) => [row.windowEnd, row]));
    for (const end of ends) {
      let held = this.ends.get(end);
      if (!held) this.ends.set(end, (held = new Map<string, Map<string, UnrankedRow>>()));
      const row = fresh.get(end);
      let topics = held.get(scope);
      if (!row && !topics?.has(urlkey)) continue;
      if (!topics) held.set(scope, (topics = new Map<string, UnrankedRow>()));
      if (row) topics.set(urlkey, row);
      else topics.delete(urlkey);
      this.touch(end, scope);
    }
  }

  /** Marks every scope of the window ending at `end` to be written again. */
  touchEnd(end: number): void {
    if (this.ends.has(end)) this.touched.set(end, 'all');
  }

  /** The ends held, ascending. */
  heldEnds(): number[] {
    return [...this.ends.keys()].sort((a, b) => a - b);
  }

  /** The rows of every touched window, ranked per window and scope; nothing is touched after. */
  takeTouched(): TrendingRow[] {
    const rows: TrendingRow[] = [];
    for (const [end, scopes] of this.touched) {
      const held = this.ends.get(end);
      if (!held) continue;
      for (const scope of scopes === 'all' ? held.keys() : scopes) {
        rows.push(...rankedWindow([...(held.get(scope)?.values() ?? [])]));
      }
    }
    this.touched.clear();
    return rows;
  }

  /** Forgets the windows ending at or before `end` (final and written) or after `upTo` (not computed). */
  keepOnly(after: number, upTo: number): void {
    for (const end of this.ends.keys()) {
      if (end <= after || end > upTo) {
        this.ends.delete(end);
        this.touched.delete(end);
      }
    }
  }

  clear(): void {
    this.ends.clear();
    this.touched.clear();
  }

  private touch(end: number, scope: string): void {
    const scopes = this.touched.get(end);
    if (scopes === 'all') return;
    if (scopes) scopes.add(scope);
    else this.touched.set(end, new Set([scope]));
  }
}
