import type { ScopePanes } from '@meetup/trending';
import type { PartialDocument } from '../pipeline/partial-documents';
import { addPane, countedBoundsOf, countryRowsOf, paneCountsOf, reachOf } from './partial-queries';

const HOUR = 3_600_000;
const T0 = 1_772_366_400_000; // 2026-03-01T12:00:00Z, a bucket start

const bucket = (
  partition: number,
  start: number,
  counts: Record<string, [number, number, number]>,
): PartialDocument => ({
  partition,
  kind: 'bucket',
  start,
  offset: 10,
  final: false,
  messages: 1,
  first_mtime: start,
  last_mtime: start,
  counts,
});

describe('countryRowsOf', () => {
  it('sums each bucket, country and response over the partitions', () => {
    const rows = countryRowsOf([
      bucket(0, T0, { 'gb|yes': [2, 1, 3], 'gb|no': [1, 0, 0] }),
      bucket(1, T0, { 'gb|yes': [1, 2, 3], 'de|yes': [1, 0, 1] }),
      bucket(1, T0 + 60_000, { 'gb|yes': [4, 0, 4] }),
    ]);
    expect(rows).toEqual([
      { bucketStart: T0, country: 'gb', response: 'yes', responses: 3, guests: 3, attendees: 6 },
      { bucketStart: T0, country: 'gb', response: 'no', responses: 1, guests: 0, attendees: 0 },
      { bucketStart: T0, country: 'de', response: 'yes', responses: 1, guests: 0, attendees: 1 },
      {
        bucketStart: T0 + 60_000,
        country: 'gb',
        response: 'yes',
        responses: 4,
        guests: 0,
        attendees: 4,
      },
    ]);
  });

  it('gives no rows for no documents', () => {
    expect(countryRowsOf([])).toEqual([]);
  });
});

describe('paneCountsOf and addPane', () => {
  it('sums each scope, topic and name of a pane over the partitions', () => {
    const scopes = new Map<string, ScopePanes>();
    addPane(scopes, {
      start: T0,
      offset: 3,
      counts: paneCountsOf({
        '\trun\tRunning': 2,
        'gb\trun\tRunning': 2,
        '\tai\tA.I.\tand more': 1,
      }),
    });
    addPane(scopes, { start: T0, offset: 9, counts: paneCountsOf({ '\trun\tRunning': 5 }) });
    addPane(scopes, {
      start: T0 + 10_000,
      offset: 9,
      counts: paneCountsOf({ '\trun\tRunning': 1 }),
    });
    expect(scopes.get('')?.get('run')?.get('Running')).toEqual(
      new Map([
        [T0, 7],
        [T0 + 10_000, 1],
      ]),
    );
    expect(scopes.get('gb')?.get('run')?.get('Running')).toEqual(new Map([[T0, 2]]));
    // A name may hold a tab: only the first two separate the scope and the urlkey.
    expect(scopes.get('')?.get('ai')?.get('A.I.\tand more')).toEqual(new Map([[T0, 1]]));
  });
});

describe('countedBoundsOf', () => {
  it('reads the oldest and newest event time', () => {
    expect(
      countedBoundsOf({
        first: { value: T0, value_as_string: '2026-03-01T12:00:00.000Z' },
        last: { value: T0 + HOUR, value_as_string: '2026-03-01T13:00:00.000Z' },
      }),
    ).toEqual({ first: T0, last: T0 + HOUR });
  });

  it('has no bounds while nothing was counted', () => {
    expect(countedBoundsOf({ first: { value: null }, last: { value: null } })).toBeUndefined();
    expect(countedBoundsOf(undefined)).toBeUndefined();
  });
});

describe('reachOf', () => {
  const volume = [
    { key_as_string: '2026-03-01T12:00:00.000Z', key: T0, doc_count: 400 },
    { key_as_string: '2026-03-01T14:00:00.000Z', key: T0 + 2 * HOUR, doc_count: 500 },
    { key_as_string: '2026-03-01T15:00:00.000Z', key: T0 + 3 * HOUR, doc_count: 300 },
  ];

  it('ends at the end of the interval in which the running total passes the budget', () => {
    expect(reachOf(volume, 800, HOUR)).toBe(T0 + 3 * HOUR);
  });

  it('takes at least the first interval, however large it is', () => {
    expect(reachOf(volume, 100, HOUR)).toBe(T0 + HOUR);
  });

  it('reads everything when it all fits the budget (exactly at the budget included)', () => {
    expect(reachOf(volume, 1_200, HOUR)).toBe(Number.POSITIVE_INFINITY);
    expect(reachOf([], 0, HOUR)).toBe(Number.POSITIVE_INFINITY);
  });
});
