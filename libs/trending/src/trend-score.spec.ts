import { rankByScore, trendScore } from './trend-score';

describe('trendScore', () => {
  it('gives a steadily big topic a score near zero', () => {
    const steady = trendScore(200, [195, 205, 198, 202, 200, 199, 201, 197, 203, 200, 196, 204]);
    expect(Math.abs(steady.score)).toBeLessThan(0.5);
    expect(steady.baselineMean).toBeCloseTo(200, 6);
  });

  it('scores a topic that jumps from 2 to 40 far above a steady one', () => {
    const jump = trendScore(
      40,
      Array.from({ length: 12 }, () => 2),
    );
    expect(jump.score).toBeGreaterThan(15);
    expect(jump.ratio).toBeCloseTo(41 / 3, 6);
    expect(jump.baselineStddev).toBe(0);
  });

  it('does not call a tiny topic trending on noise', () => {
    expect(
      trendScore(
        1,
        Array.from({ length: 12 }, () => 0),
      ).score,
    ).toBe(1);
  });
});

describe('trendScore without a known past', () => {
  it('calls nothing trending at the start of the history', () => {
    expect(trendScore(40, [])).toMatchObject({ score: 0, baselineMean: 0, count: 40 });
  });
});

describe('rankByScore', () => {
  it('breaks ties by count, then by key', () => {
    const ranked = rankByScore([
      { key: 'b', score: 1, count: 5 },
      { key: 'a', score: 1, count: 5 },
      { key: 'c', score: 1, count: 9 },
      { key: 'd', score: 3, count: 1 },
    ]);
    expect(ranked.map((r) => `${r.item.key}${r.rank}`)).toEqual(['d1', 'c2', 'a3', 'b4']);
  });
});
