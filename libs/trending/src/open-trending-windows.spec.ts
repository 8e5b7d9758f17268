import { bucketStart } from '@meetup/windowing';
import { OpenTrendingWindows, type WindowsCycle } from './open-trending-windows';
import { TopicPaneHistory, type ScopePanes } from './topic-pane-history';
import type { RowBudget } from './trending-row-steps';
import { trendingRows, type TrendingRow } from './trending-rows';
import { SPEC_SETTINGS } from './spec-settings';

const base = {
  windowMs: SPEC_SETTINGS.windowMs,
  slideMs: SPEC_SETTINGS.slideMs,
  minSupport: SPEC_SETTINGS.minSupport,
  baselineWindows: SPEC_SETTINGS.baselineWindows,
};
const SLIDE = base.slideMs;
const LATENESS = 30_000;
const WIDE: RowBudget = { rows: 1_000_000, endsPerStep: 30 };

/** Every pane count of a stream: scope → urlkey → name → pane → count. */
class Stream {
  readonly panes = new Map<string, ScopePanes>();
  historyStart = Number.POSITIVE_INFINITY;

  add(scope: string, urlkey: string, name: string, time: number, count = 1): void {
    let topics = this.panes.get(scope);
    if (!topics)
      this.panes.set(scope, (topics = new Map<string, Map<string, Map<number, number>>>()));
    let names = topics.get(urlkey);
    if (!names) topics.set(urlkey, (names = new Map<string, Map<number, number>>()));
    let counts = names.get(name);
    if (!counts) names.set(name, (counts = new Map<number, number>()));
    const pane = bucketStart(time, SLIDE);
    counts.set(pane, (counts.get(pane) ?? 0) + count);
    this.historyStart = Math.min(this.historyStart, time);
  }

  /** The panes in `[from, to)`, copied (as one read from Elasticsearch). */
  read(from: number, to: number): Map<string, ScopePanes> {
    const read = new Map<string, ScopePanes>();
    for (const [scope, topics] of this.panes) {
      const scopeRead: ScopePanes = new Map();
      for (const [urlkey, names] of topics) {
        const topicRead = new Map<string, Map<number, number>>();
        for (const [name, counts] of names) {
          const kept = new Map([...counts].filter(([pane]) => pane >= from && pane < to));
          if (kept.size > 0) topicRead.set(name, kept);
        }
        if (topicRead.size > 0) scopeRead.set(urlkey, topicRead);
      }
      if (scopeRead.size > 0) read.set(scope, scopeRead);
    }
    return read;
  }
}

/** What a document holds, as the combiner writes it. */
const documentOf = (row: TrendingRow, closedBefore: number) =>
  JSON.stringify({ ...row, final: row.windowEnd <= closedBefore });
const idOf = (row: TrendingRow) => `${row.scope}|${row.windowEnd}|${row.urlkey}`;

/** Runs one cycle as the trending combiner does: read, complete, compute every step. */
function runCycle(windows: OpenTrendingWindows, stream: Stream, cycle: WindowsCycle) {
  const from = windows.readFrom(cycle.after);
  const open = stream.read(from, cycle.upTo);
  windows.complete(open, from, cycle.closedBefore, cycle.upTo);
  const steps = windows.rows(open, cycle);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/** A seeded generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A stream of records arriving up to LATENESS late, combined cycle after cycle;
 * after each cycle the documents written so far (the newest content per id) must
 * equal, for every window not final before the cycle, what computing every
 * window whole from every pane gives, final flags included.
 */
function checkAgainstWholeComputation(seed: number, budget: RowBudget): number {
  const next = random(seed);
  const stream = new Stream();
  const windows = new OpenTrendingWindows(base, budget);
  const written = new Map<string, string>();
  const topics = ['ai', 'go', 'js', 'ml', 'ux', 'db', 'ops', 'art'];
  let time = 1_000_000;
  let after = bucketStart(time, SLIDE);
  let cycles = 0;
  for (let round = 0; round < 60; round += 1) {
    time += Math.floor(next() * 25_000);
    for (let n = Math.floor(next() * 120); n > 0; n -= 1) {
      const urlkey = topics[Math.floor(next() ** 2 * topics.length)] ?? 'ai';
      const scope = next() < 0.5 ? '' : next() < 0.5 ? 'us' : 'gb';
      const name = next() < 0.9 ? urlkey : `${urlkey}-alias`;
      stream.add(scope, urlkey, name, time - Math.floor(next() * LATENESS));
    }
    const closedBefore = time - LATENESS;
    const cycle = {
      after,
      upTo: bucketStart(time, SLIDE),
      historyStart: stream.historyStart,
      closedBefore,
    };
    const { rows, upTo } = runCycle(windows, stream, cycle);
    for (const row of rows) written.set(idOf(row), documentOf(row, closedBefore));
    const whole = trendingRows(
      new TopicPaneHistory(),
      stream.read(0, upTo),
      { after, upTo },
      {
        ...base,
        historyStart: bucketStart(stream.historyStart, SLIDE),
      },
    );
    const expected = new Map(whole.map((row) => [idOf(row), documentOf(row, closedBefore)]));
    const got = new Map(
      [...written].filter(([id]) => {
        const end = Number(id.split('|')[1]);
        return end > after && end <= upTo;
      }),
    );
    expect(got).toEqual(expected);
    after = Math.max(after, Math.min(bucketStart(closedBefore, SLIDE), upTo));
    cycles += 1;
  }
  return cycles;
}

describe('OpenTrendingWindows', () => {
  it.each([1, 2, 3, 4, 5])(
    'writes what computing every window whole gives, cycle after cycle (seed %i)',
    (seed) => {
      expect(checkAgainstWholeComputation(seed, WIDE)).toBe(60);
    },
  );

  it.each([6, 7])(
    'stays exact when the row budget leaves windows for later cycles (seed %i)',
    (seed) => {
      expect(checkAgainstWholeComputation(seed, { rows: 20, endsPerStep: 2 })).toBe(60);
    },
  );

  it('recomputes only the topics whose counts changed', () => {
    const stream = new Stream();
    for (let pane = 0; pane < 60_000; pane += SLIDE) {
      for (const urlkey of ['a', 'b', 'c']) stream.add('', urlkey, urlkey, pane, 10);
    }
    const windows = new OpenTrendingWindows(base, WIDE);
    const cycle = { after: 0, upTo: 60_000, historyStart: 0, closedBefore: 0 };
    const first = runCycle(windows, stream, cycle);
    expect(new Set(first.rows.map((r) => r.urlkey))).toEqual(new Set(['a', 'b', 'c']));
    expect(runCycle(windows, stream, cycle).rows).toEqual([]);
    stream.add('', 'b', 'b', 45_000, 30);
    const again = runCycle(windows, stream, cycle);
    // The windows reading the changed pane are ranked again, each row of them rewritten.
    expect(new Set(again.rows.map((r) => r.windowEnd))).toEqual(new Set([50_000, 60_000]));
    expect(again.rows.find((r) => r.windowEnd === 60_000 && r.urlkey === 'b')).toMatchObject({
      count: 90,
      rank: 1,
    });
  });

  it('writes a window again, final, once it became final', () => {
    const stream = new Stream();
    for (let pane = 0; pane < 60_000; pane += SLIDE) stream.add('', 'a', 'a', pane, 10);
    const windows = new OpenTrendingWindows(base, WIDE);
    runCycle(windows, stream, { after: 0, upTo: 60_000, historyStart: 0, closedBefore: 0 });
    const { rows } = runCycle(windows, stream, {
      after: 0,
      upTo: 60_000,
      historyStart: 0,
      closedBefore: 35_000,
    });
    expect(rows.map((r) => r.windowEnd).sort((a, b) => a - b)).toEqual([10_000, 20_000, 30_000]);
  });

  it('computes every window again when the history start moved earlier: baselines grow', () => {
    const stream = new Stream();
    for (let pane = 100_000; pane < 160_000; pane += SLIDE) stream.add('', 'a', 'a', pane, 10);
    const windows = new OpenTrendingWindows(base, WIDE);
    const cycle = (historyStart: number) => ({
      after: 100_000,
      upTo: 160_000,
      historyStart,
      closedBefore: 0,
    });
    const first = runCycle(windows, stream, cycle(100_000)).rows;
    // No known past: no baseline, no claim of a trend.
    expect(first.find((r) => r.windowEnd === 160_000)).toMatchObject({ count: 60, score: 0 });
    // A record from before the first one arrives in time: the hour before it now counts.
    stream.add('us', 'z', 'z', 40_000);
    const { rows } = runCycle(windows, stream, cycle(40_000));
    // The window before it held nothing: 'a' went from 0 to 60.
    expect(rows.find((r) => r.windowEnd === 160_000 && r.urlkey === 'a')).toMatchObject({
      count: 60,
      baselineMean: 0,
      score: 60,
    });
  });

  it('drops a row whose count fell under the minimum support, and ranks the rest again', () => {
    const stream = new Stream();
    stream.add('', 'a', 'a', 0, 10);
    stream.add('', 'b', 'b', 0, 20);
    const windows = new OpenTrendingWindows(base, WIDE);
    const cycle = { after: 0, upTo: 10_000, historyStart: 0, closedBefore: 0 };
    runCycle(windows, stream, cycle);
    // An answer changed to "no": the topic's pane count went down.
    stream.add('', 'b', 'b', 0, -18);
    const { rows } = runCycle(windows, stream, cycle);
    expect(rows).toEqual([expect.objectContaining({ urlkey: 'a', windowEnd: 10_000, rank: 1 })]);
  });
});
