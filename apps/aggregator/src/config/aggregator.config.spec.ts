import { loadAggregatorConfig } from './aggregator.config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', ES_URL: 'http://127.0.0.1:9200' };

describe('loadAggregatorConfig', () => {
  it('uses the contract topic names and DESIGN.md windows by default', () => {
    const config = loadAggregatorConfig(base);
    expect(config.routing.rsvpTopic).toBe('meetup.rsvps');
    expect(config.routing.dlqTopic).toBe('meetup.rsvps.dlq');
    expect(config.windows).toMatchObject({
      countryBucketMs: 60_000,
      trendingWindowMs: 300_000,
      trendingSlideMs: 10_000,
      trendingMinSupport: 5,
      allowedLatenessMs: 120_000,
    });
  });

  it('names every bad variable', () => {
    expect(() =>
      loadAggregatorConfig({
        ...base,
        INDEX_PREFIX: 'Upper',
        AGGREGATOR_OUTPUTS: 'some',
        TRENDING_SLIDE_MS: '7000',
      }),
    ).toThrow(/INDEX_PREFIX.*AGGREGATOR_OUTPUTS/);
    expect(() => loadAggregatorConfig({ ...base, TRENDING_SLIDE_MS: '7000' })).toThrow(
      /TRENDING_WINDOW_MS/,
    );
  });

  it('lets the event time of a stream quiet for 30 s run on by default, and never with 0', () => {
    expect(loadAggregatorConfig(base).windows.streamIdleMs).toBe(30_000);
    expect(loadAggregatorConfig({ ...base, STREAM_IDLE_MS: '0' }).windows.streamIdleMs).toBe(0);
    expect(() => loadAggregatorConfig({ ...base, STREAM_IDLE_MS: '-1' })).toThrow(/STREAM_IDLE_MS/);
  });

  it('keeps two hours of partials by default and refuses a retention shorter than the baseline reads', () => {
    expect(loadAggregatorConfig(base).windows.partialsRetentionMs).toBe(7_200_000);
    expect(loadAggregatorConfig(base).pipeline.combineIntervalMs).toBe(500);
    expect(() => loadAggregatorConfig({ ...base, PARTIALS_RETENTION_MS: '3600000' })).toThrow(
      /PARTIALS_RETENTION_MS: must be at least 4030000/,
    );
  });

  it('refuses a deduplication horizon shorter than the allowed lateness, which would count a late resend twice', () => {
    expect(() =>
      loadAggregatorConfig({ ...base, ALLOWED_LATENESS_MS: '120000', DEDUP_HORIZON_MS: '60000' }),
    ).toThrow(/DEDUP_HORIZON_MS: must be at least ALLOWED_LATENESS_MS \(120000\)/);
    expect(
      loadAggregatorConfig({ ...base, ALLOWED_LATENESS_MS: '120000', DEDUP_HORIZON_MS: '120000' })
        .windows.dedupHorizonMs,
    ).toBe(120_000);
  });

  it('names every window setting that conflicts, not only the first', () => {
    let message = '';
    try {
      loadAggregatorConfig({
        ...base,
        TRENDING_WINDOW_MS: '25000',
        PARTIALS_RETENTION_MS: '1000',
        DEDUP_HORIZON_MS: '1000',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/TRENDING_WINDOW_MS: must be a multiple of TRENDING_SLIDE_MS/);
    expect(message).toMatch(/PARTIALS_RETENTION_MS: must be at least/);
    expect(message).toMatch(/DEDUP_HORIZON_MS: must be at least ALLOWED_LATENESS_MS/);
  });
});
