import type { Client } from '@elastic/elasticsearch';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { countryInfo } from '@meetup/country-info';
import { bucketStart } from '@meetup/windowing';
import type { BulkWriter } from '@meetup/elasticsearch';
import type { WindowsConfig } from '../config/aggregator.config';
import type { AggregatorMetrics } from '../aggregator.metrics';
import { activityBounds, activityReach, topicPanes } from './activity-queries';
import type { ActivityRetention } from './activity-retention';
import type { CombineStage, PhaseLaps } from './combine-loop';
import type { StageProgress, StageProgressStore } from './stage-progress';
import type { StreamPosition } from './stream-position';
import {
  endsWithActivity,
  TopicPaneHistory,
  trendingRows,
  type ScopePanes,
  type TrendingRow,
} from './trending-windows';
import { WrittenDocuments, type AggregateDocument } from './written-documents';

export interface TrendingCombinerOptions {
  es: Client;
  writer: BulkWriter;
  /** Where the partitions' snapshots stand, their activity made searchable. */
  position: () => Promise<StreamPosition>;
  metrics: AggregatorMetrics;
  progress: StageProgressStore;
  retention: ActivityRetention;
  /** The by-country stage's final mark (retention keeps what it still reads). */
  countryFinalBefore: () => number | undefined;
  windows: WindowsConfig;
  /** Read pattern of the counted activity's partitions. */
  activity: string;
  globalTrending: string;
  countryTrending: string;
  /** Counted messages one cycle reads at most past the last final window. */
  activityBudget: number;
}

/**
 * Trending rows one cycle computes at most: a backlog's windows (or the
 * windows a jump of the stream time emits at once) take several cycles,
 * each written before the next.
 */
const TRENDING_ROW_BUDGET = 20_000;
/** Window ends computed in one synchronous step at most (the by-country loop runs between steps). */
const MAX_ENDS_PER_STEP = 30;

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
    this.options.retention.reset();
  }

  async cycle(keepGoing: () => Promise<boolean>, laps: PhaseLaps): Promise<boolean> {
    const { es, windows, activity } = this.options;
    const slide = windows.trendingSlideMs;
    const { progress, stamp } = await this.options.progress.begin();
    const position = await this.options.position();
    const { closedBefore } = position;
    const bounds = await activityBounds(es, activity);
    // The stream's event time: the newest record any partition has seen or counted.
    const streamTime = Math.max(position.newest, bounds?.last ?? Number.NEGATIVE_INFINITY);
    // Only a record that is not late can move it earlier; retention never moves it later.
    const historyStart = Math.min(
      progress.history_start ?? Number.POSITIVE_INFINITY,
      bounds?.first ?? Number.POSITIVE_INFINITY,
    );
    // How far this cycle reads: everything, unless a backlog is over the budget.
    const reach = await activityReach(
      es,
      activity,
      progress.final_before + slide,
      this.options.activityBudget,
      slide,
    );
    const sliced = Number.isFinite(reach);
    const emitUpTo = Math.min(bucketStart(streamTime, slide), reach);
    laps.lap('state');

    const { documents, upTo } = await this.documents(
      progress,
      closedBefore,
      historyStart,
      emitUpTo,
      stamp,
      laps,
    );
    // Visible at the next periodic refresh (1 s): forcing one per request costs
    // Elasticsearch more than the live by-country buckets can spare.
    await this.options.writer.write('aggregates', this.written.changed(documents), { keepGoing });
    laps.lap('write');
    // Part of what the snapshots hold is left for the next cycle (read or row budget).
    const behind = sliced || upTo < emitUpTo;
    const finalBefore = Number.isFinite(closedBefore)
      ? Math.max(progress.final_before, Math.min(bucketStart(closedBefore, slide), upTo))
      : progress.final_before;
    const next: StageProgress = {
      ...progress,
      final_before: finalBefore,
      ...(Number.isFinite(historyStart) ? { history_start: historyStart } : {}),
      // A slice covers part of what the snapshots hold: it does not include their offsets yet.
      offsets: behind ? progress.offsets : position.offsets,
      stamp,
      updated_at: new Date().toISOString(),
    };
    await this.options.progress.save(next);
    const countryFinalBefore = this.options.countryFinalBefore();
    if (countryFinalBefore !== undefined) {
      await this.options.retention.apply(position.watermark, countryFinalBefore, finalBefore);
    }
    laps.lap('progress');
    this.options.metrics.openWindows.set({ kind: 'trending_window' }, this.written.open);
    // Another slice is ready only if this one moved the final mark
    // (the watermark, not the budget, may be what holds it).
    return behind && finalBefore > progress.final_before;
  }

  /**
   * The rows of the windows in `(final mark, emitUpTo]` whose inputs changed,
   * end after end up to the row budget; `upTo` is the last end computed.
   */
  private async documents(
    progress: StageProgress,
    closedBefore: number,
    historyStart: number,
    emitUpTo: number,
    stamp: number,
    laps: PhaseLaps,
  ): Promise<{ documents: AggregateDocument[]; upTo: number }> {
    const { es, windows, activity } = this.options;
    const after = progress.final_before;
    if (!Number.isFinite(historyStart) || emitUpTo <= after) {
      return { documents: [], upTo: emitUpTo };
    }
    const slide = windows.trendingSlideMs;
    const span = windows.trendingWindowMs * (windows.trendingBaselineWindows + 1);
    // The oldest pane any window still to compute needs: its last baseline window's start.
    const needed = bucketStart(after + slide - span, slide);
    this.history.dropBefore(needed);
    const from = Math.max(needed, this.history.frontier ?? needed);
    // Windows up to emitUpTo read panes before it only.
    const open = await topicPanes(es, activity, from, emitUpTo, slide);
    if (Number.isFinite(closedBefore)) {
      // No record that still counts can land in a pane that ends before closedBefore.
      this.history.complete(open, from, Math.min(bucketStart(closedBefore, slide), emitUpTo));
    }
    laps.lap('read');
    const settings = {
      windowMs: windows.trendingWindowMs,
      slideMs: slide,
      minSupport: windows.trendingMinSupport,
      baselineWindows: windows.trendingBaselineWindows,
      historyStart: bucketStart(historyStart, slide),
    };
    const current = new TrendingInputs(open, historyStart, closedBefore);
    const dirty = endsWithActivity(this.history, open, { after, upTo: emitUpTo }, settings).filter(
      (end) => current.changedFor(end, this.lastInputs, span),
    );
    // A few ends at a time (as many as the budget left is likely to hold),
    // letting the by-country stage run in between.
    const rows: TrendingRow[] = [];
    let done = after;
    let i = 0;
    let step = 1;
    while (i < dirty.length && rows.length < TRENDING_ROW_BUDGET) {
      const only = new Set(dirty.slice(i, i + step));
      const upTo = Math.max(...only);
      for (const row of trendingRows(this.history, open, { after: done, upTo, only }, settings))
        rows.push(row);
      done = upTo;
      i += only.size;
      // Grows by doubling at most, so a jump in density overshoots the budget by little.
      const perEnd = Math.max(1, rows.length / i);
      const fits = Math.floor((TRENDING_ROW_BUDGET - rows.length) / perEnd);
      step = Math.max(1, Math.min(step * 2, fits, MAX_ENDS_PER_STEP));
      await yieldToEventLoop();
    }
    if (i >= dirty.length) done = emitUpTo;
    this.lastInputs = current.computedUpTo(done);
    laps.lap('compute');
    const updatedAt = new Date().toISOString();
    const documents: AggregateDocument[] = rows.map((row) => {
      const base = {
        window_start: row.windowEnd - windows.trendingWindowMs,
        window_end: row.windowEnd,
        topic_urlkey: row.urlkey,
        topic_name: row.name,
        count: row.count,
        score: row.score,
        baseline_mean: row.baselineMean,
        baseline_stddev: row.baselineStddev,
        ratio: row.ratio,
        rank: row.rank,
        final: row.windowEnd <= closedBefore,
        updated_at: updatedAt,
      };
      if (row.scope === '') {
        return {
          index: this.options.globalTrending,
          id: `${row.windowEnd}:${row.urlkey}`,
          version: stamp,
          ref: null,
          doc: base,
        };
      }
      const info = countryInfo(row.scope);
      return {
        index: this.options.countryTrending,
        id: `${row.windowEnd}:${row.scope}:${row.urlkey}`,
        version: stamp,
        ref: null,
        doc: {
          ...base,
          country: row.scope,
          ...(info ? { country_name: info.name, continent: info.continent } : {}),
          ...(info?.location ? { location: info.location } : {}),
        },
      };
    });
    return { documents, upTo: done };
  }
}

/**
 * The inputs of one cycle's trending rows: a window's rows change only when
 * a pane it or its baseline reads changed, the history start moved, it became
 * final, or it was not computed before.
 */
class TrendingInputs {
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
