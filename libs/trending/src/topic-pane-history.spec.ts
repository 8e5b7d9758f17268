import { TopicPaneHistory, type ScopePanes } from './topic-pane-history';
import { trendingRows } from './trending-rows';
import { SPEC_SETTINGS } from './spec-settings';

const settings = SPEC_SETTINGS;

/** One global topic `t`, 2 a pane for 380 s, then 30 a pane. */
function steadyThenSurge(): Map<string, ScopePanes> {
  const panes: [number, number][] = [];
  for (let pane = 0; pane < 400_000; pane += 10_000) panes.push([pane, pane >= 380_000 ? 30 : 2]);
  return new Map([['', new Map([['t', new Map([['t', new Map(panes)]])]])]]);
}

/** The panes of `scopes` that start at or after `from`, as a cycle reading from there sees them. */
function from(scopes: Map<string, ScopePanes>, start: number): Map<string, ScopePanes> {
  const panes = [...(scopes.get('')?.get('t')?.get('t') ?? [])].filter(([p]) => p >= start);
  return new Map([['', new Map([['t', new Map([['t', new Map(panes)]])]])]]);
}

describe('TopicPaneHistory', () => {
  it('gives the same rows from complete panes held between cycles as from reading every pane', () => {
    const all = steadyThenSurge();
    const expected = trendingRows(
      new TopicPaneHistory(),
      all,
      { after: 300_000, upTo: 400_000 },
      settings,
    );
    const history = new TopicPaneHistory();
    history.complete(all, 0, 200_000);
    // A later cycle reads only the panes from the frontier on.
    const later = from(all, 200_000);
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

  it('has no frontier before the first panes, and never moves it back', () => {
    const history = new TopicPaneHistory();
    expect(history.frontier).toBeUndefined();
    history.complete(steadyThenSurge(), 0, 200_000);
    history.complete(from(steadyThenSurge(), 100_000), 100_000, 150_000);
    expect(history.frontier).toBe(200_000);
  });
});
