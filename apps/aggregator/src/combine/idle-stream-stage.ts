import type { Logger } from '@meetup/observability';
import type { AggregatorMetrics } from '../aggregator.metrics';
import type { PartitionProgress } from '../state/snapshot-store';
import type { CombineStage } from './combine-loop';
import type { PartitionOffsets } from './stream-position';
import { StreamIdleness, type StreamIdlenessOptions } from './stream-idleness';

/** Kafka and the snapshots, as the idle stage needs them. */
export interface IdleStreamPorts {
  /** The topic's partitions and their offsets (`Admin.fetchTopicOffsets`). */
  ends(): Promise<PartitionOffsets[]>;
  /** The partitions' snapshot progress (`SnapshotStore.progress`). */
  progress(partitions: readonly number[]): Promise<Map<number, PartitionProgress>>;
  /** Writes one idle marker per partition; resolves with the offset each got. */
  writeMarkers(
    partitions: readonly number[],
    watermark: number,
  ): Promise<{ partition: number; offset: number }[]>;
}

export interface IdleStreamStageOptions extends StreamIdlenessOptions {
  ports: IdleStreamPorts;
  metrics: AggregatorMetrics;
  logger: Logger;
  now?: () => number;
}

/**
 * The combine leader's watch over a quiet stream: once no record arrived for the idle time,
 * it writes idle markers that advance every partition's watermark with the clock
 * (`StreamIdleness`), so the by-country and trending stages emit and close what the stream's
 * last records left open.
 */
export class IdleStreamStage implements CombineStage {
  readonly name = 'idleness';
  private idleness: StreamIdleness;

  constructor(private readonly options: IdleStreamStageOptions) {
    this.idleness = new StreamIdleness(options);
  }

  reset(): void {
    this.idleness = new StreamIdleness(this.options);
  }

  async cycle(keepGoing: () => Promise<boolean>): Promise<boolean> {
    const { ports, now = Date.now } = this.options;
    const ends = (await ports.ends()).map((p) => ({
      partition: p.partition,
      low: Number(p.low),
      high: Number(p.high),
    }));
    const progress = await ports.progress(ends.map((p) => p.partition));
    const target = this.idleness.observe(ends, progress, now());
    if (target === undefined || !(await keepGoing())) return false;
    const written = await ports.writeMarkers(
      ends.map((p) => p.partition),
      target,
    );
    this.idleness.written(written);
    this.options.metrics.idleMarkers.inc(written.length);
    this.options.logger.debug(
      { watermark: target, partitions: written.length },
      'stream quiet: idle markers advance the watermark',
    );
    return false;
  }
}
