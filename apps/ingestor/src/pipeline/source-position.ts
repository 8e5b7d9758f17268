/**
 * Where a source stands: the newest mtime received (for an in-process
 * reconnect: records received but not yet produced are still in memory) and
 * the newest mtime of the prefix of messages fully handled, i.e. produced,
 * DLQ'd or skipped (for the durable checkpoint a restarted replica resumes from).
 */
export class SourcePosition {
  private receivedMtime: number | undefined;
  private doneMtime: number | undefined;
  private pending = 0;

  constructor(checkpoint: number | undefined) {
    this.receivedMtime = checkpoint;
    this.doneMtime = checkpoint;
  }

  get received(): number | undefined {
    return this.receivedMtime;
  }

  get done(): number | undefined {
    return this.doneMtime;
  }

  /** Records a delivered valid message's mtime; returns the new watermark. */
  observe(mtime: number): number {
    this.receivedMtime = Math.max(this.receivedMtime ?? mtime, mtime);
    return this.receivedMtime;
  }

  /** A message that needs no produce (another replica's shard). */
  handledAtOnce(): void {
    if (this.pending === 0) this.doneMtime = this.receivedMtime;
  }

  enqueued(): void {
    this.pending += 1;
  }

  /** Records are acknowledged in arrival order: the last one's watermark covers all before it. */
  acknowledged(count: number, watermark: number | undefined): void {
    this.pending -= count;
    if (watermark !== undefined) this.doneMtime = Math.max(this.doneMtime ?? watermark, watermark);
    if (this.pending === 0) this.doneMtime = this.receivedMtime;
  }
}
