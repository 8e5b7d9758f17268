/** A partition's offsets as Kafka reports them, as numbers. */
export interface PartitionEnds {
  partition: number;
  low: number;
  high: number;
}

/** Where a partition's snapshot stands: its next offset and its watermark. */
export interface PartitionMark {
  offset: number;
  watermark: number | null;
}

export interface StreamIdlenessOptions {
  /** How long the stream must be quiet before its event time runs on with the clock. */
  idleMs: number;
  /**
   * How far past the newest record the event time runs at most: far enough for every bucket
   * and window holding a record to end and pass the allowed lateness (then nothing is left
   * to close, and no more markers are written).
   */
  closeAllMs: number;
}

/**
 * Decides when the stream is quiet and how far its event time has run since (processing
 * time, as Flink's `withIdleness`): without it the watermark stops with the last record, and
 * the buckets and windows after it are never emitted or made final.
 *
 * The stream is quiet when no partition's end moved (except by the markers this member
 * wrote) and every partition's snapshot has caught up with its records. From the moment it
 * went quiet, its event time runs on from the newest watermark at the clock's pace, after
 * `idleMs`: a record delayed by less than the allowed lateness is still counted when the
 * stream resumes, and a live stream whose `mtime` follows the clock is not moved past its
 * records. The advance is written into every partition as a marker record, so that each
 * partition's owner applies it at a fixed offset and a replay decides exactly as the first run.
 */
export class StreamIdleness {
  /** Per partition: the end offset of the records (the markers this member wrote excluded). */
  private readonly dataEnd = new Map<number, number>();
  /** Per partition: the end offset after this member's last marker. */
  private readonly markerEnd = new Map<number, number>();
  private readonly seenEnd = new Map<number, number>();
  private quiet: { since: number; base: number } | undefined;
  private lastTarget = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: StreamIdlenessOptions) {}

  /**
   * The event time every partition should advance to now, or undefined when the stream is
   * not quiet (long enough) or the time did not move since the last markers.
   */
  observe(
    ends: readonly PartitionEnds[],
    marks: ReadonlyMap<number, PartitionMark>,
    now: number,
  ): number | undefined {
    const moved = this.noteEnds(ends);
    const caughtUp = ends.every(
      (p) => (marks.get(p.partition)?.offset ?? p.low) >= (this.dataEnd.get(p.partition) ?? p.low),
    );
    if (moved || !caughtUp) {
      this.quiet = undefined;
      return undefined;
    }
    const watermarks = ends
      .map((p) => marks.get(p.partition)?.watermark)
      .filter((w): w is number => typeof w === 'number' && Number.isFinite(w));
    // No partition has a record with a time: there is nothing to close.
    if (watermarks.length === 0) return undefined;
    const newest = Math.max(...watermarks);
    if (!this.quiet) {
      this.quiet = { since: now, base: newest };
      return undefined;
    }
    const elapsed = now - this.quiet.since;
    if (elapsed < this.options.idleMs) return undefined;
    // A later leader starts from the watermarks this one advanced: the event time still never
    // runs ahead of the clock since the stream went quiet.
    const target = this.quiet.base + Math.min(elapsed, this.options.closeAllMs);
    if (target <= this.lastTarget) return undefined;
    this.lastTarget = target;
    return target;
  }

  /** The markers were written: each partition's end after its marker's offset is not new data. */
  written(markers: readonly { partition: number; offset: number }[]): void {
    for (const { partition, offset } of markers) this.markerEnd.set(partition, offset + 1);
  }

  /** Records the partitions' ends; true when one moved by anything but this member's marker. */
  private noteEnds(ends: readonly PartitionEnds[]): boolean {
    let moved = false;
    for (const { partition, high } of ends) {
      if (this.seenEnd.get(partition) === high) continue;
      this.seenEnd.set(partition, high);
      if (this.markerEnd.get(partition) === high) continue;
      this.dataEnd.set(partition, high);
      moved = true;
    }
    return moved;
  }
}
