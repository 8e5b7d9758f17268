import { TrendingRowCache } from './trending-row-cache';
import type { UnrankedRow } from './trending-rows';

const row = (scope: string, windowEnd: number, urlkey: string, score: number): UnrankedRow => ({
  scope,
  windowEnd,
  urlkey,
  name: urlkey,
  count: 10,
  score,
  baselineMean: 0,
  baselineStddev: 0,
  ratio: 1,
});

const ranks = (rows: { scope: string; windowEnd: number; urlkey: string; rank: number }[]) =>
  rows.map((r) => `${r.scope}|${r.windowEnd}|${r.urlkey}#${r.rank}`).sort();

describe('TrendingRowCache', () => {
  it('returns a window replaced whole once, ranked per scope', () => {
    const cache = new TrendingRowCache();
    cache.replaceEnd(10, [row('', 10, 'a', 1), row('', 10, 'b', 2), row('gb', 10, 'a', 1)]);
    expect(ranks(cache.takeTouched())).toEqual(['gb|10|a#1', '|10|a#2', '|10|b#1'].sort());
    expect(cache.takeTouched()).toEqual([]);
  });

  it('re-ranks only the scope of a window where one topic changed, every row of it', () => {
    const cache = new TrendingRowCache();
    cache.replaceEnd(10, [row('', 10, 'a', 1), row('', 10, 'b', 2), row('gb', 10, 'a', 1)]);
    cache.takeTouched();
    cache.replaceTopic('', 'a', [10], [row('', 10, 'a', 5)]);
    expect(ranks(cache.takeTouched())).toEqual(['|10|a#1', '|10|b#2']);
  });

  it('removes a topic without a row any more, and touches nothing when there was none', () => {
    const cache = new TrendingRowCache();
    cache.replaceEnd(10, [row('', 10, 'a', 1), row('', 10, 'b', 2)]);
    cache.takeTouched();
    cache.replaceTopic('', 'c', [10], []);
    expect(cache.takeTouched()).toEqual([]);
    cache.replaceTopic('', 'b', [10], []);
    expect(ranks(cache.takeTouched())).toEqual(['|10|a#1']);
  });

  it('holds a topic new to a window whose other rows were none', () => {
    const cache = new TrendingRowCache();
    cache.replaceTopic('us', 'a', [10, 20], [row('us', 20, 'a', 1)]);
    expect(ranks(cache.takeTouched())).toEqual(['us|20|a#1']);
  });

  it('writes every scope of a window again when it is touched whole (it became final)', () => {
    const cache = new TrendingRowCache();
    cache.replaceEnd(10, [row('', 10, 'a', 1), row('gb', 10, 'a', 1)]);
    cache.takeTouched();
    cache.touchEnd(10);
    expect(ranks(cache.takeTouched())).toEqual(['gb|10|a#1', '|10|a#1'].sort());
  });

  it('forgets the windows outside the range it is told to keep', () => {
    const cache = new TrendingRowCache();
    for (const end of [10, 20, 30]) cache.replaceEnd(end, [row('', end, 'a', 1)]);
    cache.keepOnly(10, 20);
    expect(cache.heldEnds()).toEqual([20]);
    expect(ranks(cache.takeTouched())).toEqual(['|20|a#1']);
  });
});
