/**
 * Counts per pane (keyed by pane start), answering window sums in O(log n)
 * from prefix sums. Panes may be appended in ascending order as they complete
 * and dropped from the front once no window needs them, so one series can
 * follow a stream for as long as it runs.
 */
export class PaneSums {
  private starts: number[] = [];
  /** totals[i]: total of every pane up to and including starts[i], dropped ones too. */
  private totals: number[] = [];
  private head = 0;
  /** Total of the panes dropped from the front. */
  private dropped = 0;

  constructor(counts: ReadonlyMap<number, number> = new Map()) {
    for (const start of [...counts.keys()].sort((a, b) => a - b)) {
      this.append(start, counts.get(start) ?? 0);
    }
  }

  /** Adds the count of a pane after every pane held so far. */
  append(start: number, count: number): void {
    const last = this.starts.at(-1);
    if (last !== undefined && start <= last) {
      throw new RangeError(`pane ${start} appended after pane ${last}`);
    }
    this.starts.push(start);
    this.totals.push((this.totals.at(-1) ?? this.dropped) + count);
  }

  /** Total of the panes whose start lies in `[from, to)` (panes dropped count as 0). */
  sum(from: number, to: number): number {
    return this.totalBefore(to) - this.totalBefore(from);
  }

  /** Pane starts that hold a count, ascending. */
  paneStarts(): readonly number[] {
    return this.head === 0 ? this.starts : this.starts.slice(this.head);
  }

  /** Pane starts at or after `time` that hold a count, ascending. */
  paneStartsFrom(time: number): readonly number[] {
    return this.starts.slice(this.lowerBound(time));
  }

  /** Start of the newest pane, if any. */
  get last(): number | undefined {
    return this.head < this.starts.length ? this.starts.at(-1) : undefined;
  }

  /** Forgets the panes that start before `time`. */
  dropBefore(time: number): void {
    const cut = this.lowerBound(time);
    if (cut === this.head) return;
    this.dropped = this.totals[cut - 1] ?? this.dropped;
    this.head = cut;
    // Compact once the dropped front outweighs what is held, so eviction stays amortised O(1).
    if (this.head > 64 && this.head * 2 > this.starts.length) {
      this.starts = this.starts.slice(this.head);
      this.totals = this.totals.slice(this.head);
      this.head = 0;
    }
  }

  private totalBefore(time: number): number {
    const index = this.lowerBound(time);
    return index === this.head ? this.dropped : (this.totals[index - 1] ?? this.dropped);
  }

  /** First index at or after head whose pane starts at or after `value`. */
  private lowerBound(value: number): number {
    let lo = this.head;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] ?? 0) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
