import { PaneSums } from './pane-sums';

/** Counts of one scope (the world, or one country): urlkey → name → pane start → count. */
export type ScopePanes = Map<string, Map<string, Map<number, number>>>;

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
