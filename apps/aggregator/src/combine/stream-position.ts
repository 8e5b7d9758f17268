import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import type { SnapshotStore } from '../state/snapshot-store';

/** Where the partitions' snapshots stand, as one combine cycle sees them. */
export interface StreamPosition {
  /** The global watermark: the least partition watermark (−∞ while one is unknown). */
  watermark: number;
  /** The newest partition watermark. */
  newest: number;
  /** Snapshot offset per partition: the activity these snapshots hold is in the index. */
  offsets: Record<string, number>;
  /** Buckets and windows ending at or before this are final: the watermark minus the allowed lateness. */
  closedBefore: number;
}

/**
 * Reads the topic's partitions and their snapshots, then refreshes the
 * activity, so that everything those snapshots hold is searchable.
 */
export async function streamPosition(
  admin: Admin,
  snapshots: SnapshotStore,
  topic: string,
  es: Client,
  activity: string,
  allowedLatenessMs: number,
): Promise<StreamPosition> {
  const partitions = await admin.fetchTopicOffsets(topic);
  const progress = await snapshots.progress(partitions.map((p) => p.partition));
  let watermark = Number.POSITIVE_INFINITY;
  let newest = Number.NEGATIVE_INFINITY;
  const offsets: Record<string, number> = {};
  for (const p of partitions) {
    const snapshot = progress.get(p.partition);
    offsets[p.partition] = snapshot?.offset ?? 0;
    newest = Math.max(newest, snapshot?.watermark ?? Number.NEGATIVE_INFINITY);
    // A partition that never held a record does not hold the watermark back.
    if (Number(p.high) === Number(p.low) && !snapshot) continue;
    watermark = Math.min(watermark, snapshot?.watermark ?? Number.NEGATIVE_INFINITY);
  }
  if (!Number.isFinite(watermark)) watermark = Number.NEGATIVE_INFINITY;
  await es.indices.refresh({ index: activity });
  return { watermark, newest, offsets, closedBefore: watermark - allowedLatenessMs };
}
