import type { TimeRange } from '@meetup/console-views';

/** What the page asks the server for: it is kept in the address bar so a reload keeps it. */
export interface LiveParams {
  range: TimeRange;
  /** ISO 3166-1 alpha-2, lowercase; undefined when no country is chosen. */
  country: string | undefined;
}

/** The ranges, in the order the picker shows them, with their labels. */
export const RANGE_LABELS: Record<TimeRange, string> = {
  '15m': '15 min',
  '1h': '1 h',
  '24h': '24 h',
};

export const DEFAULT_RANGE: TimeRange = '1h';

const COUNTRY = /^[a-z]{2}$/;

export function isTimeRange(value: string | null | undefined): value is TimeRange {
  return typeof value === 'string' && Object.hasOwn(RANGE_LABELS, value);
}

/** A country code as the stream sends it (two lowercase letters), or undefined. */
export function countryCode(value: string | null | undefined): string | undefined {
  const code = value?.trim().toLowerCase();
  return code !== undefined && COUNTRY.test(code) ? code : undefined;
}

/** Reads `?range=…&country=…`, ignoring what is not valid rather than failing. */
export function parseLiveParams(search: string): LiveParams {
  const query = new URLSearchParams(search);
  const range = query.get('range');
  return {
    range: isTimeRange(range) ? range : DEFAULT_RANGE,
    country: countryCode(query.get('country')),
  };
}

/** The query string for both the address bar and `/api/live`: "range=1h&country=us". */
export function liveQuery(params: LiveParams): string {
  const query = new URLSearchParams({ range: params.range });
  if (params.country !== undefined) query.set('country', params.country);
  return query.toString();
}

/**
 * How long to wait before opening a closed stream again: 1 s, 2 s, … at most 5 s. The browser
 * itself retries a dropped stream (the server's `retry:`), but gives up for good when an answer
 * is not a stream, e.g. a 502 or 503 while the server restarts; the page then starts over.
 */
export function reconnectDelayMs(failures: number): number {
  return Math.min(5000, 1000 * Math.max(1, failures));
}
