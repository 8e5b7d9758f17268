import { epochMs } from './epoch-ms';
import { TIME_RANGES, type CountryFigures, type ResponsesView, type TimeRange } from './live-views';

/** One `meetup_rsvp_by_country` document, as the console reads it. */
export interface ByCountryDoc {
  /** Epoch ms as the aggregator writes it (an ISO string is read too). */
  bucket_start: number | string;
  bucket_end: number | string;
  country: string;
  country_name?: string;
  response: string;
  responses: number;
  attendees: number;
  updated_at: string;
}

interface Cell {
  bucketStart: number;
  bucketEnd: number;
  country: string;
  name: string;
  yes: number;
  no: number;
  attendees: number;
}

const LONGEST_RANGE_MS = Math.max(...Object.values(TIME_RANGES));

/**
 * The by-country buckets of the longest range, folded from documents as they change.
 * Documents are keyed by (bucket, country, response), so applying the same document
 * twice, or an older copy after a newer one with the same figures, changes nothing.
 */
export class ByCountryModel {
  private readonly cells = new Map<string, Cell>();
  private newestEnd: number | undefined;
  private bucketMs = 60_000;

  /** Folds documents in; true when any figure the views show changed. */
  apply(docs: readonly ByCountryDoc[]): boolean {
    let changed = false;
    for (const doc of docs) {
      const bucketStart = epochMs(doc.bucket_start);
      const bucketEnd = epochMs(doc.bucket_end);
      if (!Number.isFinite(bucketStart) || !Number.isFinite(bucketEnd)) continue;
      if (doc.response !== 'yes' && doc.response !== 'no') continue;
      const key = `${bucketStart}:${doc.country}`;
      let cell = this.cells.get(key);
      if (cell === undefined) {
        cell = {
          bucketStart,
          bucketEnd,
          country: doc.country,
          name: doc.country_name ?? doc.country.toUpperCase(),
          yes: 0,
          no: 0,
          attendees: 0,
        };
        this.cells.set(key, cell);
      }
      const before = `${cell.yes}/${cell.no}/${cell.attendees}`;
      // Attendees come from yes answers only; a `no` document carries 0.
      if (doc.response === 'yes') {
        cell.yes = doc.responses;
        cell.attendees = doc.attendees;
      } else {
        cell.no = doc.responses;
      }
      if (`${cell.yes}/${cell.no}/${cell.attendees}` !== before) changed = true;
      this.bucketMs = bucketEnd - bucketStart;
      if (this.newestEnd === undefined || bucketEnd > this.newestEnd) {
        this.newestEnd = bucketEnd;
        changed = true;
      }
    }
    if (changed) this.prune();
    return changed;
  }

  /** Forgets everything (before a full reload). */
  clear(): void {
    this.cells.clear();
    this.newestEnd = undefined;
  }

  get size(): number {
    return this.cells.size;
  }

  /** The end of the newest bucket: the stream time the ranges are measured back from. */
  get streamTime(): number | undefined {
    return this.newestEnd;
  }

  view(range: TimeRange): ResponsesView {
    const to = this.newestEnd;
    const bucketMs = this.bucketMs;
    if (to === undefined) {
      return {
        range,
        from: undefined,
        to: undefined,
        bucketMs,
        countries: [],
        series: [],
        totals: { yes: 0, no: 0, attendees: 0 },
      };
    }
    const from = to - TIME_RANGES[range];
    const countries = new Map<string, CountryFigures>();
    const points = Math.max(1, Math.round((to - from) / bucketMs));
    const series = Array.from({ length: points }, (_, i) => ({
      t: from + i * bucketMs,
      yes: 0,
      no: 0,
      attendees: 0,
    }));
    const totals = { yes: 0, no: 0, attendees: 0 };
    for (const cell of this.cells.values()) {
      if (cell.bucketStart < from) continue;
      const figures = countries.get(cell.country) ?? {
        country: cell.country,
        name: cell.name,
        yes: 0,
        no: 0,
        attendees: 0,
      };
      figures.yes += cell.yes;
      figures.no += cell.no;
      figures.attendees += cell.attendees;
      countries.set(cell.country, figures);
      const point = series[Math.floor((cell.bucketStart - from) / bucketMs)];
      if (point !== undefined) {
        point.yes += cell.yes;
        point.no += cell.no;
        point.attendees += cell.attendees;
      }
      totals.yes += cell.yes;
      totals.no += cell.no;
      totals.attendees += cell.attendees;
    }
    const sorted = [...countries.values()].sort(
      (a, b) => b.yes + b.no - (a.yes + a.no) || a.country.localeCompare(b.country),
    );
    return { range, from, to, bucketMs, countries: sorted, series, totals };
  }

  private prune(): void {
    if (this.newestEnd === undefined) return;
    const oldest = this.newestEnd - LONGEST_RANGE_MS;
    for (const [key, cell] of this.cells) if (cell.bucketStart < oldest) this.cells.delete(key);
  }
}
