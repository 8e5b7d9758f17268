import { parseLastEventId, parseLiveQuery } from './live-query';

const known = (code: string) => ['de', 'us', 'nz'].includes(code);

describe('parseLiveQuery', () => {
  it('defaults to the last 15 minutes and no country', () => {
    expect(parseLiveQuery({}, known)).toEqual({
      ok: true,
      value: { range: '15m', country: undefined },
    });
  });

  it('takes a known range and a known lowercase country', () => {
    expect(parseLiveQuery({ range: '24h', country: 'nz' }, known)).toEqual({
      ok: true,
      value: { range: '24h', country: 'nz' },
    });
  });

  it.each([
    [{ range: '2h' }, /range must be one of 15m, 1h, 24h/],
    [{ range: ['15m', '1h'] }, /range must be one of/],
    [{ country: 'NZ' }, /lowercase ISO 3166-1 alpha-2/],
    [{ country: 'xx' }, /lowercase ISO 3166-1 alpha-2/],
    [{ country: '__proto__' }, /lowercase ISO 3166-1 alpha-2/],
    [{ index: 'meetup_rsvps' }, /unknown parameter "index"/],
  ])('refuses %j', (query, message) => {
    expect(parseLiveQuery(query, known)).toEqual({
      ok: false,
      message: expect.stringMatching(message) as string,
    });
  });
});

describe('parseLastEventId', () => {
  it('accepts no id and a decimal id', () => {
    expect(parseLastEventId(undefined)).toEqual({ ok: true, value: undefined });
    expect(parseLastEventId('1764500000123')).toEqual({ ok: true, value: 1764500000123 });
  });

  it.each(['abc', '-1', '1e9', '12345678901234567', ' 1'])('refuses %j', (id) => {
    expect(parseLastEventId(id).ok).toBe(false);
  });
});
