import { bucketStart } from '@meetup/windowing';
import { TopicPaneHistory, type ScopePanes } from './topic-pane-history';
import { TrendingInputs } from './trending-inputs';
import { TrendingRowCache } from './trending-row-cache';
import { TrendingRowSteps, type RowBudget } from './trending-row-steps';
import {
  endsWithActivity,
  readSpanOf,
  topicRowsOf,
  type TrendingRow,
  type TrendingSettings,
} from './trending-rows';

/** The window ends one cycle may compute, `(after, upTo]`, and what they are computed from. */
export interface WindowsCycle {
  /** The final mark: windows ending at or before it are final and written. */
  after: number;
  /** Window ends up to this are computed (the stream time's slide, or the read budget's reach). */
  upTo: number;
  /** Event time of the first counted message. */
  historyStart: number;
  /** Windows ending at or before this are final. */
  closedBefore: number;
}

/** What a cycle computed: the rows whose documents change, and the last window end computed. */
export interface WindowsCycleRows {
  rows: TrendingRow[];
  upTo: number;
}

/** Changed topics recomputed per step before the caller may run other work. */
const TOPICS_PER_STEP = 2_000;

/**
 * The trending windows not final yet, kept between combine cycles: the history
 * of complete panes, the rows of every window computed so far and the inputs
 * they were computed from. A cycle computes whole only the windows it has not
 * computed before; in the others it recomputes the topics whose counts changed,
 * and re-ranks only the windows (per scope) where a row changed or that became
 * final. A cycle's cost follows the topics that changed, not the records per
 * window.
 */
export class OpenTrendingWindows {
  private readonly history = new TopicPaneHistory();
  private readonly cache = new TrendingRowCache();
  private lastInputs = new TrendingInputs();

  constructor(
    private readonly settings: Omit<TrendingSettings, 'historyStart'>,
    private readonly budget: RowBudget,
  ) {}

  /** How far back a window's rows read: the window and its baseline windows. */
  get readSpan(): number {
    return readSpanOf(this.settings);
  }

  /**
   * The first pane a cycle past `after` reads from Elasticsearch: the history
   * holds the panes before it. Forgets the panes no window still to compute needs.
   */
  readFrom(after: number): number {
    const { slideMs } = this.settings;
    // The oldest pane any window still to compute needs: its last baseline window's start.
    const needed = bucketStart(after + slideMs - this.readSpan, slideMs);
    this.history.dropBefore(needed);
    return Math.max(needed, this.history.frontier ?? needed);
  }

  /**
   * Moves the panes read from `from` on that no record that still counts can land in
   * (those ending before `closedBefore`, up to `upTo`) into the history.
   */
  complete(
    open: ReadonlyMap<string, ScopePanes>,
    from: number,
    closedBefore: number,
    upTo: number,
  ) {
    if (!Number.isFinite(closedBefore)) return;
    const { slideMs } = this.settings;
    this.history.complete(open, from, Math.min(bucketStart(closedBefore, slideMs), upTo));
  }

  /**
   * The rows of `cycle` whose documents change, computed in steps (the generator
   * yields between them so the caller can let other work run); returns them
   * once every step ran. `open` holds every pane from `readFrom` up to `upTo`.
   */
  *rows(
    open: ReadonlyMap<string, ScopePanes>,
    cycle: WindowsCycle,
  ): Generator<undefined, WindowsCycleRows, undefined> {
    const settings = this.settingsOf(cycle.historyStart);
    const current = new TrendingInputs(open, cycle.historyStart, cycle.closedBefore);
    // Windows up to `valid` are held; those after it are computed whole.
    const valid = Math.max(cycle.after, Math.min(current.validUpTo(this.lastInputs), cycle.upTo));
    this.cache.keepOnly(cycle.after, valid);
    yield* this.changedTopics(open, current, { after: cycle.after, upTo: valid }, settings);
    this.touchBecomingFinal(cycle, valid);
    const upTo = yield* this.newWindows(open, { after: valid, upTo: cycle.upTo }, settings);
    this.lastInputs = current.computedUpTo(upTo);
    this.cache.keepOnly(cycle.after, upTo);
    return { rows: this.cache.takeTouched(), upTo };
  }

  /** Recomputes, in the held windows, the topics whose counts changed since the last cycle. */
  private *changedTopics(
    open: ReadonlyMap<string, ScopePanes>,
    current: TrendingInputs,
    held: { after: number; upTo: number },
    settings: TrendingSettings,
  ): Generator<undefined, void, undefined> {
    if (held.upTo <= held.after) return;
    let done = 0;
    for (const [key, firstPane] of current.changedTopics(this.lastInputs)) {
      const [scope = '', urlkey = ''] = key.split('\t');
      // Only the windows ending after the earliest changed pane read it.
      const after = Math.max(held.after, firstPane);
      if (after >= held.upTo) continue;
      const ends = { after, upTo: held.upTo };
      const rows = topicRowsOf(this.history, open, { scope, urlkey }, ends, settings);
      this.cache.replaceTopic(scope, urlkey, this.endsIn(ends), rows);
      if (++done % TOPICS_PER_STEP === 0) yield;
    }
  }

  /** Held windows that became final since the last cycle are written again, final. */
  private touchBecomingFinal(cycle: WindowsCycle, valid: number): void {
    // Windows ending after the last cycle's mark, which need not be a window end.
    const { slideMs } = this.settings;
    const from = Math.max(cycle.after, bucketStart(this.lastInputs.closedBefore, slideMs));
    const to = Math.min(cycle.closedBefore, valid);
    for (const end of this.endsIn({ after: from, upTo: to })) this.cache.touchEnd(end);
  }

  /** Computes whole the windows in `ends` with any activity, within the row budget. */
  private *newWindows(
    open: ReadonlyMap<string, ScopePanes>,
    ends: { after: number; upTo: number },
    settings: TrendingSettings,
  ): Generator<undefined, number, undefined> {
    if (ends.upTo <= ends.after) return ends.after;
    const steps = new TrendingRowSteps({
      history: this.history,
      open,
      ends: endsWithActivity(this.history, open, ends, settings),
      range: ends,
      settings,
      budget: this.budget,
    });
    for (const step of steps.steps()) {
      const byEnd = new Map<number, TrendingRow[]>();
      for (const row of step) {
        const rows = byEnd.get(row.windowEnd);
        if (rows) rows.push(row);
        else byEnd.set(row.windowEnd, [row]);
      }
      for (const [end, rows] of byEnd) this.cache.replaceEnd(end, rows);
      yield;
    }
    return steps.computedUpTo;
  }

  private settingsOf(historyStart: number): TrendingSettings {
    return { ...this.settings, historyStart: bucketStart(historyStart, this.settings.slideMs) };
  }

  /** Window ends in `(after, upTo]`. */
  private endsIn({ after, upTo }: { after: number; upTo: number }): number[] {
    const ends: number[] = [];
    for (let end = after + this.settings.slideMs; end <= upTo; end += this.settings.slideMs) {
      ends.push(end);
    }
    return ends;
  }
}
