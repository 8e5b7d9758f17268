import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import type { BatchView, LiveEventName } from '@meetup/console-views';
import { createLogger, Registry } from '@meetup/observability';
import type { FeedConfig } from '../config/console.config';
import { ConsoleMetrics } from '../console.metrics';
import type { AnalyticsReader } from './analytics-reader';
import { LiveFeed } from './live-feed';
import type { OffsetsSample, PipelineOffsets } from './pipeline-health';

const NEWEST = Date.UTC(2024, 4, 3, 12);

const emptyBatch: BatchView = {
  groups: { responses: [], yes: [], no: [], attendees: [] },
  events: { responses: [], yes: [], no: [], attendees: [] },
  lastRunAt: undefined,
};

/**
 * The reads LiveFeed makes of AnalyticsReader, recorded; each answers an empty page whose
 * cursor is what the real reader returns then: the newest `updated_at` read, never less
 * than the `since` asked.
 */
class Reader {
  readonly indices = { byCountry: 'by_country', globalTrending: 'global_trending' };
  readonly reads: string[] = [];
  /** The `since` of every incremental by-country read. */
  readonly byCountrySince: number[] = [];
  newestAt: number | undefined = NEWEST;
  /** The newest `updated_at` the indices hold. */
  newestStamp = 10_000;
  alertRows: unknown[] = [];
  failing = false;

  private read(name: string): Promise<void> {
    this.reads.push(name);
    return this.failing ? Promise.reject(new Error('no living connections')) : Promise.resolve();
  }

  async newest(index: string): Promise<number | undefined> {
    await this.read(`newest ${index}`);
    return this.newestAt;
  }

  async byCountry(filter: { since: number } | { from: number }) {
    await this.read(`byCountry ${'since' in filter ? 'since' : 'from'}`);
    if ('since' in filter) this.byCountrySince.push(filter.since);
    return { docs: [], cursor: this.cursorAfter(filter) };
  }

  async trending(scope: string, filter: { since: number } | { from: number }) {
    await this.read(`trending ${scope} ${'since' in filter ? 'since' : 'from'}`);
    return { docs: [], cursor: this.cursorAfter(filter) };
  }

  private cursorAfter(filter: { since: number } | { from: number }): number {
    return 'since' in filter ? Math.max(filter.since, this.newestStamp) : this.newestStamp;
  }

  async alerts() {
    await this.read('alerts');
    return this.alertRows;
  }

  async batch() {
    await this.read('batch');
    return emptyBatch;
  }
}

/** End offsets that grow by 100 records a sample, until `failure` is set. */
class Offsets {
  failure: Error | undefined;
  private rsvpEnd = 0;

  sample(): Promise<OffsetsSample> {
    if (this.failure) return Promise.reject(this.failure);
    this.rsvpEnd += 100;
    return Promise.resolve({ at: Date.now(), rsvpEnd: this.rsvpEnd, dlqEnd: 0, lag: 4 });
  }
}

const config = {
  pollIntervalMs: 10,
  changeOverlapMs: 2_000,
  alertsPollIntervalMs: 10,
  slowPollIntervalMs: 10,
  resyncIntervalMs: 60_000,
  topics: 15,
  sparkWindows: 30,
  trendingSlideMs: 10_000,
} as FeedConfig;

function setUp(overrides: Partial<FeedConfig> = {}) {
  const reader = new Reader();
  const offsets = new Offsets();
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger(
    { serviceName: 'console', level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  const feed = new LiveFeed(
    { ...config, ...overrides },
    reader as unknown as AnalyticsReader,
    offsets as unknown as PipelineOffsets,
    new ConsoleMetrics(new Registry()),
    logger,
  );
  const changes: LiveEventName[][] = [];
  feed.onChange((changed) => changes.push([...changed]));
  return { feed, reader, offsets, logs, changes };
}

const changedViews = (changes: LiveEventName[][]) => new Set(changes.flat());

/** Waits until the feed's loops (10 ms apart, real time) have brought about a condition. */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

const health = (feed: LiveFeed) => feed.snapshot({ range: '1h', country: undefined }).health;

describe('LiveFeed', () => {
  let running: LiveFeed | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('loads the models in full first, then reads only what changed since its cursors', async () => {
    const { feed, reader } = setUp();
    running = feed;
    const liveReads = () => reader.reads.filter((r) => !['alerts', 'batch'].includes(r));
    feed.start();
    await until(() => liveReads().length >= 8);
    const live = liveReads();
    expect(live.slice(0, 5).sort()).toEqual([
      'byCountry from',
      'newest by_country',
      'newest global_trending',
      'trending country from',
      'trending global from',
    ]);
    const later = live.slice(5);
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((r) => r.endsWith(' since'))).toBe(true);
  });

  it('reads each change again from an overlap before its cursor, as a write becomes searchable after its stamp', async () => {
    const { feed, reader } = setUp({ changeOverlapMs: 2_000 });
    running = feed;
    feed.start();
    await until(() => reader.byCountrySince.length >= 5);
    // A document stamped 9,000 but searchable only after 10,000 was read is still found,
    // and reads that find nothing new keep the cursor where it was (no drift backwards).
    expect(new Set(reader.byCountrySince)).toEqual(new Set([8_000]));
    reader.newestStamp = 15_000;
    const asked = reader.byCountrySince.length;
    await until(() => reader.byCountrySince.length >= asked + 5);
    expect(reader.byCountrySince.at(-1)).toBe(13_000);
  });

  it('loads in full again once the resync interval has passed', async () => {
    const { feed, reader } = setUp({ resyncIntervalMs: 200 });
    running = feed;
    const started = Date.now();
    feed.start();
    await until(() => reader.reads.filter((r) => r === 'byCountry from').length >= 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(reader.reads).toContain('byCountry since');
  });

  it('announces every view that changed, with a new version each time', async () => {
    const { feed, reader, changes } = setUp();
    running = feed;
    const versions: number[] = [];
    feed.onChange((_changed, version) => versions.push(version));
    const before = feed.currentVersion;
    feed.start();
    await until(() => changedViews(changes).size >= 3);
    await sleep(30);
    expect(changedViews(changes)).toEqual(new Set(['responses', 'trending', 'health']));
    reader.alertRows = [{ rule_id: 'hot', group: 'de', status: 'firing' }];
    await until(() => changedViews(changes).has('alerts'));
    expect(versions[0]).toBe(before + 1);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('serialises a view once per version, and again after a change', async () => {
    const { feed, reader } = setUp();
    running = feed;
    const query = { range: '1h' as const, country: undefined };
    const first = feed.render('alerts', query);
    expect(feed.render('alerts', query)).toBe(first);
    feed.start();
    reader.alertRows = [{ rule_id: 'hot' }];
    await until(() => feed.render('alerts', query) !== first);
    expect(JSON.parse(feed.render('alerts', query))).toEqual({ alerts: [{ rule_id: 'hot' }] });
  });

  it('shows Elasticsearch down while its reads fail, logs that once, and up again when they work', async () => {
    const { feed, reader, logs } = setUp();
    running = feed;
    feed.start();
    await until(() => health(feed).elasticsearch === 'up');
    reader.failing = true;
    await until(() => health(feed).elasticsearch === 'down');
    await sleep(50);
    const warnings = logs.filter((l) => l.msg === 'console reads fail; retrying');
    expect(warnings.length).toBeLessThanOrEqual(3); // once per loop (live, alerts, slow)
    reader.failing = false;
    await until(() => health(feed).elasticsearch === 'up');
    await until(() => logs.some((l) => l.msg === 'console reads work again'));
    expect(logs.some((l) => l.msg === 'console reads work again')).toBe(true);
  });

  it('shows Kafka down and no rates while its offsets cannot be read', async () => {
    const { feed, offsets } = setUp();
    running = feed;
    feed.start();
    await until(() => (health(feed).ingestPerSecond ?? 0) > 0);
    expect(health(feed)).toMatchObject({ kafka: 'up', consumerLag: 4 });
    offsets.failure = new Error('broker down');
    await until(() => health(feed).kafka === 'down');
    expect(health(feed)).toMatchObject({
      kafka: 'down',
      ingestPerSecond: undefined,
      consumerLag: undefined,
    });
  });

  it('announces no responses or trending while the indices hold nothing, and keeps looking', async () => {
    const { feed, reader, changes } = setUp({ resyncIntervalMs: 1_000 });
    running = feed;
    reader.newestAt = undefined;
    feed.start();
    await until(() => reader.reads.filter((r) => r === 'newest by_country').length >= 3);
    // Nothing held, nothing found: responses and trending never announced.
    expect(changedViews(changes).has('responses')).toBe(false);
    expect(reader.reads).not.toContain('byCountry from');
  });
});
