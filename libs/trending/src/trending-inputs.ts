import type { ScopePanes } from './topic-pane-history';

/**
 * The inputs of one cycle's trending rows: the counts of the open panes, the
 * history start and the final mark. A topic's rows change only when one of its
 * counts changed (or the history start moved); a window's documents change
 * when it becomes final.
 */
export class TrendingInputs {
  /** `scope<TAB>urlkey<TAB>name<TAB>pane` → count, of the open panes. */
  private readonly counts = new Map<string, number>();
  private upTo = Number.NEGATIVE_INFINITY;

  constructor(
    open: ReadonlyMap<string, ScopePanes> = new Map(),
    readonly historyStart = Number.NaN,
    readonly closedBefore = Number.NEGATIVE_INFINITY,
  ) {
    for (const [scope, topics] of open) {
      for (const [urlkey, names] of topics) {
        for (const [name, panes] of names) {
          for (const [pane, count] of panes)
            this.counts.set(`${scope}\t${urlkey}\t${name}\t${pane}`, count);
        }
      }
    }
  }

  /** The same inputs, with every window up to `upTo` computed from them. */
  computedUpTo(upTo: number): this {
    this.upTo = upTo;
    return this;
  }

  /**
   * The window ends up to which rows computed from `before` still hold for every
   * topic whose counts did not change: none when the history start moved (the
   * baselines of every window may change with it).
   */
  validUpTo(before: TrendingInputs): number {
    return this.historyStart === before.historyStart ? before.upTo : Number.NEGATIVE_INFINITY;
  }

  /**
   * The topics whose counts changed since `before`, each with the earliest pane
   * that changed: `scope<TAB>urlkey` → pane start. Only windows ending after that
   * pane read it. (A pane that left the open panes moved into the history with
   * the count it had, which changes nothing.)
   */
  changedTopics(before: TrendingInputs): Map<string, number> {
    const changed = new Map<string, number>();
    for (const [key, count] of this.counts) {
      if (before.counts.get(key) === count) continue;
      const paneAt = key.lastIndexOf('\t');
      const topic = key.slice(0, key.lastIndexOf('\t', paneAt - 1));
      const pane = Number(key.slice(paneAt + 1));
      changed.set(topic, Math.min(pane, changed.get(topic) ?? pane));
    }
    return changed;
  }
}
