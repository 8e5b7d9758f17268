import {
  eventDocument,
  eventFiguresSpec,
  type EventBucket,
  type RawQuery,
} from '@meetup/batch-stats';
import type { BulkSink } from './bulk-sink';
import type { SnapshotReader } from './point-in-time';

export interface EventPassOptions {
  computedAt: string;
  onEvent: (rsvps: number) => void;
  beforePage: () => void;
}

/** One pass over the RSVPs a query selects: one document per event. */
export async function computeEvents(
  snapshot: SnapshotReader,
  query: RawQuery,
  sink: BulkSink,
  options: EventPassOptions,
): Promise<number> {
  let events = 0;
  for await (const bucket of snapshot.buckets<EventBucket>(query, eventFiguresSpec())) {
    options.beforePage();
    await sink.write([eventDocument(bucket, options.computedAt)]);
    events += 1;
    options.onEvent(bucket.doc_count);
  }
  return events;
}
