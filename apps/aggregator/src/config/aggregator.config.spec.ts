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

  it('keeps two hours of activity by default and refuses a retention shorter than the baseline reads', () => {
    expect(loadAggregatorConfig(base).windows.activityRetentionMs).toBe(7_200_000);
    expect(loadAggregatorConfig(base).pipeline.combineIntervalMs).toBe(500);
    expect(() => loadAggregatorConfig({ ...base, ACTIVITY_RETENTION_MS: '3600000' })).toThrow(
      /ACTIVITY_RETENTION_MS: must be at least 4030000/,
    );
  });
});
