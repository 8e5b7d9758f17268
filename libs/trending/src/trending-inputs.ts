import type { ScopePanes } from './topic-pane-history';

/**
 * The inputs of one cycle's trending rows: the counts of the open panes, the
 * history start and the final mark. A topic's rows change only when one of its
 * counts changed (or the history start moved); a window's documents change
 * when it becomes final.
 */
export class TrendingInputs {
  private upTo = Number.NEGATIVE_INFINITY;

  constructor(
    /** The open panes' counts (held, not copied: a cycle's panes are not changed after). */
    private readonly open: ReadonlyMap<string, ScopePanes> = new Map(),
    readonly historyStart = Number.NaN,
    readonly closedBefore = Number.NEGATIVE_INFINITY,
  ) {}

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
   * that changed: only windows ending after that pane read it. (A pane that left
   * the open panes moved into the history with the count it had, which changes
   * nothing.)
   */
  changedTopics(before: TrendingInputs): ChangedTopic[] {
    const changed: ChangedTopic[] = [];
    for (const [scope, topics] of this.open) {
      const topicsBefore = before.open.get(scope);
      for (const [urlkey, names] of topics) {
        const namesBefore = topicsBefore?.get(urlkey);
        let firstPane = Number.POSITIVE_INFINITY;
        for (const [name, counts] of names) {
          const countsBefore = namesBefore?.get(name);
          for (const [pane, count] of counts) {
            if (pane < firstPane && countsBefore?.get(pane) !== count) firstPane = pane;
          }
        }
        if (Number.isFinite(firstPane)) changed.push({ scope, urlkey, firstPane });
      }
    }
    return changed;
  }
}

/** A topic in one scope whose counts changed, from `firstPane` on. */
export interface ChangedTopic {
  scope: string;
  urlkey: string;
  firstPane: number;
}
