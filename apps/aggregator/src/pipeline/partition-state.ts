import type { PartitionPartials } from '@meetup/partition-partials';
import { type RsvpDedupState } from '@meetup/rsvp-dedup';
import { type PartitionWatermark } from '@meetup/windowing';

/**
 * Everything a partition's decisions depend on, as of `nextOffset`: a
 * snapshot of it plus a replay from `nextOffset` reproduces the run exactly.
 */
export class PartitionState {
  /** Time of the last durable snapshot (wall clock, ms). */
  snapshotAt = Date.now();
  /** Records applied since the last snapshot. */
  dirty = false;
  /** Time the partials were last written (wall clock, ms). */
  partialsPublishedAt = 0;
  /** Records applied since the partials were last written. */
  partialsPending = false;

  constructor(
    readonly partition: number,
    public nextOffset: number,
    readonly dedup: RsvpDedupState,
    readonly watermark: PartitionWatermark,
    /** The partition's share of the open buckets and panes, of its counted messages. */
    readonly partials: PartitionPartials,
  ) {}
}
