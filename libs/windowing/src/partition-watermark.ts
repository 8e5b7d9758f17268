/**
 * The event-time watermark of one Kafka partition: the largest `mtime` seen
 * before the current record. A record is late when its time lies more than
 * the allowed lateness behind it. Per partition, so the decision depends only
 * on the partition's order and a replay decides exactly as the first run.
 */
export class PartitionWatermark {
  constructor(
    private readonly allowedLatenessMs: number,
    private current: number = Number.NEGATIVE_INFINITY,
  ) {}

  get value(): number {
    return this.current;
  }

  /**
   * A record before this is late: a bucket or pane ending at or before it can no longer
   * change in this partition.
   */
  get closedBefore(): number {
    return this.current - this.allowedLatenessMs;
  }

  isLate(time: number): boolean {
    return time < this.closedBefore;
  }

  advance(time: number): void {
    if (time > this.current) this.current = time;
  }
}
