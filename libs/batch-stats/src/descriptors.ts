import { countryInfo } from '@meetup/country-info';
import type { RawGroup } from './raw-fields';

export interface GeoPoint {
  lat: number;
  lon: number;
}

/** The group fields every batch document carries (`groupDescriptorFields` of the templates). */
export interface GroupDescriptors {
  group_id: string;
  group_name: string;
  group_urlname: string;
  group_city: string;
  group_state?: string;
  group_country: string;
  group_country_name?: string;
  group_location: GeoPoint;
  /** Topic urlkeys: stable identifiers, the same as the trending indices use. */
  group_topics: string[];
}

/**
 * English name of a two-letter country code (`us` → United States), from the
 * same source as the raw and real-time indices, so every index names a
 * country alike; undefined when unknown.
 */
export function countryName(code: string): string | undefined {
  return countryInfo(code)?.name;
}

export function groupDescriptors(group: RawGroup): GroupDescriptors {
  const name = countryName(group.group_country);
  return {
    group_id: String(group.group_id),
    group_name: group.group_name,
    group_urlname: group.group_urlname,
    group_city: group.group_city,
    ...(group.group_state !== undefined ? { group_state: group.group_state } : {}),
    group_country: group.group_country,
    ...(name !== undefined ? { group_country_name: name } : {}),
    group_location: { lat: group.group_lat, lon: group.group_lon },
    group_topics: group.group_topics.map((topic) => topic.urlkey),
  };
}
