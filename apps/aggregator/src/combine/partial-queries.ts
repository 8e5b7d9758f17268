import type { Client, estypes } from '@elastic/elasticsearch';
import type { ScopePanes } from '@meetup/trending';
import type { PartialDocument, PartialKind } from '../pipeline/partial-documents';

export interface CountryBucketRow {
  bucketStart: number;
  country: string;
  response: string;
  responses: number;
  guests: number;
  attendees: number;
}

/** What the by-country stage reads: the counts of all partitions, bucket by bucket. */
export interface CountryBuckets {
  /**
   * The end of the first bucket from `from` on at which the documents read exceed `budget`
   * (`reachOf`), or +∞ when all fit.
   */
  reach(from: number, budget: number, bucketMs: number): Promise<number>;
  /** The rows, per bucket × country × response, of the buckets starting in `[from, to)`. */
  rows(from: number, to: number): Promise<CountryBucketRow[]>;
}

/**
 * The end of the first interval of a volume histogram at which the running total of documents
 * exceeds `budget`, or +∞ when all fit: how far one combine cycle reads. Bounds a cycle's
 * reads, memory and writes after a backlog, whatever the event-time span (sparse history
 * passes in one cycle, a dense backlog in slices).
 */
export function reachOf(
  volume: readonly Pick<estypes.AggregationsDateHistogramBucket, 'key' | 'doc_count'>[],
  budget: number,
  intervalMs: number,
): number {
  let total = 0;
  for (const bucket of volume) {
    total += bucket.doc_count;
    if (total > budget) return bucket.key + intervalMs;
  }
  return Number.POSITIVE_INFINITY;
}

/** The bounds from the `first` (min) and `last` (max) aggregations: none over no documents. */
export function countedBoundsOf(
  aggregations: Record<string, estypes.AggregationsAggregate> | undefined,
): CountedBounds | undefined {
  const value = (name: string) =>
    (aggregations?.[name] as { value: number | null } | undefined)?.value ?? null;
  const first = value('first');
  const last = value('last');
  return first === null || last === null ? undefined : { first, last };
}

/** Partial documents per page of a read. */
const PAGE_SIZE = 1_000;

/** The partial documents of one kind whose start is in `[from, to)`, `to` infinite for no end. */
function partialsQuery(
  kind: PartialKind,
  from: number,
  to: number,
): estypes.QueryDslQueryContainer {
  const range = {
    ...(Number.isFinite(from) ? { gte: from } : {}),
    ...(Number.isFinite(to) ? { lt: to } : {}),
  };
  return {
    bool: {
      filter: [{ term: { kind } }, { range: { start: { ...range, format: 'epoch_millis' } } }],
    },
  };
}

/**
 * Every partial document of one kind with its start in `[from, to)`, page by page, oldest
 * first; with `fields`, only those of its source.
 */
export async function* partialHits<F extends keyof PartialDocument = keyof PartialDocument>(
  es: Client,
  index: string,
  kind: PartialKind,
  range: { from: number; to: number },
  fields?: F[],
): AsyncGenerator<{ id: string; source: Pick<PartialDocument, F> }> {
  let after: estypes.SortResults | undefined;
  for (;;) {
    const response = await es.search<Pick<PartialDocument, F>>({
      index,
      size: PAGE_SIZE,
      query: partialsQuery(kind, range.from, range.to),
      ...(fields ? { _source: fields } : {}),
      sort: [{ start: 'asc' }, { partition: 'asc' }],
      search_after: after,
      track_total_hits: false,
    });
    const hits = response.hits.hits;
    for (const hit of hits) {
      if (hit._source && hit._id !== undefined) yield { id: hit._id, source: hit._source };
    }
    if (hits.length < PAGE_SIZE) return;
    after = hits[hits.length - 1]?.sort;
  }
}

/**
 * How far one cycle reads from `from` on: `reachOf` over the documents of one kind per
 * interval of their start.
 */
export async function partialsReach(
  es: Client,
  index: string,
  kind: PartialKind,
  budget: { from: number; documents: number; intervalMs: number },
): Promise<number> {
  const result = await es.search({
    index,
    size: 0,
    query: partialsQuery(kind, budget.from, Number.POSITIVE_INFINITY),
    aggs: {
      volume: {
        date_histogram: {
          field: 'start',
          fixed_interval: `${budget.intervalMs}ms`,
          min_doc_count: 1,
        },
      },
    },
  });
  const volume = result.aggregations?.volume as
    estypes.AggregationsDateHistogramAggregate | undefined;
  const buckets = (volume?.buckets ?? []) as estypes.AggregationsDateHistogramBucket[];
  return reachOf(buckets, budget.documents, budget.intervalMs);
}

/** The by-country rows of buckets summed over the partitions' partial documents. */
export function countryRowsOf(documents: Iterable<PartialDocument>): CountryBucketRow[] {
  const rows = new Map<string, CountryBucketRow>();
  for (const doc of documents) {
    for (const [key, value] of Object.entries(doc.counts)) {
      const [responses, guests, attendees] = value as [number, number, number];
      const id = `${doc.start}|${key}`;
      let row = rows.get(id);
      if (!row) {
        const bar = key.indexOf('|');
        row = {
          bucketStart: doc.start,
          country: key.slice(0, bar),
          response: key.slice(bar + 1),
          responses: 0,
          guests: 0,
          attendees: 0,
        };
        rows.set(id, row);
      }
      row.responses += responses;
      row.guests += guests;
      row.attendees += attendees;
    }
  }
  return [...rows.values()];
}

/**
 * What the by-country stage reads, from the partitions' partial documents: a bucket's row is
 * the sum of its partitions' documents, so a cycle reads partitions × buckets documents, not
 * messages. The read budget counts documents.
 */
export function elasticsearchCountryPartials(es: Client, index: string): CountryBuckets {
  return {
    reach: (from, budget, bucketMs) =>
      partialsReach(es, index, 'bucket', { from, documents: budget, intervalMs: bucketMs }),
    rows: async (from, to) => {
      const documents: PartialDocument[] = [];
      for await (const hit of partialHits(es, index, 'bucket', { from, to })) {
        documents.push(hit.source);
      }
      return countryRowsOf(documents);
    },
  };
}

/** Oldest and newest event time of the counted messages. */
export interface CountedBounds {
  first: number;
  last: number;
}

/** What the trending stage reads: the partitions' pane counts and the span of their messages. */
export interface TrendingPanes {
  /** Oldest and newest counted event time held, or undefined while there is none. */
  bounds(): Promise<CountedBounds | undefined>;
  /**
   * The end of the first pane from `from` on at which the pane documents read exceed `budget`,
   * or +∞ when all fit.
   */
  reach(from: number, budget: number, slideMs: number): Promise<number>;
  /** Topic counts per scope of the panes starting in `[from, to)`, summed over the partitions. */
  panes(from: number, to: number): Promise<Map<string, ScopePanes>>;
  /** Forgets what it holds (a new leadership starts afresh). */
  reset(): void;
}

/** One partition's pane, as read: its offset then, and its counts as scope, urlkey, name, count. */
interface HeldPane {
  start: number;
  offset: number;
  counts: [string, string, string, number][];
}

/** A pane document's counts as scope, urlkey, name and count (keys `scope<TAB>urlkey<TAB>name`). */
export function paneCountsOf(counts: PartialDocument['counts']): HeldPane['counts'] {
  return Object.entries(counts as Record<string, number>).map(([key, count]) => {
    const first = key.indexOf('\t');
    const second = key.indexOf('\t', first + 1);
    return [key.slice(0, first), key.slice(first + 1, second), key.slice(second + 1), count];
  });
}

/** Adds one partition's pane to the counts per scope. */
export function addPane(scopes: Map<string, ScopePanes>, pane: HeldPane): void {
  for (const [scope, urlkey, name, count] of pane.counts) {
    let topics = scopes.get(scope);
    if (!topics) scopes.set(scope, (topics = new Map<string, Map<string, Map<number, number>>>()));
    let names = topics.get(urlkey);
    if (!names) topics.set(urlkey, (names = new Map<string, Map<number, number>>()));
    let counts = names.get(name);
    if (!counts) names.set(name, (counts = new Map<number, number>()));
    counts.set(pane.start, (counts.get(pane.start) ?? 0) + count);
  }
}

/** Pane documents fetched per request once known to have changed. */
const FETCH_SIZE = 50;

/**
 * The trending stage's reads of the partials. It holds the pane documents it read, with
 * their offset, and each call fetches only those whose offset moved: live, a partition's
 * newest pane or two, not every open pane of every partition.
 */
export class ElasticsearchTrendingPanes implements TrendingPanes {
  private held = new Map<string, HeldPane>();

  constructor(
    private readonly es: Client,
    private readonly index: string,
  ) {}

  reset(): void {
    this.held = new Map();
  }

  async bounds(): Promise<CountedBounds | undefined> {
    const result = await this.es.search({
      index: this.index,
      size: 0,
      query: partialsQuery('bucket', Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY),
      aggs: { first: { min: { field: 'first_mtime' } }, last: { max: { field: 'last_mtime' } } },
    });
    return countedBoundsOf(result.aggregations);
  }

  reach(from: number, budget: number, slideMs: number): Promise<number> {
    return partialsReach(this.es, this.index, 'pane', {
      from,
      documents: budget,
      intervalMs: slideMs,
    });
  }

  async panes(from: number, to: number): Promise<Map<string, ScopePanes>> {
    const current = new Map<string, HeldPane>();
    const changed: string[] = [];
    const offsets = partialHits(this.es, this.index, 'pane', { from, to }, ['offset']);
    for await (const { id, source } of offsets) {
      const held = this.held.get(id);
      if (held?.offset === source.offset) current.set(id, held);
      else changed.push(id);
    }
    // A search by ids, not `mget`: the documents lie in the partitions the pattern names.
    for (let i = 0; i < changed.length; i += FETCH_SIZE) {
      const ids = changed.slice(i, i + FETCH_SIZE);
      const response = await this.es.search<PartialDocument>({
        index: this.index,
        size: ids.length,
        query: { ids: { values: ids } },
        track_total_hits: false,
      });
      for (const hit of response.hits.hits) {
        if (!hit._source || hit._id === undefined) continue;
        const { start, offset, counts } = hit._source;
        current.set(hit._id, { start, offset, counts: paneCountsOf(counts) });
      }
      // Counts left out would be written as if they were zero: fail the cycle instead.
      const missing = ids.filter((id) => !current.has(id));
      if (missing.length > 0) {
        throw new Error(`pane documents not found when read: ${missing.slice(0, 5).join(', ')}`);
      }
    }
    // Only the panes of this range stay held: those before it are complete and in the history.
    this.held = current;
    const scopes = new Map<string, ScopePanes>();
    for (const pane of current.values()) addPane(scopes, pane);
    return scopes;
  }
}
