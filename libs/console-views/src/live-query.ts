import { TIME_RANGES, type TimeRange } from './live-views';

/** What a page asks for: the range of the responses view, and a country to drill into. */
export interface LiveQuery {
  range: TimeRange;
  country: string | undefined;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const KNOWN_PARAMETERS = new Set(['range', 'country']);
const RANGES = Object.keys(TIME_RANGES);

/**
 * Validates `/api/live` and `/api/snapshot` query parameters: `range` one of the ranges
 * (default 15m), `country` a two-letter code the country list knows, nothing else.
 */
export function parseLiveQuery(
  query: Record<string, unknown>,
  isKnownCountry: (code: string) => boolean,
): Parsed<LiveQuery> {
  for (const name of Object.keys(query)) {
    if (!KNOWN_PARAMETERS.has(name)) {
      return {
        ok: false,
        message: `unknown parameter "${name.slice(0, 40)}"; known: range, country`,
      };
    }
  }
  const range = query.range ?? '15m';
  if (typeof range !== 'string' || !RANGES.includes(range)) {
    return { ok: false, message: `range must be one of ${RANGES.join(', ')}` };
  }
  const country = query.country;
  if (country === undefined || country === '') {
    return { ok: true, value: { range: range as TimeRange, country: undefined } };
  }
  if (typeof country !== 'string' || !/^[a-z]{2}$/.test(country) || !isKnownCountry(country)) {
    return { ok: false, message: 'country must be a lowercase ISO 3166-1 alpha-2 code, e.g. us' };
  }
  return { ok: true, value: { range: range as TimeRange, country } };
}

/**
 * The `Last-Event-ID` a reconnecting page sends: the model version it saw last, digits only.
 * Absent is fine (a first connection); anything else is refused.
 */
export function parseLastEventId(header: unknown): Parsed<number | undefined> {
  if (header === undefined || header === '') return { ok: true, value: undefined };
  if (typeof header !== 'string' || !/^\d{1,16}$/.test(header)) {
    return {
      ok: false,
      message: 'Last-Event-ID must be the decimal id of an event this server sent',
    };
  }
  return { ok: true, value: Number(header) };
}
