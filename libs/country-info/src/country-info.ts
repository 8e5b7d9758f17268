import { continents, countries, type TCountryCode } from 'countries-list';
import worldCountries from 'world-countries';

export interface CountryInfo {
  /** ISO 3166-1 alpha-2, lowercase as the Meetup stream sends it. */
  code: string;
  name: string;
  /** Continent code: AF, AN, AS, EU, NA, OC, SA. */
  continent: string;
  continentName: string;
  /** A point inside the country for map visualisations (the data set's reference point). */
  location: { lat: number; lon: number } | undefined;
}

const locations = new Map<string, { lat: number; lon: number }>(
  worldCountries.map((country) => {
    const [lat, lon] = country.latlng;
    return [country.cca2.toUpperCase(), { lat, lon }];
  }),
);

const cache = new Map<string, CountryInfo | undefined>();

/**
 * Name, continent and a map point of a country code (`countries-list` for
 * names and continents, `world-countries` for the point); undefined for a
 * code neither knows.
 */
export function countryInfo(code: string): CountryInfo | undefined {
  const key = code.toUpperCase();
  if (cache.has(key)) return cache.get(key);
  const country = Object.hasOwn(countries, key) ? countries[key as TCountryCode] : undefined;
  const info: CountryInfo | undefined = country
    ? {
        code: code.toLowerCase(),
        name: country.name,
        continent: country.continent,
        continentName: continents[country.continent],
        location: locations.get(key),
      }
    : undefined;
  cache.set(key, info);
  return info;
}
