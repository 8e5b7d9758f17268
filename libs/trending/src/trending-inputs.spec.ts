import type { ScopePanes } from './topic-pane-history';
import { TrendingInputs } from './trending-inputs';

const SPAN = 40_000;

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
  it('calls every window changed when nothing was computed before', () => {
    const current = new TrendingInputs(open({ 50_000: 1 }), 0, 0);
    expect(current.changedFor(10_000, new TrendingInputs(), SPAN)).toBe(true);
  });

  it('calls a window unchanged when nothing it reads changed', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }), 0, 0));
    const current = new TrendingInputs(open({ 50_000: 1 }), 0, 0);
    expect(current.changedFor(60_000, before, SPAN)).toBe(false);
  });

  it('calls changed the windows past what the last cycle computed', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }), 0, 0));
    const current = new TrendingInputs(open({ 50_000: 1 }), 0, 0);
    expect(current.changedFor(100_000, before, SPAN)).toBe(false);
    expect(current.changedFor(110_000, before, SPAN)).toBe(true);
  });

  it('calls changed exactly the windows whose span reads a pane with a new count', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }), 0, 0));
    const current = new TrendingInputs(open({ 50_000: 2 }), 0, 0);
    // The pane [50 s, 60 s) is read by the windows ending after it, up to one span later.
    expect(current.changedFor(50_000, before, SPAN)).toBe(false);
    expect(current.changedFor(60_000, before, SPAN)).toBe(true);
    expect(current.changedFor(90_000, before, SPAN)).toBe(true);
    expect(current.changedFor(100_000, before, SPAN)).toBe(false);
  });

  it('calls a window changed when a topic appears in a pane it reads', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }), 0, 0));
    const current = new TrendingInputs(open({ 50_000: 1 }, { u: { 70_000: 3 } }), 0, 0);
    expect(current.changedFor(60_000, before, SPAN)).toBe(false);
    expect(current.changedFor(80_000, before, SPAN)).toBe(true);
  });

  it('calls a window changed once it became final', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }), 0, 20_000));
    const current = new TrendingInputs(open({ 50_000: 1 }), 0, 40_000);
    expect(current.changedFor(20_000, before, SPAN)).toBe(false);
    expect(current.changedFor(30_000, before, SPAN)).toBe(true);
    expect(current.changedFor(40_000, before, SPAN)).toBe(true);
    expect(current.changedFor(50_000, before, SPAN)).toBe(false);
  });

  it('calls every window changed when the history start moved', () => {
    const before = computed(new TrendingInputs(open({ 50_000: 1 }), 10_000, 0));
    const current = new TrendingInputs(open({ 50_000: 1 }), 0, 0);
    expect(current.changedFor(20_000, before, SPAN)).toBe(true);
  });
});
