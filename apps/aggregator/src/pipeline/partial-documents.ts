import type { BulkDocument } from '@meetup/elasticsearch';
import type { Cell, CountryCounts, Partials } from '@meetup/partition-partials';
import type { PartitionState } from './partition-state';

/** The kinds of partial document: a by-country bucket or a topic pane. */
export type PartialKind = 'bucket' | 'pane';

/** A partition's share of one bucket or pane (`meetup_rsvp_partials-p<hour of start>`). */
export interface PartialDocument {
  partition: number;
  kind: PartialKind;
  start: number;
  /** The partition's next offset when written: the counts include every record before it. */
  offset: number;
  /** No record of the partition can change it any more (it ends before watermark − lateness). */
  final: boolean;
  messages: number;
  first_mtime: number;
  last_mtime: number;
  /** Bucket: `country|response` → [responses, guests, attendees]. Pane: topic key → count. */
  counts: Record<string, [number, number, number]> | Record<string, number>;
}

/** A partial document's id: one per partition, kind and start. */
export function partialIdOf(partition: number, kind: PartialKind, start: number): string {
  return `${partition}:${kind}:${start}`;
}

function documentOf<C>(
  state: PartitionState,
  kind: PartialKind,
  cell: Cell<C>,
  final: boolean,
  countsOf: (counts: ReadonlyMap<string, C>) => PartialDocument['counts'],
): PartialDocument {
  return {
    partition: state.partition,
    kind,
    start: cell.start,
    offset: state.nextOffset,
    final,
    messages: cell.messages,
    first_mtime: cell.firstMtime,
    last_mtime: cell.lastMtime,
    counts: countsOf(cell.counts),
  };
}

const bucketCounts = (counts: ReadonlyMap<string, CountryCounts>) =>
  Object.fromEntries(
    [...counts].map(([key, c]): [string, [number, number, number]] => [
      key,
      [c.responses, c.guests, c.attendees],
    ]),
  );
const paneCounts = (counts: ReadonlyMap<string, number>) => Object.fromEntries(counts);

/**
 * The documents of a partition's partials as of its next offset (their external version,
 * so a former owner's older write never replaces a newer one, and a replay rewrites the same
 * contents at the same offset): those that closed, final, then the open ones that changed.
 */
export function partialDocumentsOf(
  state: PartitionState,
  indexFor: (startMs: number) => string,
): BulkDocument<undefined>[] {
  const closed = state.partials.close(state.watermark.closedBefore);
  const changed = state.partials.takeChanged();
  const documents = (partials: Partials, final: boolean) => [
    ...partials.buckets.map((cell) => documentOf(state, 'bucket', cell, final, bucketCounts)),
    ...partials.panes.map((cell) => documentOf(state, 'pane', cell, final, paneCounts)),
  ];
  return [...documents(closed, true), ...documents(changed, false)].map((doc) => ({
    index: indexFor(doc.start),
    id: partialIdOf(doc.partition, doc.kind, doc.start),
    doc,
    version: doc.offset,
    ref: undefined,
  }));
}
