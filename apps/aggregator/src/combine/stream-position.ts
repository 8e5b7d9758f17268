import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import type { PartitionProgress, SnapshotStore } from '../state/snapshot-store';

/** Where the partitions' snapshots stand, as one combine cycle sees them. */
export interface StreamPosition {
  /** The global watermark: the least partition watermark (−∞ while one is unknown). */
  watermark: number;
  /** The newest partition watermark. */
  newest: number;
  /** Snapshot offset per partition: the partials these snapshots leave out are in the index. */
  offsets: Record<string, number>;
  /** Buckets and windows ending at or before this are final: the watermark minus the allowed lateness. */
  closedBefore: number;
}

/** A partition's offsets as Kafka reports them (`Admin.fetchTopicOffsets`). */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/**
 * The global watermark: the least watermark over the topic's partitions, −∞ while a partition
 * that holds records has no snapshot or no watermark yet. A partition that never held a
 * record (no records, no snapshot) does not hold it back; with no such partition at all it is −∞.
 */
export function globalWatermark(
  partitions: readonly PartitionOffsets[],
  progress: ReadonlyMap<number, Pick<PartitionProgress, 'watermark'>>,
): number {
  let watermark = Number.POSITIVE_INFINITY;
  for (const p of partitions) {
    const snapshot = progress.get(p.partition);
    if (Number(p.high) === Number(p.low) && !snapshot) continue;
    watermark = Math.min(watermark, snapshot?.watermark ?? Number.NEGATIVE_INFINITY);
  }
  return Number.isFinite(watermark) ? watermark : Number.NEGATIVE_INFINITY;
}

/** The position of a combine cycle from the partitions' offsets and their snapshots' progress. */
export function positionOf(
  partitions: readonly PartitionOffsets[],
  progress: ReadonlyMap<number, Omit<PartitionProgress, 'partition'>>,
  allowedLatenessMs: number,
): StreamPosition {
  let newest = Number.NEGATIVE_INFINITY;
  const offsets: Record<string, number> = {};
  for (const p of partitions) {
    const snapshot = progress.get(p.partition);
    offsets[p.partition] = snapshot?.offset ?? 0;
    newest = Math.max(newest, snapshot?.watermark ?? Number.NEGATIVE_INFINITY);
  }
  const watermark = globalWatermark(partitions, progress);
  return { watermark, newest, offsets, closedBefore: watermark - allowedLatenessMs };
}

/**
 * Reads the topic's partitions and their snapshots, then refreshes the
 * indices the stages search (the partials), so that everything those
 * snapshots hold is searchable.
 */
export async function streamPosition(
  admin: Admin,
  snapshots: SnapshotStore,
  topic: string,
  es: Client,
  options: { searched: string[]; allowedLatenessMs: number },
): Promise<StreamPosition> {
  const partitions = await admin.fetchTopicOffsets(topic);
  const progress = await snapshots.progress(partitions.map((p) => p.partition));
  const position = positionOf(partitions, progress, options.allowedLatenessMs);
  await es.indices.refresh({ index: options.searched });
  return position;
}
