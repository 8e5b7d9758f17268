import {
  allRsvps,
  indexedSince,
  mtimeBetween,
  type BatchMode,
  type BatchRunPlan,
  type RawQuery,
} from '@meetup/batch-stats';
import { analyticsIndexSpecs } from '@meetup/elasticsearch';

/* The decisions of a batch run that need no storage: what it recomputes, where its checkpoint
 * moves, how its rebuilt indices are named, how keys are cut into chunks. */

/** What a run does, once the checkpoint is known. */
export interface PlannedRun {
  /** An incremental run without a checkpoint is a full rebuild. */
  mode: BatchMode;
  /** The RSVPs whose groups and events are recomputed (a full rebuild: all of them). */
  touched: RawQuery;
  /** A range run recomputes a past stretch and leaves the checkpoint where it was. */
  movesCheckpoint: boolean;
}

export function planRun(plan: BatchRunPlan, checkpoint: number | undefined): PlannedRun {
  if (plan.mode === 'range') {
    return { mode: 'range', touched: mtimeBetween(plan.fromMs, plan.toMs), movesCheckpoint: false };
  }
  if (plan.mode === 'full' || checkpoint === undefined) {
    return { mode: 'full', touched: allRsvps(), movesCheckpoint: true };
  }
  return { mode: 'incremental', touched: indexedSince(checkpoint), movesCheckpoint: true };
}

/**
 * The checkpoint a successful run leaves: raw documents indexed before its start,
 * less the overlap that catches those a slow aggregator batch indexed late.
 */
export const nextCheckpoint = (startedAt: number, overlapMs: number): number =>
  startedAt - overlapMs;

/** The version of an analytics alias's index template (a rebuild names its indices by it). */
export const templateVersionOf = (alias: string): number =>
  analyticsIndexSpecs.find((spec) => spec.alias === alias)?.version ?? 1;

/**
 * Keys (groups or events) in chunks small enough that the per-chunk composite
 * aggregations, which select by `terms` on the keys, read few documents and
 * few pages: the whole run then reads each raw document a bounded number of times.
 */
export async function* chunked(
  buckets: AsyncIterable<{ key: Record<string, string>; doc_count: number }>,
  name: string,
  maxKeys: number,
  maxDocs: number,
): AsyncGenerator<string[]> {
  let chunk: string[] = [];
  let docs = 0;
  for await (const bucket of buckets) {
    chunk.push(bucket.key[name] ?? '');
    docs += bucket.doc_count;
    if (chunk.length >= maxKeys || docs >= maxDocs) {
      yield chunk;
      chunk = [];
      docs = 0;
    }
  }
  if (chunk.length > 0) yield chunk;
}
