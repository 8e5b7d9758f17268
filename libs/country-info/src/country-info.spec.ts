import { countryInfo } from './country-info';

describe('countryInfo', () => {
  it('names a lowercase stream country code with its continent and a map point', () => {
    const info = countryInfo('gb');
    expect(info?.name).toBe('United Kingdom');
    expect(info?.continent).toBe('EU');
    expect(info?.location?.lat).toBeGreaterThan(49);
  });

  it('knows Taiwan and the United States', () => {
    expect(countryInfo('tw')?.continent).toBe('AS');
    expect(countryInfo('us')?.continentName).toBe('North America');
  });

  it('answers undefined for a code that is no country', () => {
    expect(countryInfo('zz')).toBeUndefined();
    expect(countryInfo('constructor')).toBeUndefined();
  });
});
