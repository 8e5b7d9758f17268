import { aggregatorIndices } from './aggregator.runtime';

describe('aggregatorIndices', () => {
  it('names every index under the prefix', () => {
    expect(aggregatorIndices({ indexPrefix: 'test-', outputs: 'all' })).toMatchObject({
      raw: 'test-meetup_rsvps',
      state: 'test-meetup_aggregator_state',
      byCountry: 'test-meetup_rsvp_by_country',
      globalTrending: 'test-meetup_global_trending_topics',
      countryTrending: 'test-meetup_country_trending_topics',
    });
  });

  it('waits for the raw index, its state and the aggregates when it writes them all', () => {
    const indices = aggregatorIndices({ indexPrefix: '', outputs: 'all' });
    expect(indices.aggregates).toBe(true);
    expect(indices.required).toEqual([
      'meetup_rsvps',
      'meetup_aggregator_state',
      'meetup_rsvp_by_country',
      'meetup_global_trending_topics',
      'meetup_country_trending_topics',
    ]);
  });

  it('waits only for the raw index and its state when it writes raw documents only', () => {
    const indices = aggregatorIndices({ indexPrefix: '', outputs: 'raw' });
    expect(indices.aggregates).toBe(false);
    expect(indices.required).toEqual(['meetup_rsvps', 'meetup_aggregator_state']);
  });
});
