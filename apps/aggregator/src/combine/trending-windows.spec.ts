import {
  endsWithActivity,
  TopicPaneHistory,
  trendingRows,
  type ScopePanes,
} from './trending-windows';

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

/** Rows computed with nothing held yet: every pane is read as open. */
function fromOpen(
  scopes: Map<string, ScopePanes>,
  after: number,
  upTo: number,
  overrides: Partial<typeof settings> = {},
) {
  return trendingRows(
    new TopicPaneHistory(),
    scopes,
    { after, upTo },
    { ...settings, ...overrides },
  );
}

describe('trendingRows', () => {
  it('emits only topics above the minimum support, with their baseline', () => {
    const rows = fromOpen(
      new Map([['', scope({ small: [[180_000, 5]], big: [[180_000, 9]] })]]),
      0,
      1_000_000,
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
    const rows = fromOpen(
      new Map([['gb', scope({ steady, surge: [[230_000, 20]] })]]),
      230_000,
      240_000,
    );
    const window = rows.filter((r) => r.windowEnd === 240_000);
    expect(window.find((r) => r.rank === 1)?.urlkey).toBe('surge');
    expect(window.find((r) => r.urlkey === 'steady')?.score).toBeCloseTo(0, 6);
  });

  it('scores against the known past only, so nothing trends at the start of the history', () => {
    const steady: [number, number][] = [];
    for (let pane = 100_000; pane < 400_000; pane += 10_000) steady.push([pane, 5]);
    const rows = fromOpen(new Map([['', scope({ steady })]]), 0, 400_000, {
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

  it('computes only the windows ending after the last final one and at or before the stream time', () => {
    const rows = fromOpen(new Map([['', scope({ a: [[0, 9]] })]]), 20_000, 40_000);
    expect(rows.map((r) => r.windowEnd)).toEqual([30_000, 40_000]);
    expect(fromOpen(new Map([['', scope({ a: [[0, 9]] })]]), 60_000, 100_000)).toEqual([]);
  });
});

describe('TopicPaneHistory', () => {
  const steadyThenSurge = (): Map<string, ScopePanes> => {
    const panes: [number, number][] = [];
    for (let pane = 0; pane < 400_000; pane += 10_000) panes.push([pane, pane >= 380_000 ? 30 : 2]);
    return new Map([['', scope({ t: panes })]]);
  };

  it('gives the same rows from complete panes held between cycles as from reading every pane', () => {
    const all = steadyThenSurge();
    const expected = fromOpen(all, 300_000, 400_000);
    const history = new TopicPaneHistory();
    history.complete(all, 0, 200_000);
    // A later cycle reads only the panes from the frontier on.
    const later = new Map([
      [
        '',
        scope({ t: [...(all.get('')?.get('t')?.get('t') ?? [])].filter(([p]) => p >= 200_000) }),
      ],
    ]);
    history.complete(later, 200_000, 350_000);
    expect(history.frontier).toBe(350_000);
    const rows = trendingRows(history, later, { after: 300_000, upTo: 400_000 }, settings);
    expect(rows).toEqual(expected);
    expect(rows.find((r) => r.windowEnd === 400_000)).toMatchObject({
      count: 4 * 2 + 2 * 30,
      rank: 1,
    });
  });

  it('forgets panes no window needs any more, and series left empty', () => {
    const history = new TopicPaneHistory();
    history.complete(steadyThenSurge(), 0, 300_000);
    expect(history.size).toBe(1);
    history.dropBefore(300_000);
    expect(history.size).toBe(0);
    expect(history.frontier).toBe(300_000);
  });

  it('never takes a pane twice when a cycle reads from before its frontier', () => {
    const history = new TopicPaneHistory();
    const all = steadyThenSurge();
    history.complete(all, 0, 100_000);
    history.complete(all, 0, 200_000);
    const rows = trendingRows(history, new Map(), { after: 190_000, upTo: 200_000 }, settings);
    // Six panes of 2: counted once each, not twice.
    expect(rows).toMatchObject([{ windowEnd: 200_000, count: 12 }]);
  });
});

describe('endsWithActivity', () => {
  it('lists only the window ends whose window holds activity, across a long sparse history', () => {
    const history = new TopicPaneHistory();
    history.complete(new Map([['', scope({ a: [[0, 1]] })]]), 0, 10_000);
    const open = new Map([['de', scope({ b: [[86_400_000, 2]] })]]);
    const ends = endsWithActivity(history, open, { after: 0, upTo: 100_000_000 }, settings);
    expect(ends).toEqual([
      10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 86_410_000, 86_420_000, 86_430_000,
      86_440_000, 86_450_000, 86_460_000,
    ]);
  });
});
