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

/** One bucket's or pane's counts in this partition, and the counted messages behind them. */
export interface Cell<C> {
  /** Epoch-aligned start of the bucket or pane. */
  start: number;
  /** Bucket: `country|response` → totals. Pane: `scope<TAB>urlkey<TAB>name` → count (scope '' = world). */
  counts: Map<string, C>;
  /** Counted messages added (a pane: those with topics). */
  messages: number;
  /** Event time of the oldest and newest of them. */
  firstMtime: number;
  lastMtime: number;
}

export type BucketPartial = Cell<CountryCounts>;
export type PanePartial = Cell<number>;

export interface Partials {
  buckets: BucketPartial[];
  panes: PanePartial[];
}

/** The key of a by-country count: `country|response`. */
export function countryKeyOf(country: string, response: string): string {
  return `${country}|${response}`;
}

/** The key of a topic count: `scope<TAB>urlkey<TAB>name`, scope '' for the world. */
export function topicKeyOf(scope: string, topic: string): string {
  return `${scope}\t${topic}`;
}

/** A cell of a pane or bucket, with nothing counted yet. */
function emptyCell<C>(start: number): Cell<C> {
  return {
    start,
    counts: new Map(),
    messages: 0,
    firstMtime: Number.POSITIVE_INFINITY,
    lastMtime: Number.NEGATIVE_INFINITY,
  };
}

/** A message's time noted in its cell. */
function noteMessage<C>(cell: Cell<C>, mtime: number): void {
  cell.messages += 1;
  cell.firstMtime = Math.min(cell.firstMtime, mtime);
  cell.lastMtime = Math.max(cell.lastMtime, mtime);
}

/** Cells by start: those changed since last asked, and those ending at or before a mark. */
class Cells<C> {
  private readonly cells = new Map<number, Cell<C>>();
  private readonly changed = new Set<number>();

  constructor(private readonly sizeMs: number) {}

  get size(): number {
    return this.cells.size;
  }

  /** The cell of an event time (created empty), marked changed. */
  cellOf(mtime: number): Cell<C> {
    const start = bucketStart(mtime, this.sizeMs);
    let cell = this.cells.get(start);
    if (!cell) this.cells.set(start, (cell = emptyCell(start)));
    this.changed.add(start);
    return cell;
  }

  takeChanged(): Cell<C>[] {
    const cells = [...this.changed].flatMap((start) => this.cells.get(start) ?? []);
    this.changed.clear();
    return cells.sort((a, b) => a.start - b.start);
  }

  close(closedBefore: number): Cell<C>[] {
    const closed: Cell<C>[] = [];
    for (const [start, cell] of this.cells) {
      if (start + this.sizeMs > closedBefore) continue;
      closed.push(cell);
      this.cells.delete(start);
      this.changed.delete(start);
    }
    return closed.sort((a, b) => a.start - b.start);
  }

  all(): Cell<C>[] {
    return [...this.cells.values()].sort((a, b) => a.start - b.start);
  }

  restore(cell: Cell<C>): void {
    this.cells.set(cell.start, cell);
  }
}

/** A cell in the snapshot's text: start, messages, first and last mtime, then its counts. */
type CellText<Row> = [number, number, number, number, Row[]];
type BucketRow = [string, number, number, number];
type PaneRow = [string, number];

function cellText<C, Row>(cell: Cell<C>, row: (key: string, c: C) => Row): CellText<Row> {
  return [
    cell.start,
    cell.messages,
    cell.firstMtime,
    cell.lastMtime,
    [...cell.counts].map(([key, c]) => row(key, c)),
  ];
}

function cellOfText<C, Row>(text: CellText<Row>, entry: (row: Row) => [string, C]): Cell<C> {
  const [start, messages, firstMtime, lastMtime, rows] = text;
  return { start, messages, firstMtime, lastMtime, counts: new Map(rows.map(entry)) };
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
  private readonly buckets: Cells<CountryCounts>;
  private readonly panes: Cells<number>;

  constructor(readonly settings: PartialsSettings) {
    this.buckets = new Cells(settings.bucketMs);
    this.panes = new Cells(settings.paneMs);
  }

  /** Open buckets and panes held. */
  get size(): number {
    return this.buckets.size + this.panes.size;
  }

  /** Counts a message into its bucket and, if it has topics, its pane. */
  add(message: CountedMessage): void {
    const bucket = this.buckets.cellOf(message.mtime);
    noteMessage(bucket, message.mtime);
    const key = countryKeyOf(message.country, message.response);
    let row = bucket.counts.get(key);
    if (!row) bucket.counts.set(key, (row = { responses: 0, guests: 0, attendees: 0 }));
    row.responses += 1;
    row.guests += message.guests;
    row.attendees += message.attendees;
    if (message.topics.length === 0) return;
    const pane = this.panes.cellOf(message.mtime);
    noteMessage(pane, message.mtime);
    for (const topic of message.topics) {
      for (const scope of ['', message.country]) {
        const topicKey = topicKeyOf(scope, topic);
        pane.counts.set(topicKey, (pane.counts.get(topicKey) ?? 0) + 1);
      }
    }
  }

  /** The open buckets and panes that changed since the last call, and forgets the marks. */
  takeChanged(): Partials {
    return { buckets: this.buckets.takeChanged(), panes: this.panes.takeChanged() };
  }

  /**
   * Hands over, and forgets, the buckets and panes that end at or before `closedBefore`
   * (the partition's watermark minus the allowed lateness): final for this partition.
   */
  close(closedBefore: number): Partials {
    return { buckets: this.buckets.close(closedBefore), panes: this.panes.close(closedBefore) };
  }

  /** Every open bucket and pane. */
  open(): Partials {
    return { buckets: this.buckets.all(), panes: this.panes.all() };
  }

  /** The open partials as text (a snapshot's part); `deserialize` gives them back. */
  serialize(): string {
    return JSON.stringify({
      b: this.buckets
        .all()
        .map((cell) =>
          cellText(cell, (key, c): BucketRow => [key, c.responses, c.guests, c.attendees]),
        ),
      p: this.panes.all().map((cell) => cellText(cell, (key, n): PaneRow => [key, n])),
    });
  }

  static deserialize(text: string, settings: PartialsSettings): PartitionPartials {
    const partials = new PartitionPartials(settings);
    if (text === '') return partials;
    const parsed = JSON.parse(text) as { b: CellText<BucketRow>[]; p: CellText<PaneRow>[] };
    for (const cell of parsed.b) {
      partials.buckets.restore(
        cellOfText(cell, ([key, responses, guests, attendees]) => [
          key,
          { responses, guests, attendees },
        ]),
      );
    }
    for (const cell of parsed.p) partials.panes.restore(cellOfText(cell, (row) => row));
    return partials;
  }
}
