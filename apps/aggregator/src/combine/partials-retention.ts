import type { TimePartitionedIndex } from '@meetup/elasticsearch';
import type { Logger } from '@meetup/observability';
import { bucketStart } from '@meetup/windowing';
import type { WindowsConfig } from '../config/aggregator.config';
import type { AggregatorMetrics } from '../aggregator.metrics';

export interface PartialsRetentionOptions {
  partitions: Pick<TimePartitionedIndex, 'dropBefore' | 'sizeMs'>;
  windows: WindowsConfig;
  metrics: AggregatorMetrics;
  logger: Logger;
}

/**
 * Drops the partials' partitions that end before the global watermark minus
 * the retention — and never one that a bucket or window still to compute
 * needs (its baseline included), however far behind the combine step is.
 */
export class PartialsRetention {
  /** The partition boundary last dropped up to (once per boundary, not every cycle). */
  private droppedUpTo = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: PartialsRetentionOptions) {}

  reset(): void {
    this.droppedUpTo = Number.NEGATIVE_INFINITY;
  }

  /**
   * `countryFinalBefore`: buckets before it are final; `trendingFinalBefore`:
   * windows ending at or before it are final.
   */
  async apply(
    watermark: number,
    countryFinalBefore: number,
    trendingFinalBefore: number,
  ): Promise<void> {
    const { windows, partitions } = this.options;
    if (!Number.isFinite(watermark)) return;
    const span = windows.trendingWindowMs * (windows.trendingBaselineWindows + 1);
    const cutoff = Math.min(
      watermark - windows.partialsRetentionMs,
      countryFinalBefore,
      trendingFinalBefore + windows.trendingSlideMs - span,
    );
    const boundary = bucketStart(cutoff, partitions.sizeMs);
    if (boundary <= this.droppedUpTo) return;
    const dropped = await partitions.dropBefore(boundary);
    this.droppedUpTo = boundary;
    if (dropped.length === 0) return;
    this.options.metrics.partialsPartitionsDropped.inc(dropped.length);
    this.options.logger.info(
      { dropped, cutoff: new Date(cutoff).toISOString() },
      'partials partitions past the retention dropped',
    );
  }
}
