import type { ScopePanes } from './topic-pane-history';
import { TrendingInputs } from './trending-inputs';

/** Open panes of one global topic `t`: pane start → count. */
function open(panes: Record<number, number>, more: Record<string, Record<number, number>> = {}) {
  const topics: ScopePanes = new Map();
  for (const [urlkey, counts] of Object.entries({ t: panes, ...more })) {
    const byPane = new Map(Object.entries(counts).map(([pane, count]) => [Number(pane), count]));
    topics.set(urlkey, new Map([[urlkey, byPane]]));
  }
  return new Map([['', topics]]);
}

/** Inputs of a cycle that computed every window up to 100 s. */
function computed(inputs: TrendingInputs): TrendingInputs {
  return inputs.computedUpTo(100_000);
}

describe('TrendingInputs', () => {
  it('holds nothing valid when nothing was computed before', () => {
    const current = new TrendingInputs(open({ 50_000: 1 }), 0, 0);
    expect(current.validUpTo(new TrendingInputs())).toBe(Number.NEGATIVE_INFINITY);
  });

  it('holds valid the windows the last cycle computed from the same history start', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }), 0, 0));
    expect(new TrendingInputs(open({ 50_000: 1 }), 0, 0).validUpTo(before)).toBe(100_000);
  });

  it('holds nothing valid once the history start moved: every baseline may change', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }), 10_000, 0));
    const current = new TrendingInputs(open({ 50_000: 1 }), 0, 0);
    expect(current.validUpTo(before)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('names no topic changed when no count changed', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }, { u: { 60_000: 2 } }), 0, 0));
    const current = new TrendingInputs(open({ 50_000: 1 }, { u: { 60_000: 2 } }), 0, 0);
    expect(current.changedTopics(before)).toEqual(new Map());
  });

  it('names each topic whose counts changed, with its earliest changed pane', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1, 60_000: 1 }), 0, 0));
    const current = new TrendingInputs(
      open({ 40_000: 1, 50_000: 1, 60_000: 3 }, { u: { 70_000: 3 } }),
      0,
      0,
    );
    expect(current.changedTopics(before)).toEqual(
      new Map([
        ['\tt', 40_000],
        ['\tu', 70_000],
      ]),
    );
  });

  it('keeps scopes apart, and a pane that left the open panes changes nothing', () => {
    const gb = (counts: Record<number, number>): Map<string, ScopePanes> =>
      new Map([['gb', open(counts).get('') ?? (new Map() as ScopePanes)]]);
    const before = computed(
      new TrendingInputs(new Map([...open({ 50_000: 1 }), ...gb({ 50_000: 1 })]), 0, 0),
    );
    const current = new TrendingInputs(new Map([...open({}), ...gb({ 50_000: 2 })]), 0, 0);
    expect(current.changedTopics(before)).toEqual(new Map([['gb\tt', 50_000]]));
  });
});
