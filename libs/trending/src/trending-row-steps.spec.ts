import { TopicPaneHistory, type ScopePanes } from './topic-pane-history';
import { TrendingRowSteps, type RowBudget } from './trending-row-steps';
import { trendingRows, type TrendingRow } from './trending-rows';
import { SPEC_SETTINGS } from './spec-settings';

const settings = SPEC_SETTINGS;

/** `topics` global topics counted 10 in every pane of the first `seconds`: one row per topic and window end. */
function steadyTopics(topics: number, seconds: number): Map<string, ScopePanes> {
  const scope: ScopePanes = new Map();
  for (let t = 0; t < topics; t += 1) {
    const panes = new Map<number, number>();
    for (let pane = 0; pane < seconds * 1000; pane += 10_000) panes.set(pane, 10);
    scope.set(`t${t}`, new Map([[`t${t}`, panes]]));
  }
  return new Map([['', scope]]);
}

/** Ends every 10 s in `(after, upTo]`. */
function endsIn(after: number, upTo: number): number[] {
  const ends: number[] = [];
  for (let end = after + 10_000; end <= upTo; end += 10_000) ends.push(end);
  return ends;
}

function stepsOver(
  open: Map<string, ScopePanes>,
  ends: readonly number[],
  range: { after: number; upTo: number },
  budget: RowBudget,
) {
  const steps = new TrendingRowSteps({
    history: new TopicPaneHistory(),
    open,
    ends,
    range,
    settings,
    budget,
  });
  const taken: TrendingRow[][] = [...steps.steps()];
  return { taken, computedUpTo: steps.computedUpTo };
}

/** Window ends of each step's rows. */
function endsPerStep(taken: readonly TrendingRow[][]): number[][] {
  return taken.map((rows) => [...new Set(rows.map((r) => r.windowEnd))]);
}

const byKey = (a: TrendingRow, b: TrendingRow) =>
  a.windowEnd - b.windowEnd || (a.urlkey < b.urlkey ? -1 : 1);

describe('TrendingRowSteps', () => {
  it('computes the rows of exactly the ends given, as one computation of them would', () => {
    const open = steadyTopics(3, 600);
    const ends = [20_000, 30_000, 70_000, 200_000, 210_000, 590_000];
    const { taken } = stepsOver(
      open,
      ends,
      { after: 0, upTo: 600_000 },
      {
        rows: 1_000,
        endsPerStep: 30,
      },
    );
    const expected = trendingRows(
      new TopicPaneHistory(),
      open,
      { after: 0, upTo: 600_000, only: new Set(ends) },
      settings,
    );
    expect(taken.flat().sort(byKey)).toEqual([...expected].sort(byKey));
    expect(new Set(taken.flat().map((r) => r.windowEnd))).toEqual(new Set(ends));
  });

  it('starts with one end and doubles the step while the budget allows, up to the most per step', () => {
    const { taken } = stepsOver(
      steadyTopics(1, 600),
      endsIn(0, 400_000),
      { after: 0, upTo: 400_000 },
      {
        rows: 1_000,
        endsPerStep: 6,
      },
    );
    expect(endsPerStep(taken).map((ends) => ends.length)).toEqual([1, 2, 4, 6, 6, 6, 6, 6, 3]);
  });

  it('sizes a step to what the budget left is likely to hold, and stops once it is spent', () => {
    // Two rows per end: 2, then 4 (6 in all), then what 4 rows left hold: 2 ends.
    const { taken, computedUpTo } = stepsOver(
      steadyTopics(2, 600),
      endsIn(0, 400_000),
      { after: 0, upTo: 400_000 },
      { rows: 10, endsPerStep: 30 },
    );
    expect(endsPerStep(taken)).toEqual([[10_000], [20_000, 30_000], [40_000, 50_000]]);
    expect(taken.flat()).toHaveLength(10);
    expect(computedUpTo).toBe(50_000);
  });

  it('reports the whole range computed once every end is, the ends after the last one included', () => {
    const { computedUpTo } = stepsOver(
      steadyTopics(1, 60),
      [20_000, 30_000],
      {
        after: 10_000,
        upTo: 90_000,
      },
      { rows: 1_000, endsPerStep: 30 },
    );
    expect(computedUpTo).toBe(90_000);
  });

  it('computes nothing and reports the whole range when no end needs computing', () => {
    const { taken, computedUpTo } = stepsOver(
      steadyTopics(1, 60),
      [],
      { after: 10_000, upTo: 90_000 },
      {
        rows: 1_000,
        endsPerStep: 30,
      },
    );
    expect(taken).toEqual([]);
    expect(computedUpTo).toBe(90_000);
  });

  it('computes a step only when the iteration asks for it', () => {
    const steps = new TrendingRowSteps({
      history: new TopicPaneHistory(),
      open: steadyTopics(1, 600),
      ends: endsIn(0, 100_000),
      range: { after: 0, upTo: 100_000 },
      settings,
      budget: { rows: 1_000, endsPerStep: 30 },
    });
    const iteration = steps.steps();
    expect(steps.computedUpTo).toBe(0);
    iteration.next();
    expect(steps.computedUpTo).toBe(10_000);
    iteration.next();
    expect(steps.computedUpTo).toBe(30_000);
  });
});
