import { trendingRows, type ScopePanes } from './trending-windows';

const settings = {
  windowMs: 60_000,
  slideMs: 10_000,
  minSupport: 5,
  baselineWindows: 3,
  historyStart: 0,
};

function scope(counts: Record<string, [number, number][]>): ScopePanes {
  return new Map(
    Object.entries(counts).map(([urlkey, panes]) => [urlkey, new Map([[urlkey, new Map(panes)]])]),
  );
}

describe('trendingRows', () => {
  it('emits only topics above the minimum support, with their baseline', () => {
    const rows = trendingRows(
      new Map([['', scope({ small: [[180_000, 5]], big: [[180_000, 9]] })]]),
      0,
      settings,
    );
    expect(new Set(rows.map((r) => r.urlkey))).toEqual(new Set(['big']));
    expect(rows.find((r) => r.windowEnd === 190_000)).toMatchObject({
      count: 9,
      baselineMean: 0,
      rank: 1,
    });
  });

  it('ranks a surge above a steadily bigger topic', () => {
    const steady: [number, number][] = [];
    for (let pane = 0; pane < 240_000; pane += 10_000) steady.push([pane, 5]);
    const rows = trendingRows(
      new Map([['gb', scope({ steady, surge: [[230_000, 20]] })]]),
      230_000,
      settings,
    );
    const window = rows.filter((r) => r.windowEnd === 240_000);
    expect(window.find((r) => r.rank === 1)?.urlkey).toBe('surge');
    expect(window.find((r) => r.urlkey === 'steady')?.score).toBeCloseTo(0, 6);
  });

  it('scores against the known past only, so nothing trends at the start of the history', () => {
    const steady: [number, number][] = [];
    for (let pane = 100_000; pane < 400_000; pane += 10_000) steady.push([pane, 5]);
    const rows = trendingRows(new Map([['', scope({ steady })]]), 0, {
      ...settings,
      historyStart: 100_000,
    });
    // The first full window: no baseline window lies inside the history.
    expect(rows.find((r) => r.windowEnd === 160_000)).toMatchObject({ count: 30, score: 0 });
    // Later: only the windows since the start count, all of them steady.
    expect(rows.find((r) => r.windowEnd === 280_000)).toMatchObject({
      count: 30,
      baselineMean: 30,
      score: 0,
    });
  });

  it('leaves windows at or before the given end alone', () => {
    const rows = trendingRows(new Map([['', scope({ a: [[0, 9]] })]]), 60_000, settings);
    expect(rows).toEqual([]);
  });
});
