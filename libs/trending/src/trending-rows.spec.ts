import { TopicPaneHistory, type ScopePanes } from './topic-pane-history';
import { endsWithActivity, readSpanOf, trendingRows } from './trending-rows';
import { SPEC_SETTINGS } from './spec-settings';

const settings = SPEC_SETTINGS;

/** A scope whose topics are each counted under one name, the urlkey. */
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

  it('ranks each scope on its own', () => {
    const rows = fromOpen(
      new Map([
        ['', scope({ a: [[0, 9]], b: [[0, 20]] })],
        ['de', scope({ a: [[0, 7]] })],
      ]),
      0,
      10_000,
    );
    expect(rows.map((r) => `${r.scope}/${r.urlkey}#${r.rank}`).sort()).toEqual([
      '/a#2',
      '/b#1',
      'de/a#1',
    ]);
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

  it('computes only the ends asked for when given a set of them', () => {
    const rows = trendingRows(
      new TopicPaneHistory(),
      new Map([['', scope({ a: [[0, 9]] })]]),
      { after: 0, upTo: 60_000, only: new Set([20_000, 50_000]) },
      settings,
    );
    expect(rows.map((r) => r.windowEnd)).toEqual([20_000, 50_000]);
  });

  it('counts a topic over all its names, named by the alphabetically first one counted in the window', () => {
    const topic: ScopePanes = new Map([
      [
        'js',
        new Map([
          ['JavaScript', new Map([[0, 4]])],
          ['Web', new Map([[30_000, 3]])],
          ['Alpha', new Map([[100_000, 1]])],
        ]),
      ],
    ]);
    const rows = trendingRows(
      new TopicPaneHistory(),
      new Map([['', topic]]),
      { after: 30_000, upTo: 60_000 },
      settings,
    );
    expect(rows.map((r) => [r.windowEnd, r.name, r.count])).toEqual([
      [40_000, 'JavaScript', 7],
      [50_000, 'JavaScript', 7],
      [60_000, 'JavaScript', 7],
    ]);
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

  it('stops at the last end to emit', () => {
    const open = new Map([['', scope({ a: [[0, 1]] })]]);
    expect(
      endsWithActivity(new TopicPaneHistory(), open, { after: 10_000, upTo: 30_000 }, settings),
    ).toEqual([20_000, 30_000]);
  });
});

describe('readSpanOf', () => {
  it('reaches back over the window and every baseline window', () => {
    expect(readSpanOf(settings)).toBe(4 * 60_000);
  });
});
