import { loadConsoleConfig } from './console.config';

const base = { KAFKA_BROKERS: '127.0.0.1:9092', ES_URL: 'http://127.0.0.1:9200' };

describe('loadConsoleConfig', () => {
  it('polls changes every 250 ms, the slow views every 5 s, and reloads all every minute by default', () => {
    const { feed, http } = loadConsoleConfig(base);
    expect(http.port).toBe(8086);
    expect(feed).toMatchObject({
      rsvpTopic: 'meetup.rsvps',
      dlqTopic: 'meetup.rsvps.dlq',
      pollIntervalMs: 250,
      alertsPollIntervalMs: 1_000,
      slowPollIntervalMs: 5_000,
      resyncIntervalMs: 60_000,
      topics: 15,
      sparkWindows: 30,
      trendingSlideMs: 10_000,
      maxClients: 1_000,
    });
  });

  it('refuses intervals short enough to hammer Elasticsearch and sizes past their bounds', () => {
    expect(() => loadConsoleConfig({ ...base, CONSOLE_POLL_INTERVAL_MS: '10' })).toThrow(
      /CONSOLE_POLL_INTERVAL_MS: must be at least 50/,
    );
    expect(() =>
      loadConsoleConfig({ ...base, CONSOLE_TOPICS: '101', CONSOLE_SPARK_WINDOWS: '361' }),
    ).toThrow(/CONSOLE_TOPICS: must be at most 100.*CONSOLE_SPARK_WINDOWS: must be at most 360/);
  });
});
