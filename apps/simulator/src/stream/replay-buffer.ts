/** One message as the stream serves it. */
export interface StreamEntry {
  mtime: number;
  /** For the `event_id` filter; undefined for malformed lines. */
  eventId: string | undefined;
  line: Buffer;
}

/**
 * The last `capacity` messages in arrival order, addressed by sequence
 * number; it backs `since_mtime`/`since_count` and every client's cursor, so a
 * slow client costs a number, not a queue.
 */
export class ReplayBuffer {
  private readonly entries: (StreamEntry | undefined)[];
  private end = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array<StreamEntry | undefined>(capacity);
  }

  /** Sequence number of the oldest message still held. */
  get start(): number {
    return Math.max(0, this.end - this.capacity);
  }

  /** Sequence number the next message will get. */
  get next(): number {
    return this.end;
  }

  append(entry: StreamEntry): void {
    this.entries[this.end % this.capacity] = entry;
    this.end += 1;
  }

  get(seq: number): StreamEntry | undefined {
    return seq >= this.start && seq < this.end ? this.entries[seq % this.capacity] : undefined;
  }

  /**
   * Where a `since_mtime` client starts: at the first held message (in
   * arrival order) newer than `mtime`. Everything after it follows, late
   * out-of-order messages included, so a client that resumes from the newest
   * mtime it saw (minus a margin) misses nothing still held.
   */
  seqAfterMtime(mtime: number): number {
    for (let seq = this.start; seq < this.end; seq += 1) {
      if ((this.entries[seq % this.capacity]?.mtime ?? -1) > mtime) return seq;
    }
    return this.end;
  }

  seqOfLast(count: number): number {
    return Math.max(this.start, this.end - count);
  }
}
