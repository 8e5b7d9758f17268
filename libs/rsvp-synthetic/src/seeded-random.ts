/** A small, fast, seeded pseudo-random generator (mulberry32): same seed, same sequence. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Uniform integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(values: readonly T[]): T {
    const value = values[this.int(values.length)];
    if (value === undefined) throw new RangeError('pick from an empty list');
    return value;
  }
}

/** Picks indices with probability proportional to their weights, in O(log n). */
export class WeightedPicker {
  private readonly cumulative: number[] = [];

  constructor(weights: readonly number[]) {
    let total = 0;
    for (const weight of weights) {
      total += weight;
      this.cumulative.push(total);
    }
    if (total <= 0) throw new RangeError('weights must not all be zero');
  }

  get total(): number {
    return this.cumulative[this.cumulative.length - 1] ?? 0;
  }

  pick(random: SeededRandom): number {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] ?? 0) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
