import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import { countryInfo } from '@meetup/country-info';
import type { TimePartitionedIndex } from '@meetup/elasticsearch';
import type { Logger } from '@meetup/observability';
import { bucketStart } from '@meetup/windowing';
import type { WindowsConfig } from '../config/aggregator.config';
import type { AggregatorMetrics } from '../metrics/aggregator-metrics';
import { sleep, type BulkDocument, type BulkWriter } from '../sink/bulk-writer';
import type { SnapshotStore } from '../state/snapshot-store';
import { activityBounds, activityReach, countryBucketRows, topicPanes } from './activity-queries';
import {
  endsWithActivity,
  TopicPaneHistory,
  trendingRows,
  type ScopePanes,
  type TrendingRow,
} from './trending-windows';

export interface CombineIndices {
  activity: string;
  state: string;
  byCountry: string;
  globalTrending: string;
  countryTrending: string;
}

export interface AggregateCombinerOptions {
  es: Client;
  admin: Admin;
  writer: BulkWriter;
  snapshots: SnapshotStore;
  metrics: AggregatorMetrics;
  logger: Logger;
  indices: CombineIndices;
  /** The activity's partitions, dropped once past the retention. */
  activityPartitions: Pick<TimePartitionedIndex, 'dropBefore' | 'sizeMs'>;
  windows: WindowsConfig;
  topic: string;
  group: string;
  intervalMs: number;
  /**
   * Counted messages one cycle reads past the last final bucket or window at
   * most: a backlog is combined in slices, each written before the next.
   * Live, a cycle reads the allowed lateness plus the lag: far less.
   */
  activityBudget: number;
}

/** Trending rows one cycle computes at most (a few window ends at a time). */
const TRENDING_ROW_BUDGET = 100_000;
const ENDS_PER_STEP = 6;

type AggregateDocument = BulkDocument<null> & { doc: { final: boolean; updated_at: string } };

interface CombineProgress {
  kind: 'combine';
  /** Buckets starting before this are final and written. */
  country_final_before: number;
  /** Trending windows ending at or before this are final and written. */
  trending_final_before: number;
  /**
   * Event time of the first counted activity ever seen (trending baselines
   * start there). Kept here because retention drops the oldest activity.
   */
  history_start?: number;
  /** Partition snapshot offsets whose activity these results include in full. */
  offsets: Record<string, number>;
  stamp: number;
  updated_at: string;
}

/**
 * The second, idempotent stage: recomputes the global aggregates (by
 * country, trending) from the counted activity of all partitions, so the
 * numbers are totals whichever replicas own which partitions. Runs in the
 * member that owns partition 0. Documents have ids from the data and are
 * written with external version = the cycle's stamp (taken before its
 * reads), so a slower former leader never overwrites fresher results.
 */
export class AggregateCombiner {
  private leader = false;
  private loop: Promise<void> | undefined;
  private progress: CombineProgress | undefined;
  private lastStamp = 0;
  /** The partition boundary retention last dropped up to (once per boundary, not every cycle). */
  private droppedUpTo = Number.NEGATIVE_INFINITY;
  /** Content last written per open document, so unchanged ones are not rewritten. */
  private readonly written = new Map<string, string>();
  /** Topic counts of complete panes, read once per leadership and extended as panes complete. */
  private history = new TopicPaneHistory();
  /** What the last cycle's trending rows were computed from, to recompute only what changed. */
  private lastTrending = new TrendingInputs();

  constructor(private readonly options: AggregateCombinerOptions) {}

  setLeader(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    if (leader) {
      this.progress = undefined;
      this.written.clear();
      this.history = new TopicPaneHistory();
      this.lastTrending = new TrendingInputs();
      this.droppedUpTo = Number.NEGATIVE_INFINITY;
      this.loop = this.run();
    }
  }

  async stop(): Promise<void> {
    this.leader = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    this.options.logger.info('combine step started (owner of partition 0)');
    while (this.leader) {
      const started = Date.now();
      const stop = this.options.metrics.combineLatency.startTimer();
      let behind = false;
      try {
        behind = await this.cycle();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'combine cycle failed, retrying');
      } finally {
        stop();
      }
      // Cycles start every interval (not an interval after the last one ended),
      // so open buckets lag by at most one interval plus one cycle; a backlog
      // is combined slice after slice without waiting.
      if (!behind) await sleep(Math.max(0, started + this.options.intervalMs - Date.now()));
    }
  }

  private progressId(): string {
    return `${this.options.group}|${this.options.topic}|combine`;
  }

  private async loadProgress(): Promise<CombineProgress> {
    if (this.progress) return this.progress;
    const found = await this.options.es.get<CombineProgress>(
      { index: this.options.indices.state, id: this.progressId() },
      { ignore: [404] },
    );
    this.progress = (found.found ? found._source : undefined) ?? {
      kind: 'combine',
      country_final_before: 0,
      trending_final_before: 0,
      offsets: {},
      stamp: 0,
      updated_at: new Date(0).toISOString(),
    };
    return this.progress;
  }

  /** One combine cycle; true when it stopped at its budget and more is ready to combine. */
  private async cycle(): Promise<boolean> {
    const { es, admin, windows, indices } = this.options;
    const progress = await this.loadProgress();
    const stamp = (this.lastStamp = Math.max(Date.now(), this.lastStamp + 1, progress.stamp + 1));
    const partitions = await admin.fetchTopicOffsets(this.options.topic);
    const snapshots = await this.options.snapshots.progress(partitions.map((p) => p.partition));
    let watermark = Number.POSITIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    const offsets: Record<string, number> = {};
    for (const p of partitions) {
      const snapshot = snapshots.get(p.partition);
      offsets[p.partition] = snapshot?.offset ?? 0;
      newest = Math.max(newest, snapshot?.watermark ?? Number.NEGATIVE_INFINITY);
      // A partition that never held a record does not hold the watermark back.
      if (Number(p.high) === Number(p.low) && !snapshot) continue;
      watermark = Math.min(watermark, snapshot?.watermark ?? Number.NEGATIVE_INFINITY);
    }
    if (!Number.isFinite(watermark)) watermark = Number.NEGATIVE_INFINITY;
    const closedBefore = watermark - windows.allowedLatenessMs;
    await es.indices.refresh({ index: indices.activity });
    const bounds = await activityBounds(es, indices.activity);
    // The stream's event time: the newest record any partition has seen or counted.
    const streamTime = Math.max(newest, bounds?.last ?? Number.NEGATIVE_INFINITY);
    // Only a record that is not late can move it earlier; retention never moves it later.
    const historyStart = Math.min(
      progress.history_start ?? Number.POSITIVE_INFINITY,
      bounds?.first ?? Number.POSITIVE_INFINITY,
    );
    const slide = windows.trendingSlideMs;
    // How far this cycle reads: everything, unless a backlog is over the budget.
    const reach = await activityReach(
      es,
      indices.activity,
      Math.min(progress.country_final_before, progress.trending_final_before + slide),
      this.options.activityBudget,
      leastCommonMultiple(windows.countryBucketMs, slide),
    );
    const sliced = Number.isFinite(reach);
    const emitUpTo = Math.min(
      bucketStart(streamTime, slide),
      sliced ? bucketStart(reach, slide) : Number.POSITIVE_INFINITY,
    );

    const countryDocs = await this.countryDocuments(progress, closedBefore, reach, stamp);
    const trending = await this.trendingDocuments(
      progress,
      closedBefore,
      historyStart,
      emitUpTo,
      stamp,
    );
    const trendingDocs = trending.documents;
    // Part of what the snapshots hold is left for the next cycle (read or row budget).
    const behind = sliced || trending.upTo < emitUpTo;
    const changed = [...countryDocs, ...trendingDocs].filter((d) => {
      const key = `${d.index}/${d.id}`;
      // updated_at changes every cycle: not part of what makes a document changed.
      const text = JSON.stringify({ ...d.doc, updated_at: undefined });
      if (this.written.get(key) === text) return false;
      if (d.doc.final) this.written.delete(key);
      else this.written.set(key, text);
      return true;
    });
    await this.options.writer.write(
      'aggregates',
      changed,
      () => Promise.resolve(this.leader),
      true,
    );

    const next: CombineProgress = {
      kind: 'combine',
      country_final_before: Number.isFinite(closedBefore)
        ? Math.max(
            progress.country_final_before,
            Math.min(
              bucketStart(closedBefore, windows.countryBucketMs),
              sliced ? bucketStart(reach, windows.countryBucketMs) : Number.POSITIVE_INFINITY,
            ),
          )
        : progress.country_final_before,
      trending_final_before: Number.isFinite(closedBefore)
        ? Math.max(
            progress.trending_final_before,
            Math.min(bucketStart(closedBefore, slide), trending.upTo),
          )
        : progress.trending_final_before,
      ...(Number.isFinite(historyStart) ? { history_start: historyStart } : {}),
      // A slice covers part of what the snapshots hold: it does not include their offsets yet.
      offsets: behind ? progress.offsets : offsets,
      stamp,
      updated_at: new Date().toISOString(),
    };
    await es.index(
      {
        index: indices.state,
        id: this.progressId(),
        document: next,
        version: stamp,
        version_type: 'external',
      },
      { ignore: [409] },
    );
    this.progress = next;
    await this.dropExpiredActivity(next, watermark);
    this.options.metrics.openWindows.set(
      { kind: 'country_bucket' },
      countryDocs.filter((d) => !d.doc.final).length,
    );
    // Trending documents not final yet, recomputed this cycle or not: those written and open.
    let openTrending = 0;
    for (const key of this.written.keys())
      if (!key.startsWith(`${indices.byCountry}/`)) openTrending += 1;
    this.options.metrics.openWindows.set({ kind: 'trending_window' }, openTrending);
    // Another slice is ready only if this one moved the final marks
    // (the watermark, not the budget, may be what holds them).
    return (
      behind &&
      (next.country_final_before > progress.country_final_before ||
        next.trending_final_before > progress.trending_final_before)
    );
  }

  /**
   * Drops the activity partitions that end before the global watermark minus
   * the retention — and never one that a bucket or window still to compute
   * needs (its baseline included), however far behind the combine step is.
   */
  private async dropExpiredActivity(progress: CombineProgress, watermark: number): Promise<void> {
    const { windows, activityPartitions } = this.options;
    if (!Number.isFinite(watermark)) return;
    const span = windows.trendingWindowMs * (windows.trendingBaselineWindows + 1);
    const cutoff = Math.min(
      watermark - windows.activityRetentionMs,
      progress.country_final_before,
      progress.trending_final_before + windows.trendingSlideMs - span,
    );
    const boundary = bucketStart(cutoff, activityPartitions.sizeMs);
    if (boundary <= this.droppedUpTo) return;
    const dropped = await activityPartitions.dropBefore(boundary);
    this.droppedUpTo = boundary;
    if (dropped.length === 0) return;
    this.options.metrics.activityPartitionsDropped.inc(dropped.length);
    this.options.logger.info(
      { dropped, cutoff: new Date(cutoff).toISOString() },
      'activity partitions past the retention dropped',
    );
  }

  private async countryDocuments(
    progress: CombineProgress,
    closedBefore: number,
    reach: number,
    stamp: number,
  ): Promise<AggregateDocument[]> {
    const { es, indices, windows } = this.options;
    const size = windows.countryBucketMs;
    const rows = await countryBucketRows(
      es,
      indices.activity,
      progress.country_final_before,
      reach,
      size,
    );
    const updatedAt = new Date().toISOString();
    return rows.map((row) => {
      const info = countryInfo(row.country);
      const bucketEnd = row.bucketStart + size;
      return {
        index: indices.byCountry,
        id: `${row.bucketStart}:${row.country}:${row.response}`,
        version: stamp,
        ref: null,
        doc: {
          bucket_start: row.bucketStart,
          bucket_end: bucketEnd,
          country: row.country,
          ...(info ? { country_name: info.name, continent: info.continent } : {}),
          ...(info?.location ? { location: info.location } : {}),
          response: row.response,
          responses: row.responses,
          guests: row.guests,
          attendees: row.attendees,
          final: bucketEnd <= closedBefore,
          updated_at: updatedAt,
        },
      };
    });
  }

  /**
   * Trending windows ending after the last final one and at or before the
   * stream's event time (a window is emitted once the stream has reached its
   * end, and updated until it is final). Complete panes are kept in memory
   * between cycles; a cycle reads only the panes from the history's frontier on.
   */
  private async trendingDocuments(
    progress: CombineProgress,
    closedBefore: number,
    historyStart: number,
    emitUpTo: number,
    stamp: number,
  ): Promise<{ documents: AggregateDocument[]; upTo: number }> {
    const { es, indices, windows } = this.options;
    const after = progress.trending_final_before;
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
    const open = await topicPanes(es, indices.activity, from, emitUpTo, slide);
    if (Number.isFinite(closedBefore)) {
      // No record that still counts can land in a pane that ends before closedBefore.
      this.history.complete(open, from, Math.min(bucketStart(closedBefore, slide), emitUpTo));
    }
    const settings = {
      windowMs: windows.trendingWindowMs,
      slideMs: slide,
      minSupport: windows.trendingMinSupport,
      baselineWindows: windows.trendingBaselineWindows,
      historyStart: bucketStart(historyStart, slide),
    };
    // Only windows whose inputs changed since the last cycle (or that became final),
    // a few ends at a time, up to the row budget: a backlog's windows take several cycles.
    const current = new TrendingInputs(open, historyStart, closedBefore);
    const dirty = endsWithActivity(this.history, open, { after, upTo: emitUpTo }, settings).filter(
      (end) => current.changedFor(end, this.lastTrending, span),
    );
    const rows: TrendingRow[] = [];
    let done = after;
    let i = 0;
    for (; i < dirty.length && rows.length < TRENDING_ROW_BUDGET; i += ENDS_PER_STEP) {
      const only = new Set(dirty.slice(i, i + ENDS_PER_STEP));
      const upTo = Math.max(...only);
      rows.push(...trendingRows(this.history, open, { after: done, upTo, only }, settings));
      done = upTo;
    }
    if (i >= dirty.length) done = emitUpTo;
    this.lastTrending = current.computedUpTo(done);
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
          index: indices.globalTrending,
          id: `${row.windowEnd}:${row.urlkey}`,
          version: stamp,
          ref: null,
          doc: base,
        };
      }
      const info = countryInfo(row.scope);
      return {
        index: indices.countryTrending,
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

function leastCommonMultiple(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
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

  private changed: number[] | undefined;

  private changedPanes(before: TrendingInputs): number[] {
    if (this.changed) return this.changed;
    const panes = new Set<number>();
    for (const [key, count] of this.counts) {
      if (before.counts.get(key) !== count) panes.add(Number(key.slice(key.lastIndexOf('\t') + 1)));
    }
    return (this.changed = [...panes]);
  }
}
