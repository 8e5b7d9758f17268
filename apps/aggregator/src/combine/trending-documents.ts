import { countryInfo } from '@meetup/country-info';
import type { TrendingRow } from '@meetup/trending';
import type { AggregateDocument } from './written-documents';

export interface TrendingDocumentsContext {
  /** Index of the global rows (scope ''). */
  globalIndex: string;
  /** Index of the per-country rows (scope: a country code). */
  countryIndex: string;
  windowMs: number;
  /** The cycle's stamp: the documents' external version. */
  stamp: number;
  /** Windows ending at or before this are final. */
  closedBefore: number;
  updatedAt: string;
}

/**
 * The trending documents of a cycle's rows: global ones with id
 * `window_end:urlkey`, per-country ones with id `window_end:country:urlkey`
 * and the country's name, continent and location.
 */
export function trendingDocumentsOf(
  rows: readonly TrendingRow[],
  context: TrendingDocumentsContext,
): AggregateDocument[] {
  return rows.map((row) =>
    row.scope === '' ? globalDocumentOf(row, context) : countryDocumentOf(row, context),
  );
}

function globalDocumentOf(row: TrendingRow, context: TrendingDocumentsContext): AggregateDocument {
  return {
    index: context.globalIndex,
    id: `${row.windowEnd}:${row.urlkey}`,
    version: context.stamp,
    ref: null,
    doc: windowFieldsOf(row, context),
  };
}

function countryDocumentOf(row: TrendingRow, context: TrendingDocumentsContext): AggregateDocument {
  const info = countryInfo(row.scope);
  const doc = {
    ...windowFieldsOf(row, context),
    country: row.scope,
    ...(info ? { country_name: info.name, continent: info.continent } : {}),
    ...(info?.location ? { location: info.location } : {}),
  };
  return {
    index: context.countryIndex,
    id: `${row.windowEnd}:${row.scope}:${row.urlkey}`,
    version: context.stamp,
    ref: null,
    doc,
  };
}

/** The fields global and per-country documents share. */
function windowFieldsOf(row: TrendingRow, context: TrendingDocumentsContext) {
  return {
    window_start: row.windowEnd - context.windowMs,
    window_end: row.windowEnd,
    topic_urlkey: row.urlkey,
    topic_name: row.name,
    count: row.count,
    score: row.score,
    baseline_mean: row.baselineMean,
    baseline_stddev: row.baselineStddev,
    ratio: row.ratio,
    rank: row.rank,
    final: row.windowEnd <= context.closedBefore,
    updated_at: context.updatedAt,
  };
}
