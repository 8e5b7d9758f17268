import { setTimeout as sleep } from 'node:timers/promises';
import {
  ByCountryModel,
  TIME_RANGES,
  TrendingModel,
  type AlertsView,
  type BatchView,
  type HealthView,
  type LiveEventName,
  type LiveQuery,
  type LiveSnapshot,
} from '@meetup/console-views';
import type { Logger } from '@meetup/observability';
import type { FeedConfig } from '../config/console.config';
import type { ConsoleMetrics } from '../console.metrics';
import type { AnalyticsReader } from './analytics-reader';
import { ratesBetween, type OffsetsSample, type PipelineOffsets } from './pipeline-health';

/** Called after a round changed views; `version` is the new model version. */
export type FeedListener = (changed: ReadonlySet<LiveEventName>, version: number) => void;

const LONGEST_RANGE_MS = Math.max(...Object.values(TIME_RANGES));
/** How far back a full load reads trending windows (more than the sparklines need). */
const TRENDING_LOAD_MS = 15 * 60_000;

function emptyBatch(): BatchView {
  return {
    groups: { responses: [], yes: [], no: [], attendees: [] },
    events: { responses: [], yes: [], no: [], attendees: [] },
    lastRunAt: undefined,
  };
}

interface Cursors {
  byCountry: number | undefined;
  global: number | undefined;
  country: number | undefined;
}

/**
 * The console's one query loop: whatever the number of open pages, it reads what changed
 * in Elasticsearch (by-country and trending every poll interval, alerts every second,
 * batch tables and Kafka offsets every slow interval), folds it into the live model and
 * tells its listeners which views changed. Pages never cause a read.
 */
export class LiveFeed {
  private version = Date.now();
  private readonly listeners = new Set<FeedListener>();
  private readonly byCountry = new ByCountryModel();
  private readonly trending: TrendingModel;
  private cursors: Cursors = { byCountry: undefined, global: undefined, country: undefined };
  private lastResync = 0;
  private batch: BatchView = emptyBatch();
  private alerts: AlertsView = { alerts: [] };
  private health: HealthView = {
    ingestPerSecond: undefined,
    consumerLag: undefined,
    dlqPerSecond: undefined,
    lastBatchRunAt: undefined,
    elasticsearch: 'down',
    kafka: 'down',
  };
  private offsets: OffsetsSample | undefined;
  private readonly halt = new AbortController();
  private loops: Promise<void>[] = [];
  /** Serialised views of the current version, by view and query key. */
  private readonly rendered = new Map<string, string>();

  constructor(
    private readonly config: FeedConfig,
    private readonly reader: AnalyticsReader,
    private readonly kafka: PipelineOffsets,
    private readonly metrics: ConsoleMetrics,
    private readonly logger: Logger,
  ) {
    this.trending = new TrendingModel({
      topics: config.topics,
      sparkWindows: config.sparkWindows,
      slideMs: config.trendingSlideMs,
    });
  }

  onChange(listener: FeedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get currentVersion(): number {
    return this.version;
  }

  /** One view for a page's query, serialised once per version however many pages share it. */
  render(view: LiveEventName, query: LiveQuery): string {
    const key = `${view}|${view === 'responses' ? query.range : ''}|${view === 'trending' ? (query.country ?? '') : ''}`;
    let text = this.rendered.get(key);
    if (text === undefined) {
      text = JSON.stringify(this.view(view, query));
      this.rendered.set(key, text);
    }
    return text;
  }

  snapshot(query: LiveQuery): LiveSnapshot {
    return {
      version: this.version,
      responses: this.byCountry.view(query.range),
      trending: this.trending.view(query.country),
      batch: this.batch,
      alerts: this.alerts,
      health: this.health,
    };
  }

  start(): void {
    this.loops = [
      this.loop('live', this.config.pollIntervalMs, () => this.pollLive()),
      this.loop('alerts', this.config.alertsPollIntervalMs, () => this.pollAlerts()),
      this.loop('slow', this.config.slowPollIntervalMs, () => this.pollSlow()),
    ];
  }

  async stop(): Promise<void> {
    this.halt.abort();
    await Promise.all(this.loops);
  }

  private view(view: LiveEventName, query: LiveQuery): unknown {
    switch (view) {
      case 'responses':
        return this.byCountry.view(query.range);
      case 'trending':
        return this.trending.view(query.country);
      case 'batch':
        return this.batch;
      case 'alerts':
        return this.alerts;
      case 'health':
        return this.health;
    }
  }

  private async loop(
    name: string,
    intervalMs: number,
    round: () => Promise<Set<LiveEventName>>,
  ): Promise<void> {
    let failing = false;
    while (!this.halt.signal.aborted) {
      const started = Date.now();
      const timer = this.metrics.loopDuration.startTimer({ loop: name });
      try {
        this.publish(await round());
        if (failing) this.logger.info({ loop: name }, 'console reads work again');
        failing = false;
      } catch (error) {
        this.metrics.readFailures.inc({ loop: name });
        // One line when reads start failing, not one per round.
        if (!failing) this.logger.warn({ loop: name, err: error }, 'console reads fail; retrying');
        failing = true;
        this.publish(this.markDown());
      } finally {
        timer();
      }
      const wait = Math.max(0, intervalMs - (Date.now() - started));
      await sleep(wait, undefined, { signal: this.halt.signal }).catch(() => undefined);
    }
  }

  private publish(changed: Set<LiveEventName>): void {
    if (changed.size === 0) return;
    this.version += 1;
    this.rendered.clear();
    for (const listener of this.listeners) listener(changed, this.version);
  }

  /** A failed round is a failed Elasticsearch read (Kafka's are caught in the slow round). */
  private markDown(): Set<LiveEventName> {
    if (this.health.elasticsearch === 'down') return new Set();
    this.health = { ...this.health, elasticsearch: 'down' };
    return new Set(['health']);
  }

  private markUp(component: 'elasticsearch' | 'kafka', changed: Set<LiveEventName>): void {
    if (this.health[component] === 'up') return;
    this.health = { ...this.health, [component]: 'up' };
    changed.add('health');
  }

  /** By-country and trending: what changed since the last round, or a full load when due. */
  private async pollLive(): Promise<Set<LiveEventName>> {
    const changed = new Set<LiveEventName>();
    const now = Date.now();
    if (now - this.lastResync >= this.config.resyncIntervalMs) {
      this.cursors = { byCountry: undefined, global: undefined, country: undefined };
      this.lastResync = now;
    }
    // Side by side: a round takes as long as its slowest read, not the sum of them.
    const [responses, trending] = await Promise.all([this.pollByCountry(), this.pollTrending()]);
    if (responses) changed.add('responses');
    if (trending) changed.add('trending');
    this.markUp('elasticsearch', changed);
    return changed;
  }

  private async pollByCountry(): Promise<boolean> {
    const cursor = this.cursors.byCountry;
    if (cursor !== undefined) {
      const read = await this.reader.byCountry({ since: cursor - this.config.changeOverlapMs });
      this.cursors.byCountry = Math.max(cursor, read.cursor);
      return this.byCountry.apply(read.docs);
    }
    const newest = await this.reader.newest(this.reader.indices.byCountry, 'bucket_start');
    const hadData = this.byCountry.size > 0;
    this.byCountry.clear();
    if (newest === undefined) return hadData;
    const read = await this.reader.byCountry({ from: newest - LONGEST_RANGE_MS });
    this.byCountry.apply(read.docs);
    this.cursors.byCountry = read.cursor;
    return true;
  }

  private async pollTrending(): Promise<boolean> {
    const { global, country } = this.cursors;
    if (global !== undefined && country !== undefined) {
      const overlap = this.config.changeOverlapMs;
      const [g, c] = await Promise.all([
        this.reader.trending('global', { since: global - overlap }),
        this.reader.trending('country', { since: country - overlap }),
      ]);
      this.cursors.global = Math.max(global, g.cursor);
      this.cursors.country = Math.max(country, c.cursor);
      return this.trending.apply([...g.docs, ...c.docs]);
    }
    const newest = await this.reader.newest(this.reader.indices.globalTrending, 'window_end');
    const hadData = this.trending.streamTime !== undefined;
    this.trending.clear();
    if (newest === undefined) return hadData;
    const from = newest - TRENDING_LOAD_MS;
    const [g, c] = await Promise.all([
      this.reader.trending('global', { from }),
      this.reader.trending('country', { from }),
    ]);
    this.trending.apply([...g.docs, ...c.docs]);
    this.cursors.global = g.cursor;
    this.cursors.country = c.cursor;
    return true;
  }

  private async pollAlerts(): Promise<Set<LiveEventName>> {
    const alerts = { alerts: await this.reader.alerts() };
    if (JSON.stringify(alerts) === JSON.stringify(this.alerts)) return new Set();
    this.alerts = alerts;
    return new Set(['alerts']);
  }

  private async pollSlow(): Promise<Set<LiveEventName>> {
    const changed = new Set<LiveEventName>();
    const batch = await this.reader.batch();
    if (JSON.stringify(batch) !== JSON.stringify(this.batch)) {
      this.batch = batch;
      changed.add('batch');
    }
    let health: HealthView = {
      ...this.health,
      lastBatchRunAt: batch.lastRunAt,
      elasticsearch: 'up',
    };
    try {
      const sample = await this.kafka.sample();
      health = { ...health, ...ratesBetween(this.offsets, sample), kafka: 'up' };
      this.offsets = sample;
    } catch (error) {
      if (this.health.kafka === 'up')
        this.logger.warn({ err: error }, 'console cannot read Kafka offsets');
      health = {
        ...health,
        ingestPerSecond: undefined,
        dlqPerSecond: undefined,
        consumerLag: undefined,
        kafka: 'down',
      };
      this.offsets = undefined;
    }
    if (JSON.stringify(health) !== JSON.stringify(this.health)) {
      this.health = health;
      changed.add('health');
    }
    return changed;
  }
}
