import type { RawSource } from './raw-fields';

/** The `latest` top_hits sub-aggregation of a bucket: one hit, sorted by [mtime, rsvp_id] descending. */
export interface LatestHits {
  hits: { hits: { _source?: RawSource; sort?: (number | string)[] }[] };
}

export interface LatestRsvp {
  mtime: number;
  rsvpId: string;
  source: RawSource;
}

export function latestOf(latest: LatestHits): LatestRsvp {
  const hit = latest.hits.hits[0];
  if (!hit?._source || !hit.sort) throw new Error('bucket without its latest rsvp');
  return { mtime: Number(hit.sort[0]), rsvpId: String(hit.sort[1]), source: hit._source };
}

/** The later of two RSVPs, by time then rsvp_id (the order the top_hits sort uses). */
export function laterOf(a: LatestRsvp | undefined, b: LatestRsvp): LatestRsvp {
  if (!a) return b;
  if (a.mtime !== b.mtime) return a.mtime > b.mtime ? a : b;
  return a.rsvpId >= b.rsvpId ? a : b;
}
