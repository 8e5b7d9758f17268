import { bucketStart } from '@meetup/windowing';

/** A counted message, as the partials need it (the aggregator's activity). */
export interface CountedMessage {
  mtime: number;
  country: string;
  response: 'yes' | 'no';
  guests: number;
  attendees: number;
  /** `urlkey<TAB>name`, one per distinct urlkey. */
  topics: readonly string[];
}

export interface PartialsSettings {
  /** By-country bucket length (COUNTRY_BUCKET_MS). */
  bucketMs: number;
  /** Trending pane length (TRENDING_SLIDE_MS). */
  paneMs: number;
}

/** By-country totals of one key. */
export interface CountryCounts {
  responses: number;
  guests: number;
  attendees: number;
}

/** One bucket's totals in this partition: `country|response` → counts. */
export interface BucketPartial {
  bucket: number;
  counts: ReadonlyMap<string, CountryCounts>;
}

/** One pane's topic counts in this partition: `scope<TAB>urlkey<TAB>name` → count (scope '' = world). */
export interface PanePartial {
  pane: number;
  counts: ReadonlyMap<string, number>;
}

export interface Partials {
  buckets: BucketPartial[];
  panes: PanePartial[];
}

/**
 * A partition's share of the real-time aggregates: by-country totals per bucket and topic
 * counts per pane, of the messages it counted, in offset order. Deterministic: the same
 * messages give the same partials, so a replay from a snapshot (`serialize`) rebuilds exactly
 * what a crashed owner had. A bucket or pane that ends at or before the partition's
 * watermark minus the allowed lateness can no longer change here (a message that old is
 * late); `close` hands such ones over once and forgets them.
 */
export class PartitionPartials {
  private readonly buckets = new Map<number, Map<string, CountryCounts>>();
  private readonly panes = new Map<number, Map<string, number>>();
  private readonly changedBuckets = new Set<number>();
  private readonly changedPanes = new Set<number>();

  constructor(private readonly settings: PartialsSettings) {}

  /** Counts a message into its bucket and pane. */
  add(message: CountedMessage): void {
    const bucket = bucketStart(message.mtime, this.settings.bucketMs);
    const counts = this.bucketOf(bucket);
    const key = `${message.country}|${message.response}`;
    const row = counts.get(key) ?? { responses: 0, guests: 0, attendees: 0 };
    row.responses += 1;
    row.guests += message.guests;
    row.attendees += message.attendees;
    counts.set(key, row);
    this.changedBuckets.add(bucket);
    if (message.topics.length === 0) return;
    const pane = bucketStart(message.mtime, this.settings.paneMs);
    const topics = this.paneOf(pane);
    for (const topic of message.topics) {
      for (const scope of ['', message.country]) {
        const topicKey = `${scope}\t${topic}`;
        topics.set(topicKey, (topics.get(topicKey) ?? 0) + 1);
      }
    }
    this.changedPanes.add(pane);
  }

  /** The open buckets and panes that changed since the last call, and forgets the marks. */
  takeChanged(): Partials {
    const partials = {
      buckets: [...this.changedBuckets]
        .filter((bucket) => this.buckets.has(bucket))
        .sort((a, b) => a - b)
        .map((bucket) => ({ bucket, counts: this.buckets.get(bucket) ?? new Map() })),
      panes: [...this.changedPanes]
        .filter((pane) => this.panes.has(pane))
        .sort((a, b) => a - b)
        .map((pane) => ({ pane, counts: this.panes.get(pane) ?? new Map() })),
    };
    this.changedBuckets.clear();
    this.changedPanes.clear();
    return partials;
  }

  /**
   * Hands over, and forgets, the buckets and panes that end at or before `closedBefore`
   * (the partition's watermark minus the allowed lateness): final for this partition.
   */
  close(closedBefore: number): Partials {
    const buckets: BucketPartial[] = [];
    for (const [bucket, counts] of this.buckets) {
      if (bucket + this.settings.bucketMs > closedBefore) continue;
      buckets.push({ bucket, counts });
      this.buckets.delete(bucket);
      this.changedBuckets.delete(bucket);
    }
    const panes: PanePartial[] = [];
    for (const [pane, counts] of this.panes) {
      if (pane + this.settings.paneMs > closedBefore) continue;
      panes.push({ pane, counts });
      this.panes.delete(pane);
      this.changedPanes.delete(pane);
    }
    buckets.sort((a, b) => a.bucket - b.bucket);
    panes.sort((a, b) => a.pane - b.pane);
    return { buckets, panes };
  }

  /** Every open bucket and pane. */
  open(): Partials {
    return {
      buckets: [...this.buckets]
        .sort(([a], [b]) => a - b)
        .map(([bucket, counts]) => ({ bucket, counts })),
      panes: [...this.panes].sort(([a], [b]) => a - b).map(([pane, counts]) => ({ pane, counts })),
    };
  }

  /** The open partials as text (a snapshot's part); `deserialize` gives them back. */
  serialize(): string {
    const { buckets, panes } = this.open();
    return JSON.stringify({
      b: buckets.map(({ bucket, counts }) => [
        bucket,
        [...counts].map(([key, c]) => [key, c.responses, c.guests, c.attendees]),
      ]),
      p: panes.map(({ pane, counts }) => [pane, [...counts]]),
    });
  }

  static deserialize(text: string, settings: PartialsSettings): PartitionPartials {
    const parsed = JSON.parse(text) as {
      b: [number, [string, number, number, number][]][];
      p: [number, [string, number][]][];
    };
    const partials = new PartitionPartials(settings);
    for (const [bucket, rows] of parsed.b) {
      partials.buckets.set(
        bucket,
        new Map(
          rows.map(([key, responses, guests, attendees]) => [
            key,
            { responses, guests, attendees },
          ]),
        ),
      );
    }
    for (const [pane, rows] of parsed.p) partials.panes.set(pane, new Map(rows));
    return partials;
  }

  private bucketOf(bucket: number): Map<string, CountryCounts> {
    let counts = this.buckets.get(bucket);
    if (!counts) this.buckets.set(bucket, (counts = new Map()));
    return counts;
  }

  private paneOf(pane: number): Map<string, number> {
    let counts = this.panes.get(pane);
    if (!counts) this.panes.set(pane, (counts = new Map()));
    return counts;
  }
}
