import type { TrendingRow } from '@meetup/trending';
import { trendingDocumentsOf, type TrendingDocumentsContext } from './trending-documents';

const T0 = 1_772_366_400_000; // 2026-03-01T12:00:00Z
const WINDOW = 300_000;

const context: TrendingDocumentsContext = {
  globalIndex: 'trending-global',
  countryIndex: 'trending-country',
  windowMs: WINDOW,
  stamp: 42,
  closedBefore: T0,
  updatedAt: 'now',
};

function row(scope: string, windowEnd: number): TrendingRow {
  return {
    scope,
    windowEnd,
    urlkey: 'javascript',
    name: 'JavaScript',
    count: 12,
    score: 3.5,
    baselineMean: 2,
    baselineStddev: 1,
    ratio: 13 / 3,
    rank: 1,
  };
}

const windowFields = {
  window_start: T0 - WINDOW,
  window_end: T0,
  topic_urlkey: 'javascript',
  topic_name: 'JavaScript',
  count: 12,
  score: 3.5,
  baseline_mean: 2,
  baseline_stddev: 1,
  ratio: 13 / 3,
  rank: 1,
  final: true,
  updated_at: 'now',
};

describe('trendingDocumentsOf', () => {
  it('writes a global row to the global index, with id window_end:urlkey', () => {
    expect(trendingDocumentsOf([row('', T0)], context)).toEqual([
      {
        index: 'trending-global',
        id: `${T0}:javascript`,
        version: 42,
        ref: null,
        doc: windowFields,
      },
    ]);
  });

  it('writes a country row to the country index, with the country named and placed', () => {
    expect(trendingDocumentsOf([row('de', T0)], context)).toEqual([
      {
        index: 'trending-country',
        id: `${T0}:de:javascript`,
        version: 42,
        ref: null,
        doc: {
          ...windowFields,
          country: 'de',
          country_name: 'Germany',
          continent: 'EU',
          location: { lat: 51, lon: 9 },
        },
      },
    ]);
  });

  it('leaves the name, continent and location out for a country code nobody knows', () => {
    const [document] = trendingDocumentsOf([row('zz', T0)], context);
    expect(document?.doc).toEqual({ ...windowFields, country: 'zz' });
  });

  it('marks final the windows ending at or before the closed mark, and only those', () => {
    const documents = trendingDocumentsOf([row('', T0), row('', T0 + 10_000)], context);
    expect(documents.map((d) => [d.id, d.doc.final])).toEqual([
      [`${T0}:javascript`, true],
      [`${T0 + 10_000}:javascript`, false],
    ]);
  });

  it('keeps the order of the rows', () => {
    const rows = [row('de', T0 + 10_000), row('', T0), row('gb', T0)];
    expect(trendingDocumentsOf(rows, context).map((d) => d.id)).toEqual([
      `${T0 + 10_000}:de:javascript`,
      `${T0}:javascript`,
      `${T0}:gb:javascript`,
    ]);
  });
});
