import type { Client } from '@elastic/elasticsearch';
import { IndexAliases, RsvpValidator } from '@meetup/contracts';
import {
  analyticsIndexSpecs,
  type BulkDocument,
  IndexBootstrapper,
  indexSpecOf,
  TimePartitionedIndex,
} from '@meetup/elasticsearch';
import { PartitionPartials } from '@meetup/partition-partials';
import { RsvpDedupState } from '@meetup/rsvp-dedup';
import { PartitionWatermark } from '@meetup/windowing';
import { partialDocumentsOf } from '../src/pipeline/partial-documents';
import { PartitionState } from '../src/pipeline/partition-state';
import { bulkDocumentsOf } from '../src/pipeline/partition-worker';
import { RecordProcessor } from '../src/pipeline/record-processor';
import type { ProducedRecord } from '../test/support/reference';

/** One bulk operation, as the aggregator's `BulkWriter` takes it. */
export type BulkDoc = BulkDocument<unknown>;

export interface CeilingResult {
  records: number;
  docs: number;
  seconds: number;
  recordsPerSecond: number;
  docsPerSecond: number;
  failed: number;
}

/** The defaults of the lateness and dedup horizon (`aggregator.config.ts`). */
const ALLOWED_LATENESS_MS = 120_000;
const DEDUP_HORIZON_MS = 24 * 3_600_000;

/**
 * Records of a partition after which the emulation writes its partials: about one fetch of a
 * backlog (1 MB), as the aggregator writes them with a batch at most every
 * `PARTIALS_INTERVAL_MS`.
 */
const PARTIALS_EVERY_RECORDS = 1_000;

/**
 * The documents the aggregator's first stage writes for these records, made by its own
 * `RecordProcessor` (partition by partition, in order): raw ones (id = rsvp_id, external
 * version = mtime) and, with `partials`, the partitions' partial documents, written every
 * `PARTIALS_EVERY_RECORDS` of a partition and at the end.
 */
export function stageOneDocs(
  records: readonly ProducedRecord[],
  prefix: string,
  es: Client,
  partials: boolean,
): BulkDoc[] {
  const processor = new RecordProcessor({ validator: new RsvpValidator(), aggregates: partials });
  const index = new TimePartitionedIndex(es, indexSpecOf(IndexAliases.rsvpPartials), { prefix });
  const indexFor = (start: number) => index.indexFor(start);
  const states = new Map<number, PartitionState>();
  const docs: BulkDoc[] = [];
  records.forEach((record, offset) => {
    const state =
      states.get(record.partition) ??
      new PartitionState(
        record.partition,
        0,
        new RsvpDedupState({ horizonMs: DEDUP_HORIZON_MS }),
        new PartitionWatermark(ALLOWED_LATENESS_MS),
        new PartitionPartials({ bucketMs: 60_000, paneMs: 10_000 }),
      );
    states.set(record.partition, state);
    const out = processor.process(state, [{ offset, key: null, value: Buffer.from(record.value) }]);
    docs.push(...bulkDocumentsOf(out, prefix + IndexAliases.rsvps));
    if (partials && state.nextOffset % PARTIALS_EVERY_RECORDS === 0) {
      docs.push(...partialDocumentsOf(state, indexFor));
    }
  });
  if (partials)
    for (const state of states.values()) docs.push(...partialDocumentsOf(state, indexFor));
  return docs;
}

/**
 * Elasticsearch alone: `helpers.bulk` (its defaults: 5 MB requests, 5 in flight, as the
 * aggregator's `BulkWriter` flushes) writing the documents into a scratch set of indices
 * made from the project's templates under `prefix`. A 409 (an older external version
 * than the stored one) is "already newer", as for the aggregator, not a failure.
 */
export async function bulkCeiling(
  es: Client,
  prefix: string,
  records: number,
  docs: readonly BulkDoc[],
): Promise<CeilingResult> {
  await new IndexBootstrapper(es, { prefix }).apply(analyticsIndexSpecs);
  let failed = 0;
  const started = Date.now();
  await es.helpers.bulk({
    datasource: docs as BulkDoc[],
    onDocument: (d) => [
      d.version === undefined
        ? { index: { _index: d.index, _id: d.id } }
        : { index: { _index: d.index, _id: d.id, version: d.version, version_type: 'external' } },
      d.doc,
    ],
    onDrop: (dropped) => {
      if (dropped.status !== 409) failed += 1;
    },
  });
  const seconds = (Date.now() - started) / 1000;
  return {
    records,
    docs: docs.length,
    seconds,
    recordsPerSecond: records / seconds,
    docsPerSecond: docs.length / seconds,
    failed,
  };
}
