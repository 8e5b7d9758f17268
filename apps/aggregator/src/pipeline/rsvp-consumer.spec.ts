import { heartbeatIntervalOf } from './rsvp-consumer';

describe('heartbeatIntervalOf', () => {
  it('beats ten times per session timeout', () => {
    expect(heartbeatIntervalOf(30_000)).toBe(3_000);
    expect(heartbeatIntervalOf(10_001)).toBe(1_000);
  });

  it('beats no more often than every half second', () => {
    expect(heartbeatIntervalOf(3_000)).toBe(500);
  });
});
