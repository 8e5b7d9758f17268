import type { Client, estypes } from '@elastic/elasticsearch';
import type { AfterKey, CompositeSpec, RawQuery } from '@meetup/batch-stats';

const KEEP_ALIVE = '5m';

/** A consistent view of the raw index that the computations read composite buckets from. */
export interface SnapshotReader {
  /** Every bucket of a composite aggregation over the query, in the composite's key order. */
  buckets<B>(query: RawQuery, spec: CompositeSpec): AsyncGenerator<B>;
  /** Approximate number of distinct values (for progress totals only, never for results). */
  estimateDistinct(query: RawQuery, field: string): Promise<number>;
  close(): Promise<void>;
}

/** One page of a composite aggregation named `page`: its buckets, and where the next page starts. */
export function compositePage(
  aggregations: unknown,
  pageSize: number,
): { buckets: unknown[]; after: AfterKey | undefined } {
  const page = (aggregations as { page?: { buckets: unknown[]; after_key?: AfterKey } } | undefined)
    ?.page;
  const buckets = page?.buckets ?? [];
  // A short page is the last: Elasticsearch still answers an after_key for it.
  return { buckets, after: buckets.length === pageSize ? page?.after_key : undefined };
}

/**
 * A point-in-time view of the raw index: every composite aggregation of a run
 * reads the same snapshot, so the per-group streams can be merged key by key
 * even while the aggregator keeps writing.
 */
export class RawSnapshot implements SnapshotReader {
  private constructor(
    private readonly client: Client,
    private id: string,
  ) {}

  static async open(client: Client, index: string): Promise<RawSnapshot> {
    const pit = await client.openPointInTime({ index, keep_alive: KEEP_ALIVE });
    return new RawSnapshot(client, pit.id);
  }

  /** Every bucket of a composite aggregation over the query, page by page (after_key). */
  async *buckets<B>(query: RawQuery, spec: CompositeSpec): AsyncGenerator<B> {
    let after: AfterKey | undefined;
    do {
      const composite = { sources: spec.sources, size: spec.size, ...(after ? { after } : {}) };
      const response = await this.client.search({
        pit: { id: this.id, keep_alive: KEEP_ALIVE },
        size: 0,
        track_total_hits: false,
        query: query,
        aggs: {
          page: { composite, ...(spec.aggs ? { aggs: spec.aggs } : {}) },
        } as Record<string, estypes.AggregationsAggregationContainer>,
      });
      if (response.pit_id) this.id = response.pit_id;
      const page = compositePage(response.aggregations, spec.size);
      yield* page.buckets as B[];
      after = page.after;
    } while (after);
  }

  async estimateDistinct(query: RawQuery, field: string): Promise<number> {
    const response = await this.client.search({
      pit: { id: this.id, keep_alive: KEEP_ALIVE },
      size: 0,
      track_total_hits: false,
      query: query,
      aggs: { distinct: { cardinality: { field } } },
    });
    if (response.pit_id) this.id = response.pit_id;
    return (response.aggregations?.distinct as { value: number } | undefined)?.value ?? 0;
  }

  async close(): Promise<void> {
    await this.client.closePointInTime({ id: this.id });
  }
}
