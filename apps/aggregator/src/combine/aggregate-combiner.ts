import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import type { BulkWriter, TimePartitionedIndex } from '@meetup/elasticsearch';
import type { Logger } from '@meetup/observability';
import type { WindowsConfig } from '../config/aggregator.config';
import type { AggregatorMetrics } from '../aggregator.metrics';
import type { SnapshotStore } from '../state/snapshot-store';
import { ActivityRetention } from './activity-retention';
import { LeaderLoops } from './combine-loop';
import { CountryCombiner } from './country-combiner';
import { elasticsearchCountryActivity } from './activity-queries';
import { elasticsearchProgressDocument, progressIdOf, StageProgressStore } from './stage-progress';
import { streamPosition } from './stream-position';
import { TrendingCombiner } from './trending-combiner';

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
  /** Start-to-start interval of the by-country stage's cycles. */
  countryIntervalMs: number;
  /** Start-to-start interval of the trending stage's cycles. */
  trendingIntervalMs: number;
  /**
   * Counted messages one cycle reads past the last final bucket or window at
   * most: a backlog is combined in slices, each written before the next.
   * Live, a cycle reads the allowed lateness plus the lag: far less.
   */
  activityBudget: number;
}

/**
 * The second, idempotent stage: recomputes the global aggregates (by
 * country, trending) from the counted activity of all partitions, so the
 * numbers are totals whichever replicas own which partitions. Runs in the
 * member that owns partition 0, as two independent loops — by country every
 * half second, trending on its own interval — so a heavy trending cycle never
 * holds back the live by-country buckets. Documents have ids from the data
 * and are written with external version = the cycle's stamp (taken before
 * its reads), so a slower former leader never overwrites fresher results.
 */
export class AggregateCombiner {
  private readonly loops: LeaderLoops;

  constructor(options: AggregateCombinerOptions) {
    const { es, admin, writer, snapshots, metrics, logger, indices, windows, topic } = options;
    const store = (stage: string) =>
      new StageProgressStore(
        elasticsearchProgressDocument(es, indices.state, progressIdOf(options.group, topic, stage)),
        stage,
      );
    const position = () =>
      streamPosition(admin, snapshots, topic, es, indices.activity, windows.allowedLatenessMs);
    const shared = { es, writer, metrics, windows, position };
    const countryProgress = store('country');
    const country = new CountryCombiner({
      ...shared,
      progress: countryProgress,
      activity: elasticsearchCountryActivity(es, indices.activity),
      byCountry: indices.byCountry,
      activityBudget: options.activityBudget,
    });
    const trending = new TrendingCombiner({
      ...shared,
      progress: store('trending'),
      retention: new ActivityRetention({
        partitions: options.activityPartitions,
        windows,
        metrics,
        logger,
      }),
      countryFinalBefore: () => countryProgress.finalBefore,
      activity: indices.activity,
      globalTrending: indices.globalTrending,
      countryTrending: indices.countryTrending,
      activityBudget: options.activityBudget,
    });
    this.loops = new LeaderLoops(
      [
        { stage: country, intervalMs: options.countryIntervalMs },
        { stage: trending, intervalMs: options.trendingIntervalMs },
      ],
      metrics,
      logger,
    );
  }

  setLeader(leader: boolean): void {
    this.loops.setLeader(leader);
  }

  async stop(): Promise<void> {
    await this.loops.stop();
  }
}
