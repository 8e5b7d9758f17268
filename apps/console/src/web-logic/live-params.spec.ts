import { liveQuery, parseLiveParams, reconnectDelayMs } from './live-params';

describe('the page address and its stream', () => {
  it('reads the range and country from the address bar', () => {
    expect(parseLiveParams('?range=24h&country=US')).toEqual({ range: '24h', country: 'us' });
  });

  it('falls back to the last hour and no country on anything it does not know', () => {
    expect(parseLiveParams('')).toEqual({ range: '1h', country: undefined });
    expect(parseLiveParams('?range=7d&country=usa')).toEqual({ range: '1h', country: undefined });
    expect(parseLiveParams('?range=toString&country=<b>')).toEqual({
      range: '1h',
      country: undefined,
    });
  });

  it('asks for the country only when one is chosen', () => {
    expect(liveQuery({ range: '15m', country: undefined })).toBe('range=15m');
    expect(liveQuery({ range: '1h', country: 'de' })).toBe('range=1h&country=de');
  });

  it('waits 1 s, 2 s, … at most 5 s before opening a closed stream again', () => {
    expect([0, 1, 2, 3, 5, 6, 60].map(reconnectDelayMs)).toEqual([
      1000, 1000, 2000, 3000, 5000, 5000, 5000,
    ]);
  });
});
