import { nextStamp, noProgress } from './stage-progress';

describe('nextStamp', () => {
  it('is the clock when the clock is ahead of every earlier stamp', () => {
    expect(nextStamp(10_000, 9_000, 8_000)).toBe(10_000);
  });

  it('still goes up when the clock stands still between two cycles', () => {
    const first = nextStamp(10_000, 0, 0);
    const second = nextStamp(10_000, first, first);
    expect(second).toBe(first + 1);
  });

  it('still goes up when the clock steps back', () => {
    expect(nextStamp(5_000, 10_000, 0)).toBe(10_001);
  });

  it("passes the stored stamp of a former leader whose clock ran ahead, so the new leader's write wins", () => {
    expect(nextStamp(10_000, 0, 60_000)).toBe(60_001);
  });
});

describe('noProgress', () => {
  it('marks nothing final and no snapshot offset included, with a stamp any cycle passes', () => {
    const progress = noProgress('trending');
    expect(progress).toEqual({
      kind: 'combine',
      stage: 'trending',
      final_before: 0,
      offsets: {},
      stamp: 0,
      updated_at: '1970-01-01T00:00:00.000Z',
    });
    expect(nextStamp(0, 0, progress.stamp)).toBeGreaterThan(progress.stamp);
    expect(progress.history_start).toBeUndefined();
  });
});
