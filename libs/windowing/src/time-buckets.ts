/** Start of the tumbling bucket of `sizeMs` that holds `time` (epoch ms, aligned to the epoch). */
export function bucketStart(time: number, sizeMs: number): number {
  return Math.floor(time / sizeMs) * sizeMs;
}

/** Sliding windows `[end - lengthMs, end)` with `end` a multiple of `slideMs`. */
export interface SlidingWindows {
  lengthMs: number;
  slideMs: number;
}

/** Ends of every sliding window that contains `time`, oldest first. */
export function windowEndsContaining(time: number, windows: SlidingWindows): number[] {
  const first = bucketStart(time, windows.slideMs) + windows.slideMs;
  const ends: number[] = [];
  for (let end = first; end - windows.lengthMs <= time; end += windows.slideMs) ends.push(end);
  return ends;
}

/**
 * Sums of `counts` (keyed by pane start, panes of `slideMs`) over windows,
 * answered in O(log n) per window from prefix sums.
 */
export class PaneSums {
  private readonly starts: number[];
  private readonly prefix: number[];

  constructor(counts: ReadonlyMap<number, number>) {
    this.starts = [...counts.keys()].sort((a, b) => a - b);
    this.prefix = [0];
    for (const start of this.starts) {
      this.prefix.push((this.prefix.at(-1) ?? 0) + (counts.get(start) ?? 0));
    }
  }

  /** Total of the panes whose start lies in `[from, to)`. */
  sum(from: number, to: number): number {
    return (this.prefix[this.lowerBound(to)] ?? 0) - (this.prefix[this.lowerBound(from)] ?? 0);
  }

  /** Pane starts that hold a count, ascending. */
  paneStarts(): readonly number[] {
    return this.starts;
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.starts[mid] ?? 0) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
