const NEWLINE = 0x0a;

/**
 * Splits a byte stream into newline-terminated lines, keeping each line's
 * bytes exactly as sent (no re-encoding), without the newline or a trailing CR.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxLineBytes = 1024 * 1024) {}

  /** The complete lines in `chunk`; an over-long line is returned cut at the limit. */
  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      lines.push(this.take(chunk.subarray(start, end)));
      start = end + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += chunk.length - start;
      if (this.pendingBytes > this.maxLineBytes) lines.push(this.take(Buffer.alloc(0)));
    }
    return lines.filter((line) => line.length > 0);
  }

  private take(tail: Buffer): Buffer {
    const line = this.pending.length === 0 ? tail : Buffer.concat([...this.pending, tail]);
    this.pending = [];
    this.pendingBytes = 0;
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    return Buffer.from(line.subarray(0, end));
  }
}
