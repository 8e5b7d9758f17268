import type { Client, estypes } from '@elastic/elasticsearch';
import type { ScopePanes } from '@meetup/trending';

type AfterKey = estypes.AggregationsCompositeAggregateKey;
type CompositeBucket = estypes.AggregationsCompositeBucket;

/** Buckets per page of a composite aggregation. */
export const COMPOSITE_PAGE_SIZE = 10_000;

/** A composite aggregation's page: its buckets, and the key to ask the next page after, if any. */
export function compositePage(rows: estypes.AggregationsCompositeAggregate | undefined): {
  buckets: CompositeBucket[];
  after: AfterKey | undefined;
} {
  const buckets = (rows?.buckets ?? []) as CompositeBucket[];
  // A short page is the last one, whether or not Elasticsearch still gave an after_key.
  const last = !rows?.after_key || buckets.length < COMPOSITE_PAGE_SIZE;
  return { buckets, after: last ? undefined : rows.after_key };
}

/** Every bucket of a composite aggregation, page by page. */
async function* compositeBuckets(
  es: Client,
  index: string,
  query: estypes.QueryDslQueryContainer,
  sources: Record<string, estypes.AggregationsCompositeAggregationSource>[],
  aggs?: Record<string, estypes.AggregationsAggregationContainer>,
): AsyncGenerator<CompositeBucket> {
  let after: AfterKey | undefined;
  for (;;) {
    const response = await es.search({
      index,
      size: 0,
      query,
      aggs: {
        rows: {
          composite: { size: COMPOSITE_PAGE_SIZE, sources, ...(after ? { after } : {}) },
          aggs,
        },
      },
    });
    const page = compositePage(
      response.aggregations?.rows as estypes.AggregationsCompositeAggregate | undefined,
    );
    yield* page.buckets;
    if (!page.after) return;
    after = page.after;
  }
}

export interface CountryBucketRow {
  bucketStart: number;
  country: string;
  response: string;
  responses: number;
  guests: number;
  attendees: number;
}

/** An event-time range query on the activity: `[from, to)`, `to` infinite for no end. */
export function mtimeRange(from: number, to: number): estypes.QueryDslQueryContainer {
  const range = Number.isFinite(to) ? { gte: from, lt: to } : { gte: from };
  return { range: { mtime: { ...range, format: 'epoch_millis' } } };
}

/** What the by-country stage reads of the counted activity. */
export interface CountryActivity {
  /** `activityReach` of the activity. */
  reach(from: number, budget: number, bucketMs: number): Promise<number>;
  /** `countryBucketRows` of the activity. */
  rows(from: number, to: number, bucketMs: number): Promise<CountryBucketRow[]>;
}

/** The counted activity in Elasticsearch (`index`: its partitions' read pattern). */
export function elasticsearchCountryActivity(es: Client, index: string): CountryActivity {
  return {
    reach: (from, budget, bucketMs) => activityReach(es, index, from, budget, bucketMs),
    rows: (from, to, bucketMs) => countryBucketRows(es, index, from, to, bucketMs),
  };
}

/** Counted responses per bucket × country × response, for activity in `[from, to)`. */
export async function countryBucketRows(
  es: Client,
  index: string,
  from: number,
  to: number,
  bucketMs: number,
): Promise<CountryBucketRow[]> {
  const rows: CountryBucketRow[] = [];
  const buckets = compositeBuckets(
    es,
    index,
    mtimeRange(from, to),
    [
      { bucket: { date_histogram: { field: 'mtime', fixed_interval: `${bucketMs}ms` } } },
      { country: { terms: { field: 'country' } } },
      { response: { terms: { field: 'response' } } },
    ],
    { guests: { sum: { field: 'guests' } }, attendees: { sum: { field: 'attendees' } } },
  );
  for await (const b of buckets) rows.push(countryBucketRowOf(b));
  return rows;
}

/** A bucket of the bucket × country × response composite aggregation, with its sums. */
export function countryBucketRowOf(b: CompositeBucket): CountryBucketRow {
  return {
    bucketStart: Number(b.key.bucket),
    country: String(b.key.country),
    response: String(b.key.response),
    responses: b.doc_count,
    guests: (b.guests as estypes.AggregationsSumAggregate).value ?? 0,
    attendees: (b.attendees as estypes.AggregationsSumAggregate).value ?? 0,
  };
}

/**
 * Topic counts per pane of `slideMs`, for the world (scope '') and per
 * country, of activity in `[from, to)`.
 */
export async function topicPanes(
  es: Client,
  index: string,
  from: number,
  to: number,
  slideMs: number,
): Promise<Map<string, ScopePanes>> {
  const scopes = new Map<string, ScopePanes>();
  const buckets = compositeBuckets(es, index, mtimeRange(from, to), [
    { pane: { date_histogram: { field: 'mtime', fixed_interval: `${slideMs}ms` } } },
    { country: { terms: { field: 'country' } } },
    { topic: { terms: { field: 'topics' } } },
  ]);
  for await (const b of buckets) addTopicPane(scopes, b);
  return scopes;
}

/**
 * Adds a pane × country × topic bucket to the world's counts (scope '') and its country's;
 * the topic is `urlkey<TAB>name` as the activity stores it.
 */
export function addTopicPane(scopes: Map<string, ScopePanes>, b: CompositeBucket): void {
  const pane = Number(b.key.pane);
  const topic = String(b.key.topic);
  const tab = topic.indexOf('\t');
  const urlkey = tab < 0 ? topic : topic.slice(0, tab);
  const name = tab < 0 ? topic : topic.slice(tab + 1);
  add(scopes, '', urlkey, name, pane, b.doc_count);
  add(scopes, String(b.key.country), urlkey, name, pane, b.doc_count);
}

function add(
  scopes: Map<string, ScopePanes>,
  scope: string,
  urlkey: string,
  name: string,
  pane: number,
  count: number,
): void {
  let topics = scopes.get(scope);
  if (!topics) scopes.set(scope, (topics = new Map<string, Map<string, Map<number, number>>>()));
  let names = topics.get(urlkey);
  if (!names) topics.set(urlkey, (names = new Map<string, Map<number, number>>()));
  let panes = names.get(name);
  if (!panes) names.set(name, (panes = new Map<number, number>()));
  panes.set(pane, (panes.get(pane) ?? 0) + count);
}

export interface ActivityBounds {
  /** Event time of the oldest counted activity held. */
  first: number;
  /** Event time of the newest counted activity. */
  last: number;
}

/** Oldest and newest event time of the counted activity, or undefined while there is none. */
export async function activityBounds(
  es: Client,
  index: string,
): Promise<ActivityBounds | undefined> {
  const result = await es.search({
    index,
    size: 0,
    aggs: { first: { min: { field: 'mtime' } }, last: { max: { field: 'mtime' } } },
  });
  return activityBoundsOf(result.aggregations);
}

/** The bounds from the `first` (min) and `last` (max) aggregations: none over no documents. */
export function activityBoundsOf(
  aggregations: Record<string, estypes.AggregationsAggregate> | undefined,
): ActivityBounds | undefined {
  const value = (name: string) =>
    (aggregations?.[name] as { value: number | null } | undefined)?.value ?? null;
  const first = value('first');
  const last = value('last');
  return first === null || last === null ? undefined : { first, last };
}

/**
 * How far one combine cycle reads: the end of the first interval (of
 * `intervalMs`, epoch-aligned) at which the activity from `from` on exceeds
 * `budget` documents, or +Infinity when all of it fits. Bounds a cycle's
 * reads, memory and writes after a backlog, whatever the event-time span
 * (sparse history passes in one cycle, a dense backlog in slices).
 */
export async function activityReach(
  es: Client,
  index: string,
  from: number,
  budget: number,
  intervalMs: number,
): Promise<number> {
  const result = await es.search({
    index,
    size: 0,
    query: mtimeRange(from, Number.POSITIVE_INFINITY),
    aggs: {
      volume: {
        date_histogram: { field: 'mtime', fixed_interval: `${intervalMs}ms`, min_doc_count: 1 },
      },
    },
  });
  const volume = result.aggregations?.volume as
    estypes.AggregationsDateHistogramAggregate | undefined;
  return reachOf(
    (volume?.buckets ?? []) as estypes.AggregationsDateHistogramBucket[],
    budget,
    intervalMs,
  );
}

/** The end of the first interval of the volume histogram at which the running total exceeds `budget`. */
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
