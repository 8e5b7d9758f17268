import type { Client, estypes } from '@elastic/elasticsearch';
import type { ScopePanes } from './trending-windows';

type AfterKey = estypes.AggregationsCompositeAggregateKey;

/** Every bucket of a composite aggregation, page by page. */
async function* compositeBuckets(
  es: Client,
  index: string,
  query: estypes.QueryDslQueryContainer,
  sources: Record<string, estypes.AggregationsCompositeAggregationSource>[],
  aggs?: Record<string, estypes.AggregationsAggregationContainer>,
): AsyncGenerator<estypes.AggregationsCompositeBucket> {
  let after: AfterKey | undefined;
  for (;;) {
    const response = await es.search({
      index,
      size: 0,
      query,
      aggs: {
        rows: { composite: { size: 10_000, sources, ...(after ? { after } : {}) }, aggs },
      },
    });
    const rows = response.aggregations?.rows as estypes.AggregationsCompositeAggregate | undefined;
    const buckets = (rows?.buckets ?? []) as estypes.AggregationsCompositeBucket[];
    yield* buckets;
    if (!rows?.after_key || buckets.length < 10_000) return;
    after = rows.after_key;
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
function mtimeRange(from: number, to: number): estypes.QueryDslQueryContainer {
  const range = Number.isFinite(to) ? { gte: from, lt: to } : { gte: from };
  return { range: { mtime: { ...range, format: 'epoch_millis' } } };
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
  for await (const b of buckets) {
    rows.push({
      bucketStart: Number(b.key.bucket),
      country: String(b.key.country),
      response: String(b.key.response),
      responses: b.doc_count,
      guests: (b.guests as estypes.AggregationsSumAggregate).value ?? 0,
      attendees: (b.attendees as estypes.AggregationsSumAggregate).value ?? 0,
    });
  }
  return rows;
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
  for await (const b of buckets) {
    const pane = Number(b.key.pane);
    const topic = String(b.key.topic);
    const tab = topic.indexOf('\t');
    const urlkey = tab < 0 ? topic : topic.slice(0, tab);
    const name = tab < 0 ? topic : topic.slice(tab + 1);
    add(scopes, '', urlkey, name, pane, b.doc_count);
    add(scopes, String(b.key.country), urlkey, name, pane, b.doc_count);
  }
  return scopes;
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
  const value = (name: string) =>
    (result.aggregations?.[name] as { value: number | null } | undefined)?.value ?? null;
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
  let total = 0;
  for (const bucket of (volume?.buckets ?? []) as estypes.AggregationsDateHistogramBucket[]) {
    total += bucket.doc_count;
    if (total > budget) return bucket.key + intervalMs;
  }
  return Number.POSITIVE_INFINITY;
}
