import type { Client } from '@elastic/elasticsearch';
import type { Admin, Producer } from 'kafkajs';
import type { BulkWriter, TimePartitionedIndex } from '@meetup/elasticsearch';
import type { Logger } from '@meetup/observability';
import type { WindowsConfig } from '../config/aggregator.config';
import type { AggregatorMetrics } from '../aggregator.metrics';
import type { SnapshotStore } from '../state/snapshot-store';
import { LeaderLoops, type ScheduledStage } from './combine-loop';
import { CountryCombiner } from './country-combiner';
import { IdleStreamStage, type IdleStreamPorts } from './idle-stream-stage';
import { ElasticsearchTrendingPanes, elasticsearchCountryPartials } from './partial-queries';
import { PartialsRetention } from './partials-retention';
import { idleMarkerMessage } from '../pipeline/idle-marker';
import { elasticsearchProgressDocument, progressIdOf, StageProgressStore } from './stage-progress';
import { streamPosition } from './stream-position';
import { TrendingCombiner } from './trending-combiner';

export interface CombineIndices {
  /** Read pattern of the partials' partitions. */
  partials: string;
  state: string;
  byCountry: string;
  globalTrending: string;
  countryTrending: string;
}

export interface AggregateCombinerOptions {
  es: Client;
  admin: Admin;
  /** Writes the idle markers into the RSVP topic. */
  producer: Pick<Producer, 'send'>;
  writer: BulkWriter;
  snapshots: SnapshotStore;
  metrics: AggregatorMetrics;
  logger: Logger;
  indices: CombineIndices;
  /** The partials' partitions, dropped once past the retention. */
  partialsPartitions: Pick<TimePartitionedIndex, 'dropBefore' | 'sizeMs'>;
  windows: WindowsConfig;
  topic: string;
  group: string;
  /** Start-to-start interval of the by-country stage's cycles. */
  countryIntervalMs: number;
  /** Start-to-start interval of the trending stage's cycles. */
  trendingIntervalMs: number;
  /**
   * Partial documents (a partition's bucket or pane) one cycle reads past the last final
   * bucket or window at most: a backlog is combined in slices, each written before the next.
   * Live, a cycle reads partitions × the buckets or panes the allowed lateness spans: far less.
   */
  readBudget: number;
}

/**
 * The second, idempotent stage: recomputes the global aggregates (by
 * country, trending) from the partials of all partitions, so the
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
      streamPosition(admin, snapshots, topic, es, {
        searched: [indices.partials],
        allowedLatenessMs: windows.allowedLatenessMs,
      });
    const shared = { es, writer, metrics, windows, position };
    const countryProgress = store('country');
    const country = new CountryCombiner({
      ...shared,
      progress: countryProgress,
      buckets: elasticsearchCountryPartials(es, indices.partials),
      byCountry: indices.byCountry,
      readBudget: options.readBudget,
    });
    const trending = new TrendingCombiner({
      ...shared,
      progress: store('trending'),
      retention: new PartialsRetention({
        partitions: options.partialsPartitions,
        windows,
        metrics,
        logger,
      }),
      countryFinalBefore: () => countryProgress.finalBefore,
      panes: new ElasticsearchTrendingPanes(es, indices.partials),
      globalTrending: indices.globalTrending,
      countryTrending: indices.countryTrending,
      readBudget: options.readBudget,
    });
    const stages: ScheduledStage[] = [
      { stage: country, intervalMs: options.countryIntervalMs },
      { stage: trending, intervalMs: options.trendingIntervalMs },
    ];
    if (windows.streamIdleMs > 0) {
      const idleness = new IdleStreamStage({
        ports: kafkaIdlePorts(admin, options.producer, snapshots, topic),
        idleMs: windows.streamIdleMs,
        // Every bucket and window holding the newest record ends, then passes the lateness.
        closeAllMs:
          Math.max(windows.trendingWindowMs, windows.countryBucketMs) +
          windows.trendingSlideMs +
          windows.allowedLatenessMs,
        metrics,
        logger,
      });
      stages.push({ stage: idleness, intervalMs: windows.trendingSlideMs });
    }
    this.loops = new LeaderLoops(stages, metrics, logger);
  }

  setLeader(leader: boolean): void {
    this.loops.setLeader(leader);
  }

  async stop(): Promise<void> {
    await this.loops.stop();
  }
}

/** The idle stage's ports on Kafka (offsets, markers) and the snapshot store. */
function kafkaIdlePorts(
  admin: Admin,
  producer: Pick<Producer, 'send'>,
  snapshots: SnapshotStore,
  topic: string,
): IdleStreamPorts {
  return {
    ends: () => admin.fetchTopicOffsets(topic),
    progress: (partitions) => snapshots.progress(partitions),
    writeMarkers: async (partitions, watermark) => {
      const sent = await producer.send({
        topic,
        acks: -1,
        messages: partitions.map((partition) => idleMarkerMessage(partition, watermark)),
      });
      return sent.map((r) => ({ partition: r.partition, offset: Number(r.baseOffset) }));
    },
  };
}
