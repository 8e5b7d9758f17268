import { compositePage } from './point-in-time';

describe('compositePage', () => {
  const buckets = [
    { key: { group: '1' }, doc_count: 4 },
    { key: { group: '2' }, doc_count: 1 },
  ];

  it('goes on after the last key of a full page', () => {
    const aggregations = { page: { after_key: { group: '2' }, buckets } };
    expect(compositePage(aggregations, 2)).toEqual({ buckets, after: { group: '2' } });
  });

  it('stops after a short page, though Elasticsearch still answers an after_key', () => {
    const aggregations = { page: { after_key: { group: '2' }, buckets } };
    expect(compositePage(aggregations, 500)).toEqual({ buckets, after: undefined });
  });

  it('reads an answer without the aggregation as an empty last page', () => {
    expect(compositePage(undefined, 500)).toEqual({ buckets: [], after: undefined });
    expect(compositePage({ page: { buckets: [] } }, 0)).toEqual({ buckets: [], after: undefined });
  });
});
