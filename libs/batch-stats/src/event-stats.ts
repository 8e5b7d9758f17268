import { groupDescriptors, type GroupDescriptors } from './descriptors';
import { figuresOf, type FigureBucket, type RsvpFigures } from './figures';
import type { IdentifiedDocument } from './group-stats';
import { latestOf, type LatestHits } from './latest-hit';

export interface EventBucket extends FigureBucket {
  key: { event: string };
  first: { value: number | null };
  last: { value: number | null };
  latest: LatestHits;
}

export type EventDocument = GroupDescriptors &
  RsvpFigures & {
    event_id: string;
    event_name: string;
    event_time?: string;
    event_url?: string;
    first_rsvp_at: string;
    last_rsvp_at: string;
    computed_at: string;
  };

const isoTime = (ms: number | null): string => new Date(ms ?? 0).toISOString();

/** The document of one event; descriptors come from its latest RSVP. */
export function eventDocument(
  bucket: EventBucket,
  computedAt: string,
): IdentifiedDocument<EventDocument> {
  const { source } = latestOf(bucket.latest);
  const event = source.event;
  return {
    id: bucket.key.event,
    document: {
      event_id: bucket.key.event,
      event_name: event?.event_name ?? '',
      ...(event?.time !== undefined ? { event_time: isoTime(event.time) } : {}),
      ...(event?.event_url !== undefined ? { event_url: event.event_url } : {}),
      ...groupDescriptors(source.group),
      ...figuresOf(bucket),
      first_rsvp_at: isoTime(bucket.first.value),
      last_rsvp_at: isoTime(bucket.last.value),
      computed_at: computedAt,
    },
  };
}
