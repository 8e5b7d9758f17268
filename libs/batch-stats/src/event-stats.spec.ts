import { eventDocument } from './event-stats';
import { countryName } from './descriptors';

describe('eventDocument', () => {
  it('maps an event bucket to its document, descriptors from its latest RSVP', () => {
    const doc = eventDocument(
      {
        key: { event: 'ev1' },
        doc_count: 3,
        yes: { doc_count: 2, guests: { value: 3 } },
        no: { doc_count: 1 },
        first: { value: Date.parse('2017-03-19T10:00:00Z') },
        last: { value: Date.parse('2017-03-20T10:00:00Z') },
        latest: {
          hits: {
            hits: [
              {
                sort: [1, '5'],
                _source: {
                  event: {
                    event_id: 'ev1',
                    event_name: 'Meetup',
                    time: Date.parse('2017-04-01T18:00:00Z'),
                  },
                  group: {
                    group_id: 7,
                    group_name: 'G',
                    group_city: 'Austin',
                    group_state: 'TX',
                    group_country: 'us',
                    group_urlname: 'g',
                    group_lat: 30.2,
                    group_lon: -97.7,
                    group_topics: [],
                  },
                },
              },
            ],
          },
        },
      },
      'now',
    );
    expect(doc).toEqual({
      id: 'ev1',
      document: {
        event_id: 'ev1',
        event_name: 'Meetup',
        event_time: '2017-04-01T18:00:00.000Z',
        group_id: '7',
        group_name: 'G',
        group_urlname: 'g',
        group_city: 'Austin',
        group_state: 'TX',
        group_country: 'us',
        group_country_name: 'United States',
        group_location: { lat: 30.2, lon: -97.7 },
        group_topics: [],
        responses: 3,
        yes: 2,
        no: 1,
        guests: 3,
        attendees: 5,
        first_rsvp_at: '2017-03-19T10:00:00.000Z',
        last_rsvp_at: '2017-03-20T10:00:00.000Z',
        computed_at: 'now',
      },
    });
  });

  it('leaves the country name out for a malformed code', () => {
    expect(countryName('1!')).toBeUndefined();
  });

  it('names a country as the raw and real-time indices do', () => {
    expect(countryName('hk')).toBe('Hong Kong');
  });
});
