import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { bucketStart } from '@meetup/windowing';
import type { BulkWriter } from '@meetup/elasticsearch';
import {
  endsWithActivity,
  readSpanOf,
  TopicPaneHistory,
  TrendingInputs,
  TrendingRowSteps,
  type RowBudget,
  type ScopePanes,
  type TrendingRow,
  type TrendingSettings,
} from '@meetup/trending';
import type { WindowsConfig } from '../config/aggregator.config';
import type { AggregatorMetrics } from '../aggregator.metrics';
import type { CombineStage, PhaseLaps } from './combine-loop';
import type { TrendingPanes } from './partial-queries';
import type { PartialsRetention } from './partials-retention';
import { nextFinalBefore, type StageProgress, type StageProgressStore } from './stage-progress';
import type { StreamPosition } from './stream-position';
import { trendingDocumentsOf } from './trending-documents';
import { WrittenDocuments, type AggregateDocument } from './written-documents';

export interface TrendingCombinerOptions {
  writer: BulkWriter;
  /** Where the partitions' snapshots stand, their partials made searchable. */
  position: () => Promise<StreamPosition>;
  metrics: AggregatorMetrics;
  progress: StageProgressStore;
  retention: PartialsRetention;
  /** The by-country stage's final mark (retention keeps what it still reads). */
  countryFinalBefore: () => number | undefined;
  windows: WindowsConfig;
  /** The partitions' pane counts. */
  panes: TrendingPanes;
  globalTrending: string;
  countryTrending: string;
  /** Pane documents one cycle reads at most past the last final window. */
  readBudget: number;
}

const ROW_BUDGET: RowBudget = {
  /**
   * Trending rows one cycle computes at most: a backlog's windows (or the
   * windows a jump of the stream time emits at once) take several cycles,
   * each written before the next.
   */
  rows: 20_000,
  /** Window ends computed in one synchronous step at most (the by-country loop runs between steps). */
  endsPerStep: 30,
};

/** The window ends one cycle may compute, `(after, emitUpTo]`, and what they are computed from. */
interface CycleRange {
  /** The final mark: windows ending at or before it are final and written. */
  after: number;
  /**
   * Window ends up to this are emitted: the start of the slide the stream time
   * is in, or the read budget's reach if that comes first.
   */
  emitUpTo: number;
  /** Whether the read budget left part of the panes for a later cycle. */
  sliced: boolean;
  /** Event time of the first counted message (+∞ while there is none). */
  historyStart: number;
  /** Windows ending at or before this are final. */
  closedBefore: number;
}

/**
 * Trending topics, global and per country: windows ending after the last
 * final one and at or before the stream's event time (a window is emitted
 * once the stream has reached its end, and updated until it is final).
 * Complete panes are kept in memory between cycles; a cycle reads only the
 * panes from the history's frontier on, and recomputes only the windows
 * whose inputs changed.
 */
export class TrendingCombiner implements CombineStage {
  readonly name = 'trending';
  private readonly written = new WrittenDocuments();
  /** Topic counts of complete panes, read once per leadership and extended as panes complete. */
  private history = new TopicPaneHistory();
  /** What the last cycle's rows were computed from, to recompute only what changed. */
  private lastInputs = new TrendingInputs();

  constructor(private readonly options: TrendingCombinerOptions) {}

  reset(): void {
    this.options.progress.forget();
    this.written.clear();
    this.history = new TopicPaneHistory();
    this.lastInputs = new TrendingInputs();
    this.options.panes.reset();
    this.options.retention.reset();
  }

  async cycle(keepGoing: () => Promise<boolean>, laps: PhaseLaps): Promise<boolean> {
    const { progress, stamp } = await this.options.progress.begin();
    const position = await this.options.position();
    const range = await this.rangeOf(progress, position);
    laps.lap('state');

    const { documents, upTo } = await this.documents(range, stamp, laps);
    // Visible at the next periodic refresh (1 s): forcing one per request costs
    // Elasticsearch more than the live by-country buckets can spare.
    await this.options.writer.write('aggregates', this.written.changed(documents), { keepGoing });
    laps.lap('write');
    // Part of what the snapshots hold is left for the next cycle (read or row budget).
    const behind = range.sliced || upTo < range.emitUpTo;
    const slide = this.options.windows.trendingSlideMs;
    const finalBefore = nextFinalBefore(range.after, range.closedBefore, upTo, slide);
    await this.options.progress.save(
      progressAfter(progress, {
        finalBefore,
        historyStart: range.historyStart,
        // A slice covers part of what the snapshots hold: it does not include their offsets yet.
        offsets: behind ? progress.offsets : position.offsets,
        stamp,
      }),
    );
    await this.applyRetention(position.watermark, finalBefore);
    laps.lap('progress');
    this.options.metrics.openWindows.set({ kind: 'trending_window' }, this.written.open);
    // Another slice is ready only if this one moved the final mark
    // (the watermark, not the budget, may be what holds it).
    return behind && finalBefore > progress.final_before;
  }

  /** The window ends this cycle may compute: up to the stream's event time, within the read budget. */
  private async rangeOf(progress: StageProgress, position: StreamPosition): Promise<CycleRange> {
    const { windows, panes, readBudget } = this.options;
    const slide = windows.trendingSlideMs;
    const after = progress.final_before;
    const bounds = await panes.bounds();
    // The stream's event time: the newest record any partition has seen or counted.
    const streamTime = Math.max(position.newest, bounds?.last ?? Number.NEGATIVE_INFINITY);
    // Only a record that is not late can move it earlier; retention never moves it later.
    const historyStart = Math.min(
      progress.history_start ?? Number.POSITIVE_INFINITY,
      bounds?.first ?? Number.POSITIVE_INFINITY,
    );
    // How far this cycle reads: everything, unless a backlog is over the budget.
    const reach = await panes.reach(after + slide, readBudget, slide);
    return {
      after,
      emitUpTo: Math.min(bucketStart(streamTime, slide), reach),
      sliced: Number.isFinite(reach),
      historyStart,
      closedBefore: position.closedBefore,
    };
  }

  /**
   * The documents of the windows in `range` whose inputs changed, end after
   * end up to the row budget; `upTo` is the last end computed.
   */
  private async documents(
    range: CycleRange,
    stamp: number,
    laps: PhaseLaps,
  ): Promise<{ documents: AggregateDocument[]; upTo: number }> {
    const { after, emitUpTo, historyStart, closedBefore } = range;
    if (!Number.isFinite(historyStart) || emitUpTo <= after) {
      return { documents: [], upTo: emitUpTo };
    }
    const open = await this.readPanes(after, closedBefore, emitUpTo);
    laps.lap('read');
    const { rows, upTo } = await this.changedRows(open, range);
    laps.lap('compute');
    const documents = trendingDocumentsOf(rows, {
      globalIndex: this.options.globalTrending,
      countryIndex: this.options.countryTrending,
      windowMs: this.options.windows.trendingWindowMs,
      stamp,
      closedBefore,
      updatedAt: new Date().toISOString(),
    });
    return { documents, upTo };
  }

  /**
   * Reads the panes the windows after `after` need from the history's frontier
   * up to `emitUpTo` (windows up to it read panes before it only), and moves
   * those now complete into the history. Returns every pane read.
   */
  private async readPanes(
    after: number,
    closedBefore: number,
    emitUpTo: number,
  ): Promise<Map<string, ScopePanes>> {
    const slide = this.options.windows.trendingSlideMs;
    // The oldest pane any window still to compute needs: its last baseline window's start.
    const needed = bucketStart(after + slide - this.readSpan, slide);
    this.history.dropBefore(needed);
    const from = Math.max(needed, this.history.frontier ?? needed);
    const open = await this.options.panes.panes(from, emitUpTo);
    if (Number.isFinite(closedBefore)) {
      // No record that still counts can land in a pane that ends before closedBefore.
      this.history.complete(open, from, Math.min(bucketStart(closedBefore, slide), emitUpTo));
    }
    return open;
  }

  /**
   * The rows of the windows in `range` whose inputs changed since the last
   * cycle, a few ends at a time (as many as the budget left is likely to
   * hold), letting the by-country stage run in between.
   */
  private async changedRows(
    open: ReadonlyMap<string, ScopePanes>,
    range: CycleRange,
  ): Promise<{ rows: TrendingRow[]; upTo: number }> {
    const ends = { after: range.after, upTo: range.emitUpTo };
    const settings = this.settingsOf(range.historyStart);
    const current = new TrendingInputs(open, range.historyStart, range.closedBefore);
    const span = this.readSpan;
    const changed = endsWithActivity(this.history, open, ends, settings).filter((end) =>
      current.changedFor(end, this.lastInputs, span),
    );
    const steps = new TrendingRowSteps({
      history: this.history,
      open,
      ends: changed,
      range: ends,
      settings,
      budget: ROW_BUDGET,
    });
    const rows: TrendingRow[] = [];
    for (const step of steps.steps()) {
      for (const row of step) rows.push(row);
      await yieldToEventLoop();
    }
    this.lastInputs = current.computedUpTo(steps.computedUpTo);
    return { rows, upTo: steps.computedUpTo };
  }

  private settingsOf(historyStart: number): TrendingSettings {
    const { windows } = this.options;
    return {
      windowMs: windows.trendingWindowMs,
      slideMs: windows.trendingSlideMs,
      minSupport: windows.trendingMinSupport,
      baselineWindows: windows.trendingBaselineWindows,
      historyStart: bucketStart(historyStart, windows.trendingSlideMs),
    };
  }

  /** How far back a window's rows read: the window and its baseline windows. */
  private get readSpan(): number {
    return readSpanOf({
      windowMs: this.options.windows.trendingWindowMs,
      baselineWindows: this.options.windows.trendingBaselineWindows,
    });
  }

  /** Lets retention drop the partials neither stage reads any more, once both have a final mark. */
  private async applyRetention(watermark: number, finalBefore: number): Promise<void> {
    const countryFinalBefore = this.options.countryFinalBefore();
    if (countryFinalBefore !== undefined) {
      await this.options.retention.apply(watermark, countryFinalBefore, finalBefore);
    }
  }
}

/** The stage's progress to save after a cycle. */
function progressAfter(
  progress: StageProgress,
  cycle: {
    finalBefore: number;
    historyStart: number;
    offsets: Record<string, number>;
    stamp: number;
  },
): StageProgress {
  return {
    ...progress,
    final_before: cycle.finalBefore,
    ...(Number.isFinite(cycle.historyStart) ? { history_start: cycle.historyStart } : {}),
    offsets: cycle.offsets,
    stamp: cycle.stamp,
    updated_at: new Date().toISOString(),
  };
}
