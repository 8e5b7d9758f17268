import { RawFields } from './raw-fields';

/** An Elasticsearch query selecting raw RSVP documents. */
export type RawQuery = Record<string, unknown>;

export const allRsvps = (): RawQuery => ({ match_all: {} });

/** RSVPs written to the raw index at or after a time (epoch ms): what an incremental run looks at. */
export const indexedSince = (ms: number): RawQuery => ({
  range: { [RawFields.indexedAt]: { gte: ms, format: 'epoch_millis' } },
});

/** RSVPs whose time falls in [fromMs, toMs). */
export const mtimeBetween = (fromMs: number, toMs: number): RawQuery => ({
  range: { [RawFields.mtime]: { gte: fromMs, lt: toMs, format: 'epoch_millis' } },
});

export const groupsIn = (ids: readonly string[]): RawQuery => ({
  terms: { [RawFields.groupId]: ids },
});

export const eventsIn = (ids: readonly string[]): RawQuery => ({
  terms: { [RawFields.eventId]: ids },
});
