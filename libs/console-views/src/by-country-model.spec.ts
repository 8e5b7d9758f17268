import { ByCountryModel, type ByCountryDoc } from './by-country-model';

const T0 = Date.UTC(2024, 0, 1, 12, 0);
const MIN = 60_000;

function doc(
  minute: number,
  country: string,
  response: 'yes' | 'no',
  responses: number,
  attendees = 0,
): ByCountryDoc {
  return {
    bucket_start: new Date(T0 + minute * MIN).toISOString(),
    bucket_end: new Date(T0 + (minute + 1) * MIN).toISOString(),
    country,
    country_name: country.toUpperCase(),
    response,
    responses,
    attendees,
    updated_at: new Date().toISOString(),
  };
}

describe('ByCountryModel', () => {
  it('shows "waiting for data" — no range, no rows — before any document', () => {
    const view = new ByCountryModel().view('15m');
    expect(view).toMatchObject({ from: undefined, to: undefined, countries: [], series: [] });
  });

  it('sums a range measured back from the newest bucket, most responses first, zero buckets included', () => {
    const model = new ByCountryModel();
    model.apply([
      doc(0, 'de', 'yes', 2, 3),
      doc(0, 'de', 'no', 1),
      doc(20, 'us', 'yes', 5, 6),
      doc(29, 'de', 'yes', 1, 1),
    ]);
    const view = model.view('15m');
    expect(view.to).toBe(T0 + 30 * MIN);
    expect(view.from).toBe(T0 + 15 * MIN);
    expect(view.countries).toEqual([
      { country: 'us', name: 'US', yes: 5, no: 0, attendees: 6 },
      { country: 'de', name: 'DE', yes: 1, no: 0, attendees: 1 },
    ]);
    expect(view.series).toHaveLength(15);
    expect(view.series[5]).toEqual({ t: T0 + 20 * MIN, yes: 5, no: 0, attendees: 6 });
    expect(view.series[0]).toEqual({ t: T0 + 15 * MIN, yes: 0, no: 0, attendees: 0 });
    expect(view.totals).toEqual({ yes: 6, no: 0, attendees: 7 });
    expect(model.view('1h').countries.find((c) => c.country === 'de')).toEqual({
      country: 'de',
      name: 'DE',
      yes: 3,
      no: 1,
      attendees: 4,
    });
  });

  it("replaces a bucket's figures by the newer document, and a repeated document changes nothing", () => {
    const model = new ByCountryModel();
    expect(model.apply([doc(0, 'fr', 'yes', 1, 1)])).toBe(true);
    expect(model.apply([doc(0, 'fr', 'yes', 1, 1)])).toBe(false);
    expect(model.apply([doc(0, 'fr', 'yes', 4, 5)])).toBe(true);
    expect(model.view('15m').totals).toEqual({ yes: 4, no: 0, attendees: 5 });
  });

  it('forgets buckets older than the longest range', () => {
    const model = new ByCountryModel();
    model.apply([doc(0, 'fr', 'yes', 1, 1)]);
    model.apply([doc(24 * 60 + 5, 'fr', 'yes', 1, 1)]);
    expect(model.size).toBe(1);
    expect(model.view('24h').totals.yes).toBe(1);
  });

  it('ignores documents it cannot place rather than failing the round', () => {
    const model = new ByCountryModel();
    const broken = { ...doc(0, 'fr', 'yes', 1), bucket_start: 'not a date' };
    expect(model.apply([broken, { ...doc(0, 'fr', 'yes', 1), response: 'maybe' }])).toBe(false);
    expect(model.view('15m').to).toBeUndefined();
  });
});
