/**
 * The console's server against the real engines: what a page receives on its live channel,
 * what it may ask, and that one query loop serves any number of pages.
 */
import { readFileSync } from 'node:fs';
import type { LiveSnapshot, ResponsesView, TrendingView } from '@meetup/console-views';
import {
  runToCompletion,
  startService,
  testElasticsearch,
  testEngines,
  testKafka,
  uniqueName,
  waitFor,
  type ServiceProcess,
} from '@meetup/test-support';
import { AnalyticsDocs } from './support/analytics-docs';
import { SseClient } from './support/sse-client';

const BUCKET = Date.UTC(2024, 0, 1, 12, 0);

describe('the console server', () => {
  const name = uniqueName('console');
  const prefix = `${name}-`;
  const topics = {
    RSVP_TOPIC: `${name}-rsvps`,
    DLQ_TOPIC: `${name}-dlq`,
    CHECKPOINT_TOPIC: `${name}-checkpoints`,
  };
  const engines = {
    KAFKA_BROKERS: testEngines().kafkaBrokers.join(','),
    ES_URL: testEngines().elasticsearchUrl,
  };
  const es = testElasticsearch();
  const docs = new AnalyticsDocs(es, prefix);
  const clients: SseClient[] = [];
  let console_: ServiceProcess;
  const url = (path: string) => `${console_.baseUrl}${path}`;
  const snapshot = async (query = '') =>
    (await fetch(url(`/api/snapshot${query}`)).then((r) => r.json())) as LiveSnapshot;
  const open = async (query = '', headers: Record<string, string> = {}) => {
    const client = await SseClient.open(url(`/api/live${query}`), headers);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const bootstrap = await runToCompletion('bootstrap', {
      ...engines,
      ...topics,
      INDEX_PREFIX: prefix,
      KAFKA_TOPICS_CREATE: 'true',
      RSVP_TOPIC_PARTITIONS: '2',
    });
    if (bootstrap.code !== 0)
      throw new Error(`bootstrap exited ${bootstrap.code}:\n${bootstrap.output}`);
    console_ = await startService('console', {
      ...engines,
      RSVP_TOPIC: topics.RSVP_TOPIC,
      DLQ_TOPIC: topics.DLQ_TOPIC,
      AGGREGATOR_CONSUMER_GROUP: `${name}-aggregator`,
      INDEX_PREFIX: prefix,
      CONSOLE_SLOW_POLL_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
    });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });

  afterAll(async () => {
    await console_.stop();
    await es.close();
  });

  it('says "waiting for data" (no range, no rows) while the indices are empty, not an error', async () => {
    await waitFor(
      async () => (await snapshot()).health.elasticsearch === 'up',
      'the first round of reads',
      20_000,
    );
    const empty = await snapshot();
    // JSON has no undefined: the page reads a missing `to` as "waiting for data".
    expect(empty.responses).not.toHaveProperty('to');
    expect(empty.responses).toMatchObject({ countries: [], series: [] });
    expect(empty.trending.global).toEqual({ windowEnd: undefined, final: false, topics: [] });
    expect(empty.alerts.alerts).toEqual([]);
    expect(empty.batch.lastRunAt).toBeUndefined();
  });

  it('refuses bad parameters and reconnect ids with 400 naming the problem', async () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['/api/live?range=7d', {}, /range must be one of 15m, 1h, 24h/],
      ['/api/snapshot?range=', {}, /range must be one of/],
      ['/api/live?country=zz', {}, /country must be a lowercase ISO 3166-1 alpha-2 code/],
      ['/api/live?country=US', {}, /country must be/],
      ['/api/live?country=de&country=fr', {}, /country must be/],
      ['/api/snapshot?index=meetup_rsvps', {}, /unknown parameter "index"/],
      ['/api/live', { 'Last-Event-ID': 'abc' }, /Last-Event-ID must be the decimal id/],
      ['/api/live', { 'Last-Event-ID': '1'.repeat(40) }, /Last-Event-ID must be/],
    ];
    for (const [path, headers, message] of cases) {
      const response = await fetch(url(path), { headers });
      const body = (await response.json()) as { error: string; message: string };
      expect({ path, status: response.status, error: body.error }).toEqual({
        path,
        status: 400,
        error: 'bad_request',
      });
      expect(body.message).toMatch(message);
    }
  });

  it('answers every path with a strict Content-Security-Policy, the page, API, errors and probes alike', async () => {
    for (const path of [
      '/',
      '/api/snapshot',
      '/api/live?range=1y',
      '/health/ready',
      '/metrics',
      '/no-such-page',
    ]) {
      const response = await fetch(url(path));
      await response.body?.cancel();
      const csp = response.headers.get('content-security-policy') ?? '';
      expect({ path, csp }).toEqual({
        path,
        csp: expect.stringContaining("default-src 'self'") as string,
      });
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const page = await fetch(url('/'));
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<script type="module" src="[^"]+\.js"><\/script>/);
  });

  it('pushes a value that became searchable in by-country to every one of 50 open pages', async () => {
    const pages = await Promise.all(Array.from({ length: 50 }, () => open('?range=15m')));
    expect(pages.map((p) => p.status)).toEqual(Array(50).fill(200));
    // Every page first receives every view.
    for (const page of pages) {
      for (const view of ['responses', 'trending', 'batch', 'alerts', 'health']) {
        await page.waitFor((e) => e.event === view, 5_000, view);
      }
    }
    await docs.byCountry({
      bucketStart: BUCKET,
      country: 'nz',
      countryName: 'New Zealand',
      response: 'yes',
      responses: 17,
      attendees: 21,
    });
    const searchable = Date.now();
    const hasNz = (data: string) => {
      const view = JSON.parse(data) as ResponsesView;
      return view.countries.some((c) => c.country === 'nz' && c.yes === 17 && c.attendees === 21);
    };
    const arrivals = await Promise.all(
      pages.map((page) =>
        page.waitFor((e) => e.event === 'responses' && hasNz(e.data), 10_000, 'with nz'),
      ),
    );
    const delays = arrivals.map((e) => e.at - searchable).sort((a, b) => a - b);
    console.info(`searchable → 50 pages: p50 ${delays[24]} ms, max ${delays[49]} ms`);
    const ids = new Set(arrivals.map((e) => e.id));
    expect(ids.size).toBe(1);
  });

  it('reads Elasticsearch at the same rate with 50 open pages as with one', async () => {
    const queryTotal = async () => {
      const stats = await es.indices.stats({ index: `${prefix}*`, metric: 'search' });
      return stats._all.total?.search?.query_total ?? 0;
    };
    /** CPU seconds the console's process used so far (utime + stime, in clock ticks of 10 ms). */
    const cpuSeconds = () => {
      const fields =
        readFileSync(`/proc/${console_.process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    };
    const readsIn = async (ms: number) => {
      const [before, cpuBefore] = [await queryTotal(), cpuSeconds()];
      await new Promise((resolve) => setTimeout(resolve, ms));
      return {
        queries: (await queryTotal()) - before,
        cpu: (cpuSeconds() - cpuBefore) / (ms / 1000),
      };
    };
    await open();
    const withOne = await readsIn(4_000);
    await Promise.all(Array.from({ length: 49 }, () => open()));
    const withFifty = await readsIn(4_000);
    console.info(
      `in 4 s: ${withOne.queries} Elasticsearch queries and ${(withOne.cpu * 100).toFixed(1)} % CPU with 1 page, ` +
        `${withFifty.queries} and ${(withFifty.cpu * 100).toFixed(1)} % with 50`,
    );
    expect(withOne.queries).toBeGreaterThan(0);
    // The loop's cadence, not the pages, sets the rate; a little slack for a slow round.
    expect(withFifty.queries).toBeLessThanOrEqual(Math.ceil(withOne.queries * 1.3) + 4);
  });

  it('shows why a topic trends, with its sparkline, globally and for the chosen country', async () => {
    for (let i = 0; i < 3; i++) {
      await docs.trending({
        windowEnd: BUCKET + i * 10_000,
        urlkey: 'rust',
        name: 'Rust',
        count: 10 + i,
        rank: 1,
      });
    }
    await docs.trending({
      windowEnd: BUCKET + 20_000,
      urlkey: 'hiking',
      name: 'Hiking',
      count: 8,
      rank: 1,
      country: { code: 'nz', name: 'New Zealand' },
    });
    const page = await open('?country=nz');
    const event = await page.waitFor(
      (e) =>
        e.event === 'trending' && (JSON.parse(e.data) as TrendingView).country?.topics.length === 1,
      5_000,
      'trending for nz',
    );
    const view = JSON.parse(event.data) as TrendingView;
    expect(view.global.windowEnd).toBe(BUCKET + 20_000);
    expect(view.global.topics).toEqual([
      expect.objectContaining({
        urlkey: 'rust',
        name: 'Rust',
        count: 12,
        baselineMean: 2,
        ratio: 6,
        score: 6,
      }),
    ]);
    expect(view.global.topics[0]?.spark.slice(-3)).toEqual([10, 11, 12]);
    expect(view.country).toMatchObject({
      code: 'nz',
      name: 'New Zealand',
      topics: [expect.objectContaining({ urlkey: 'hiking', count: 8 })],
    });
    const other = await snapshot('?country=fr');
    expect(other.trending.country).toEqual({ code: 'fr', name: 'FR', final: false, topics: [] });
  });

  it('lists alerts with their rule names, and the batch tables with when the batch last ran', async () => {
    const since = Date.UTC(2024, 0, 1, 12, 5);
    await docs.alert({ id: `${name}-rule`, name: 'NZ is busy', status: 'firing', since });
    await docs.alert({ id: `${name}-quiet`, name: 'all good', status: 'ok', since });
    await docs.group({ id: 'g1', name: 'Rustaceans', responses: 9, yes: 8, attendees: 12 });
    await docs.group({ id: 'g2', name: 'Hikers', responses: 5, yes: 5, attendees: 20 });
    await docs.batchCompleted(since);
    await waitFor(
      async () => (await snapshot()).batch.lastRunAt === since,
      'the batch view',
      10_000,
    );
    const seen = await snapshot();
    expect(seen.alerts.alerts).toEqual([
      {
        ruleId: `${name}-rule`,
        ruleName: 'NZ is busy',
        group: '*',
        status: 'firing',
        since,
        values: { count: 42 },
      },
    ]);
    expect(seen.batch.groups.responses.map((g) => g.group_id)).toEqual(['g1', 'g2']);
    expect(seen.batch.groups.attendees.map((g) => g.group_id)).toEqual(['g2', 'g1']);
    expect(seen.health.lastBatchRunAt).toBe(since);
  });

  it("shows the pipeline: ingest rate and the aggregator group's lag from Kafka", async () => {
    const kafka = testKafka('console-test');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.RSVP_TOPIC,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: String(i), value: '{}' })),
    });
    await producer.disconnect();
    // The sample whose interval holds the send sees both the lag and a positive ingest rate.
    let health = (await snapshot()).health;
    await waitFor(
      async () => {
        health = (await snapshot()).health;
        return health.consumerLag === 30 && (health.ingestPerSecond ?? 0) > 0;
      },
      () => `a lag of 30 and an ingest rate, last seen ${JSON.stringify(health)}`,
      15_000,
      100,
    );
    expect(health).toMatchObject({ kafka: 'up', consumerLag: 30, dlqPerSecond: 0 });
    expect(health.ingestPerSecond).toBeGreaterThan(0);
  });

  it('sends every view again, in full, to a page that reconnects with the id it saw last', async () => {
    const first = await open();
    const seen = await first.waitFor((e) => e.event === 'health', 5_000, 'health');
    const again = await open('', { 'Last-Event-ID': seen.id ?? '' });
    expect(again.status).toBe(200);
    for (const view of ['responses', 'trending', 'batch', 'alerts', 'health']) {
      const event = await again.waitFor((e) => e.event === view, 5_000, view);
      expect(Number(event.id)).toBeGreaterThanOrEqual(Number(seen.id));
    }
    // In full (nothing was written meanwhile): the views as they stand, not changes since the id.
    const latest = (events: SseClient['events'], view: string) =>
      JSON.parse(events.filter((e) => e.event === view).at(-1)?.data ?? 'null') as unknown;
    expect(latest(again.events, 'responses')).toEqual((await snapshot()).responses);
  });
});
