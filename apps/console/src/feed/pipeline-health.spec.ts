import { ratesBetween } from './pipeline-health';

describe('ratesBetween', () => {
  it('has no rates from a first sample, only the lag', () => {
    expect(ratesBetween(undefined, { at: 1_000, rsvpEnd: 50, dlqEnd: 2, lag: 7 })).toEqual({
      ingestPerSecond: undefined,
      dlqPerSecond: undefined,
      consumerLag: 7,
    });
  });

  it('divides the growth of the end offsets by the time between samples', () => {
    const previous = { at: 1_000, rsvpEnd: 50, dlqEnd: 2, lag: 7 };
    expect(ratesBetween(previous, { at: 3_000, rsvpEnd: 250, dlqEnd: 6, lag: 0 })).toEqual({
      ingestPerSecond: 100,
      dlqPerSecond: 2,
      consumerLag: 0,
    });
  });

  it('never reports a negative rate when a topic was recreated', () => {
    const previous = { at: 1_000, rsvpEnd: 500, dlqEnd: 2, lag: 0 };
    expect(
      ratesBetween(previous, { at: 2_000, rsvpEnd: 10, dlqEnd: 2, lag: 0 }).ingestPerSecond,
    ).toBe(0);
  });
});
