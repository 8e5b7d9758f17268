import type { estypes } from '@elastic/elasticsearch';
import type { ScopePanes } from '@meetup/trending';
import {
  activityBoundsOf,
  addTopicPane,
  COMPOSITE_PAGE_SIZE,
  compositePage,
  countryBucketRowOf,
  mtimeRange,
  reachOf,
} from './activity-queries';

const HOUR = 3_600_000;
const T0 = 1_772_366_400_000; // 2026-03-01T12:00:00Z

describe('mtimeRange', () => {
  it('reads event time from `from` up to, not including, `to`', () => {
    expect(mtimeRange(T0, T0 + HOUR)).toEqual({
      range: { mtime: { gte: T0, lt: T0 + HOUR, format: 'epoch_millis' } },
    });
  });

  it('has no upper bound when `to` is infinite', () => {
    expect(mtimeRange(T0, Number.POSITIVE_INFINITY)).toEqual({
      range: { mtime: { gte: T0, format: 'epoch_millis' } },
    });
  });
});

describe('compositePage', () => {
  const bucket = (i: number): estypes.AggregationsCompositeBucket => ({
    key: { bucket: T0 + i, country: 'us', response: 'yes' },
    doc_count: 1,
  });

  it('asks for the next page after a full page', () => {
    const buckets = Array.from({ length: COMPOSITE_PAGE_SIZE }, (_, i) => bucket(i));
    const afterKey = { bucket: T0 + COMPOSITE_PAGE_SIZE - 1, country: 'us', response: 'yes' };
    const page = compositePage({ after_key: afterKey, buckets });
    expect(page.buckets).toHaveLength(COMPOSITE_PAGE_SIZE);
    expect(page.after).toEqual(afterKey);
  });

  it('stops after a short page, although Elasticsearch still names an after_key', () => {
    const page = compositePage({
      after_key: { bucket: T0 + 1, country: 'us', response: 'yes' },
      buckets: [bucket(0), bucket(1)],
    });
    expect(page.buckets).toEqual([bucket(0), bucket(1)]);
    expect(page.after).toBeUndefined();
  });

  it('yields nothing when the activity index has no documents (no rows aggregation, or no after_key)', () => {
    expect(compositePage(undefined)).toEqual({ buckets: [], after: undefined });
    expect(compositePage({ buckets: [] })).toEqual({ buckets: [], after: undefined });
  });
});

describe('countryBucketRowOf', () => {
  it('reads bucket start, country, response, the count and the sums of a composite bucket', () => {
    const row = countryBucketRowOf({
      key: { bucket: T0, country: 'de', response: 'no' },
      doc_count: 7,
      guests: { value: 3.0 },
      attendees: { value: 10.0 },
    });
    expect(row).toEqual({
      bucketStart: T0,
      country: 'de',
      response: 'no',
      responses: 7,
      guests: 3,
      attendees: 10,
    });
  });

  it('counts missing sums as zero', () => {
    const row = countryBucketRowOf({
      key: { bucket: T0, country: 'de', response: 'yes' },
      doc_count: 1,
      guests: { value: null },
      attendees: { value: null },
    });
    expect(row).toMatchObject({ guests: 0, attendees: 0 });
  });
});

describe('addTopicPane', () => {
  const paneBucket = (pane: number, country: string, topic: string, count: number) => ({
    key: { pane, country, topic },
    doc_count: count,
  });

  it('counts a topic in the world and in its country, by urlkey, name and pane', () => {
    const scopes = new Map<string, ScopePanes>();
    addTopicPane(scopes, paneBucket(T0, 'us', 'hiking\tHiking', 2));
    addTopicPane(scopes, paneBucket(T0, 'ca', 'hiking\tHiking', 3));
    addTopicPane(scopes, paneBucket(T0 + HOUR, 'us', 'hiking\tHiking', 1));
    expect(scopes.get('')?.get('hiking')?.get('Hiking')).toEqual(
      new Map([
        [T0, 5],
        [T0 + HOUR, 1],
      ]),
    );
    expect(scopes.get('us')?.get('hiking')?.get('Hiking')).toEqual(
      new Map([
        [T0, 2],
        [T0 + HOUR, 1],
      ]),
    );
    expect(scopes.get('ca')?.get('hiking')?.get('Hiking')).toEqual(new Map([[T0, 3]]));
  });

  it('keeps the names a urlkey was given apart, and reads a topic without a name as its urlkey', () => {
    const scopes = new Map<string, ScopePanes>();
    addTopicPane(scopes, paneBucket(T0, 'us', 'js\tJavaScript', 2));
    addTopicPane(scopes, paneBucket(T0, 'us', 'js\tJS', 1));
    addTopicPane(scopes, paneBucket(T0, 'us', 'legacy', 4));
    expect([...(scopes.get('')?.get('js')?.keys() ?? [])]).toEqual(['JavaScript', 'JS']);
    expect(scopes.get('')?.get('legacy')?.get('legacy')?.get(T0)).toBe(4);
  });
});

describe('activityBoundsOf', () => {
  it('reads the oldest and newest event time', () => {
    expect(
      activityBoundsOf({
        first: { value: T0, value_as_string: '2026-03-01T12:00:00.000Z' },
        last: { value: T0 + HOUR, value_as_string: '2026-03-01T13:00:00.000Z' },
      }),
    ).toEqual({ first: T0, last: T0 + HOUR });
  });

  it('has no bounds while there is no activity', () => {
    expect(activityBoundsOf({ first: { value: null }, last: { value: null } })).toBeUndefined();
    expect(activityBoundsOf(undefined)).toBeUndefined();
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
