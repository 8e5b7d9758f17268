import type { ScopePanes, TopicPaneHistory } from './topic-pane-history';
import { trendingRows, type TrendingRow, type TrendingSettings } from './trending-rows';

/** How many rows one run computes, and how many window ends one step. */
export interface RowBudget {
  /** No step starts once this many rows are computed (the last one may overshoot it a little). */
  rows: number;
  /** Window ends one step computes at most. */
  endsPerStep: number;
}

export interface TrendingRowStepsOptions {
  history: TopicPaneHistory;
  open: ReadonlyMap<string, ScopePanes>;
  /** The window ends to compute, ascending, all in `(range.after, range.upTo]`. */
  ends: readonly number[];
  /** Every end of the range not in `ends` needs no computing (its rows did not change). */
  range: { after: number; upTo: number };
  settings: TrendingSettings;
  budget: RowBudget;
}

/**
 * The rows of chosen window ends, computed a few ends at a time so that the
 * caller can let other work run between steps, until every end is computed
 * or the row budget is spent. A step takes as many ends as the budget left is
 * likely to hold at the rows per end seen so far, but at most twice the
 * previous step's, so a jump in density overshoots the budget by little.
 */
export class TrendingRowSteps {
  private done: number;
  private taken = 0;
  private rowCount = 0;
  private stepSize = 1;

  constructor(private readonly options: TrendingRowStepsOptions) {
    this.done = options.range.after;
  }

  /** Each step's rows; a step is computed only when the iteration asks for it. */
  *steps(): Generator<TrendingRow[], void, undefined> {
    while (this.taken < this.options.ends.length && this.rowCount < this.options.budget.rows) {
      yield this.step();
    }
  }

  /** The last window end whose rows are computed: the range's end once every end is. */
  get computedUpTo(): number {
    return this.taken >= this.options.ends.length ? this.options.range.upTo : this.done;
  }

  private step(): TrendingRow[] {
    const { history, open, ends, settings, budget } = this.options;
    const only = new Set(ends.slice(this.taken, this.taken + this.stepSize));
    const upTo = Math.max(...only);
    const rows = trendingRows(history, open, { after: this.done, upTo, only }, settings);
    this.done = upTo;
    this.taken += only.size;
    this.rowCount += rows.length;
    const perEnd = Math.max(1, this.rowCount / this.taken);
    const fits = Math.floor((budget.rows - this.rowCount) / perEnd);
    this.stepSize = Math.max(1, Math.min(this.stepSize * 2, fits, budget.endsPerStep));
    return rows;
  }
}
