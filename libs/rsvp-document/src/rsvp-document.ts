import { attendeesOf, type Rsvp } from '@meetup/contracts';
import { countryInfo } from '@meetup/country-info';

export interface GeoPoint {
  lat: number;
  lon: number;
}

/** A document of the raw index `meetup_rsvps`: the stream record plus derived fields. */
export type RsvpDocument = Rsvp & {
  indexed_at: string;
  attendees: number;
  group: Rsvp['group'] & {
    group_location: GeoPoint;
    /** From the country code; absent for a code no country list knows. */
    group_country_name?: string;
    group_continent?: string;
    topic_names: string[];
    topic_urlkeys: string[];
  };
  venue?: NonNullable<Rsvp['venue']> & { location?: GeoPoint };
};

/**
 * Meetup reports unknown venue coordinates as 0,0 ("null island"); such a
 * point would put every online event in the Gulf of Guinea, so it gets none.
 */
export function venueLocation(venue: Rsvp['venue']): GeoPoint | undefined {
  if (!venue || (venue.lat === 0 && venue.lon === 0)) return undefined;
  return { lat: venue.lat, lon: venue.lon };
}

/** The raw-index document for a validated RSVP; `indexedAt` drives incremental batch runs. */
export function toRsvpDocument(rsvp: Rsvp, indexedAt: Date): RsvpDocument {
  const { venue, ...rest } = rsvp;
  const location = venueLocation(venue);
  const country = countryInfo(rsvp.group.group_country);
  return {
    ...rest,
    indexed_at: indexedAt.toISOString(),
    attendees: attendeesOf(rsvp),
    group: {
      ...rsvp.group,
      group_location: { lat: rsvp.group.group_lat, lon: rsvp.group.group_lon },
      ...(country ? { group_country_name: country.name, group_continent: country.continent } : {}),
      topic_names: rsvp.group.group_topics.map((t) => t.topic_name),
      topic_urlkeys: rsvp.group.group_topics.map((t) => t.urlkey),
    },
    ...(venue ? { venue: location ? { ...venue, location } : venue } : {}),
  };
}
