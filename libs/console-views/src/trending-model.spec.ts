import { TrendingModel, type TrendingDoc } from './trending-model';

const END = Date.UTC(2024, 0, 1, 12, 0);

function row(
  offsetSlides: number,
  urlkey: string,
  count: number,
  rank: number,
  country?: string,
): TrendingDoc {
  return {
    window_end: new Date(END + offsetSlides * 10_000).toISOString(),
    topic_urlkey: urlkey,
    topic_name: urlkey.toUpperCase(),
    count,
    score: count / 3,
    baseline_mean: 3,
    baseline_stddev: 1,
    ratio: count / 3,
    rank,
    final: offsetSlides < 0,
    updated_at: new Date().toISOString(),
    ...(country ? { country, country_name: `Country ${country}` } : {}),
  };
}

describe('TrendingModel', () => {
  it('lists the newest window in rank order, each topic with its counts over the recent windows', () => {
    const model = new TrendingModel({ topics: 2, sparkWindows: 4, slideMs: 10_000 });
    model.apply([
      row(-2, 'rust', 6, 1),
      row(0, 'rust', 9, 2),
      row(0, 'go', 12, 1),
      row(0, 'java', 7, 3),
    ]);
    const view = model.view(undefined);
    expect(view.sparkWindowEnds).toEqual([END - 30_000, END - 20_000, END - 10_000, END]);
    expect(view.global.windowEnd).toBe(END);
    expect(view.global.topics.map((t) => [t.urlkey, t.spark])).toEqual([
      ['go', [0, 0, 0, 12]],
      ['rust', [0, 6, 0, 9]],
    ]);
    expect(view.global.topics[0]).toMatchObject({
      name: 'GO',
      count: 12,
      baselineMean: 3,
      ratio: 4,
      score: 4,
    });
    expect(view.country).toBeUndefined();
  });

  it('gives a chosen country its own list, empty while it has none', () => {
    const model = new TrendingModel({ topics: 5, sparkWindows: 3, slideMs: 10_000 });
    model.apply([row(0, 'go', 12, 1), row(-1, 'surf', 8, 1, 'au')]);
    expect(model.view('au').country).toMatchObject({
      code: 'au',
      name: 'Country au',
      windowEnd: END - 10_000,
      topics: [expect.objectContaining({ urlkey: 'surf', spark: [0, 8, 0] })],
    });
    expect(model.view('nz').country).toEqual({
      code: 'nz',
      name: 'NZ',
      windowEnd: undefined,
      final: false,
      topics: [],
    });
  });

  it('tells whether a round changed anything, so unchanged rows push nothing', () => {
    const model = new TrendingModel({ topics: 5, sparkWindows: 3, slideMs: 10_000 });
    expect(model.apply([row(0, 'go', 12, 1)])).toBe(true);
    expect(model.apply([row(0, 'go', 12, 1)])).toBe(false);
    expect(model.apply([{ ...row(0, 'go', 12, 1), final: true }])).toBe(true);
  });

  it('drops windows far behind the newest', () => {
    const model = new TrendingModel({ topics: 5, sparkWindows: 3, slideMs: 10_000 });
    model.apply([row(0, 'go', 12, 1), row(1, 'go', 13, 1)]);
    model.apply([row(100, 'go', 14, 1)]);
    expect(model.view(undefined).global.topics[0]?.spark).toEqual([0, 0, 14]);
    expect(model.streamTime).toBe(END + 100 * 10_000);
  });
});
