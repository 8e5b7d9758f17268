import type { Rsvp } from '@meetup/contracts';
import { toRsvpDocument } from './rsvp-document';

const rsvp: Rsvp = {
  rsvp_id: 1,
  mtime: 1489925470960,
  response: 'yes',
  guests: 2,
  member: { member_id: 7 },
  event: { event_id: 'e1', event_name: 'Volleyball' },
  group: {
    group_id: 3,
    group_name: 'Club',
    group_city: 'Taipei',
    group_country: 'tw',
    group_urlname: 'club',
    group_lat: 25.02,
    group_lon: 121.45,
    group_topics: [
      { topic_name: 'Fitness', urlkey: 'fitness' },
      { topic_name: 'Hiking', urlkey: 'hiking' },
    ],
  },
  venue: { venue_id: 9, venue_name: 'Hall', lat: 25.05, lon: 121.5 },
};

describe('toRsvpDocument', () => {
  const indexedAt = new Date('2026-01-02T03:04:05.000Z');

  it('adds attendees, locations, topic lists and the indexing time', () => {
    const doc = toRsvpDocument(rsvp, indexedAt);
    expect(doc.attendees).toBe(3);
    expect(doc.indexed_at).toBe('2026-01-02T03:04:05.000Z');
    expect(doc.group.group_location).toEqual({ lat: 25.02, lon: 121.45 });
    expect(doc.group.topic_urlkeys).toEqual(['fitness', 'hiking']);
    expect(doc.group.topic_names).toEqual(['Fitness', 'Hiking']);
    expect(doc.venue?.location).toEqual({ lat: 25.05, lon: 121.5 });
  });

  it('names the country and its continent', () => {
    const doc = toRsvpDocument(rsvp, indexedAt);
    expect(doc.group.group_country_name).toBe('Taiwan');
    expect(doc.group.group_continent).toBe('AS');
  });

  it('counts no attendees for a no, whatever the guests', () => {
    expect(toRsvpDocument({ ...rsvp, response: 'no' }, indexedAt).attendees).toBe(0);
  });

  it('gives a venue at 0,0 no location', () => {
    const doc = toRsvpDocument({ ...rsvp, venue: { venue_id: 9, lat: 0, lon: 0 } }, indexedAt);
    expect(doc.venue).toEqual({ venue_id: 9, lat: 0, lon: 0 });
  });

  it('leaves a missing venue missing', () => {
    const withoutVenue: Rsvp = { ...rsvp, venue: undefined };
    expect(toRsvpDocument(withoutVenue, indexedAt)).not.toHaveProperty('venue');
  });
});
