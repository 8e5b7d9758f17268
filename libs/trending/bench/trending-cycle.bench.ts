/**
 * Trending combine cost per cycle (#15), pure, no engines: the recorded RSVPs' topics
 * (global and per country) at RATE RSVPs/s, one cycle a second, records up to LATE_MS late
 * (most within a second or two), with the defaults (5 min windows sliding by 10 s, 12
 * baseline windows, 120 s lateness) after an hour of history. Compares, on the same panes,
 * computing every open window whole (what a cycle did when a late record marked every open
 * window changed) with `OpenTrendingWindows` (only the topics whose counts changed); prints
 * ms per cycle (median, max) and rows per cycle. Asserts nothing.
 * Run: `BENCH=trending-cycle tools/bench.sh`; BENCH_RATE (2000), BENCH_CYCLES (30).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bucketStart } from '@meetup/windowing';
import { OpenTrendingWindows } from '../src/open-trending-windows';
import type { ScopePanes } from '../src/topic-pane-history';
import { TopicPaneHistory } from '../src/topic-pane-history';
import { trendingRows } from '../src/trending-rows';

const DATA_DIR = resolve(__dirname, '../../../../shared/data');
const RATE = Number(process.env.BENCH_RATE ?? 2000);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 30);
const SETTINGS = { windowMs: 300_000, slideMs: 10_000, minSupport: 5, baselineWindows: 12 };
const LATENESS = 120_000;
const LATE_MS = 60_000;
const HISTORY_MS = 65 * 60_000;

interface Template {
  country: string;
  topics: [string, string][];
}

function templates(): Template[] {
  return readdirSync(DATA_DIR)
    .filter((name) => name.endsWith('.ndjson'))
    .flatMap((name) => readFileSync(resolve(DATA_DIR, name), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map(
      (line) =>
        JSON.parse(line) as {
          group: { group_country: string; group_topics: { urlkey: string; topic_name: string }[] };
        },
    )
    .map(({ group }) => ({
      country: group.group_country,
      topics: group.group_topics.map((t): [string, string] => [t.urlkey, t.topic_name]),
    }));
}

/** A seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Panes {
  readonly scopes = new Map<string, ScopePanes>();

  add(scope: string, urlkey: string, name: string, pane: number, count: number): void {
    let topics = this.scopes.get(scope);
    if (!topics)
      this.scopes.set(scope, (topics = new Map<string, Map<string, Map<number, number>>>()));
    let names = topics.get(urlkey);
    if (!names) topics.set(urlkey, (names = new Map<string, Map<number, number>>()));
    let counts = names.get(name);
    if (!counts) names.set(name, (counts = new Map<number, number>()));
    counts.set(pane, (counts.get(pane) ?? 0) + count);
  }

  /** The panes in `[from, to)`, copied as a read from Elasticsearch would give them. */
  read(from: number, to: number): Map<string, ScopePanes> {
    const read = new Map<string, ScopePanes>();
    for (const [scope, topics] of this.scopes) {
      const scopeRead: ScopePanes = new Map();
      for (const [urlkey, names] of topics) {
        const topicRead = new Map<string, Map<number, number>>();
        for (const [name, counts] of names) {
          const kept = new Map<number, number>();
          for (const [pane, count] of counts) if (pane >= from && pane < to) kept.set(pane, count);
          if (kept.size > 0) topicRead.set(name, kept);
        }
        if (topicRead.size > 0) scopeRead.set(urlkey, topicRead);
      }
      if (scopeRead.size > 0) read.set(scope, scopeRead);
    }
    return read;
  }
}

function addRsvp(panes: Panes, template: Template, time: number): void {
  const pane = bucketStart(time, SETTINGS.slideMs);
  for (const [urlkey, name] of template.topics) {
    panes.add('', urlkey, name, pane, 1);
    panes.add(template.country, urlkey, name, pane, 1);
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

function main(): void {
  const all = templates();
  const next = random(15);
  const pick = (): Template => all[Math.floor(next() * all.length)] ?? { country: '', topics: [] };
  const panes = new Panes();
  const start = 1_700_000_000_000;
  // The history: every pane of the hour before the stream time, RATE per second.
  let now = start + HISTORY_MS;
  for (let second = start; second < now; second += 1000) {
    for (let n = 0; n < RATE; n += 1) addRsvp(panes, pick(), second + next() * 1000);
  }
  const windows = new OpenTrendingWindows(SETTINGS, {
    rows: Number.POSITIVE_INFINITY,
    endsPerStep: 30,
  });
  const wholeHistory = new TopicPaneHistory();
  const whole: number[] = [];
  const incremental: number[] = [];
  const rowsWritten: number[] = [];
  let wholeRows = 0;
  for (let cycle = 0; cycle < CYCLES + 1; cycle += 1) {
    now += 1000;
    for (let n = 0; n < RATE; n += 1) {
      // Most records arrive within a second or two; one in fifty up to LATE_MS late.
      const late = next() < 0.02 ? next() * LATE_MS : next() * 2000;
      addRsvp(panes, pick(), now - late);
    }
    const closedBefore = now - LATE_MS - LATENESS;
    const upTo = bucketStart(now, SETTINGS.slideMs);
    const after = bucketStart(closedBefore, SETTINGS.slideMs);
    const cycleRange = { after, upTo, historyStart: start, closedBefore };
    const from = windows.readFrom(after);
    const open = panes.read(from, upTo);
    let began = performance.now();
    windows.complete(open, from, closedBefore, upTo);
    const steps = windows.rows(open, cycleRange);
    let step = steps.next();
    while (!step.done) step = steps.next();
    const incrementalMs = performance.now() - began;
    began = performance.now();
    // The same history, kept between cycles as the combiner keeps it.
    wholeHistory.dropBefore(from);
    wholeHistory.complete(open, from, Math.min(bucketStart(closedBefore, SETTINGS.slideMs), upTo));
    const reference = trendingRows(
      wholeHistory,
      open,
      { after, upTo },
      { ...SETTINGS, historyStart: start },
    );
    const wholeMs = performance.now() - began;
    // The first cycle computes every window whole in both: it is the start-up, not a cycle.
    if (cycle === 0) continue;
    incremental.push(incrementalMs);
    whole.push(wholeMs);
    rowsWritten.push(step.value.rows.length);
    wholeRows = reference.length;
  }
  console.log(
    JSON.stringify({
      rate: RATE,
      cycles: CYCLES,
      templates: all.length,
      wholeMs: { median: Math.round(median(whole)), max: Math.round(Math.max(...whole)) },
      incrementalMs: {
        median: Math.round(median(incremental)),
        max: Math.round(Math.max(...incremental)),
      },
      rowsPerCycle: { whole: wholeRows, incrementalMedian: median(rowsWritten) },
    }),
  );
}

main();
