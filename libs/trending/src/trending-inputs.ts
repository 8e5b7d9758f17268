import type { ScopePanes } from './topic-pane-history';

/**
 * The inputs of one cycle's trending rows: a window's rows change only when
 * a pane it or its baseline reads changed, the history start moved, it became
 * final, or it was not computed before.
 */
export class TrendingInputs {
  /** `scope<TAB>urlkey<TAB>name<TAB>pane` → count, of the open panes. */
  private readonly counts = new Map<string, number>();
  private upTo = Number.NEGATIVE_INFINITY;
  private changed: number[] | undefined;

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

  /** Whether the rows of the window ending at `end` (reading `span` back) may differ from `before`'s. */
  changedFor(end: number, before: TrendingInputs, span: number): boolean {
    if (end > before.upTo || this.historyStart !== before.historyStart) return true;
    if (end <= this.closedBefore && end > before.closedBefore) return true;
    return this.changedPanes(before).some((pane) => pane < end && pane >= end - span);
  }

  private changedPanes(before: TrendingInputs): number[] {
    if (this.changed) return this.changed;
    const panes = new Set<number>();
    for (const [key, count] of this.counts) {
      if (before.counts.get(key) !== count) panes.add(Number(key.slice(key.lastIndexOf('\t') + 1)));
    }
    return (this.changed = [...panes]);
  }
}
