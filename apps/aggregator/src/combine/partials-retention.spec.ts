import { Writable } from 'node:stream';
import { createLogger, Registry } from '@meetup/observability';
import { AggregatorMetrics } from '../aggregator.metrics';
import { loadAggregatorConfig } from '../config/aggregator.config';
import { PartialsRetention } from './partials-retention';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const T = Date.UTC(2024, 4, 3, 12);
// DESIGN.md's windows: 2 h retention; trending reads 13 windows of 5 min back from a window's end.
const windows = loadAggregatorConfig({ KAFKA_BROKERS: 'k:9092', ES_URL: 'http://es:9200' }).windows;

/** Hour-sized partials partitions; `dropBefore` answers which of those it was given it deleted. */
class HourlyPartitions {
  readonly sizeMs = HOUR;
  readonly cutoffs: number[] = [];
  held = new Set([T - 6 * HOUR, T - 5 * HOUR, T - 4 * HOUR, T - 3 * HOUR, T - 2 * HOUR]);
  failNext = false;

  dropBefore(cutoffMs: number): Promise<string[]> {
    this.cutoffs.push(cutoffMs);
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('cluster unavailable'));
    }
    const expired = [...this.held].filter((start) => start + HOUR <= cutoffMs);
    for (const start of expired) this.held.delete(start);
    return Promise.resolve(expired.map((start) => `partials-${start}`));
  }
}

function retention() {
  const partitions = new HourlyPartitions();
  const metrics = new AggregatorMetrics(new Registry());
  const logs: string[] = [];
  const logger = createLogger(
    { serviceName: 'aggregator', level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  const subject = new PartialsRetention({ partitions, windows, metrics, logger });
  return { subject, partitions, metrics, logs };
}

/** Both stages caught up: buckets and windows final up to the allowed lateness. */
const caughtUp = T - windows.allowedLatenessMs;

describe('PartialsRetention', () => {
  it('drops the partitions that end before the watermark minus the retention', async () => {
    const { subject, partitions } = retention();
    await subject.apply(T + 30 * MINUTE, caughtUp, caughtUp);
    // T + 30 min − 2 h = T − 1.5 h: the partition of T − 2 h still holds partials after the cutoff.
    expect(partitions.cutoffs).toEqual([T - 2 * HOUR]);
    expect([...partitions.held]).toEqual([T - 2 * HOUR]);
  });

  it('keeps what a by-country bucket still to compute needs, however far behind that stage is', async () => {
    const { subject, partitions } = retention();
    await subject.apply(T, T - 4 * HOUR - 30 * MINUTE, caughtUp);
    expect(partitions.cutoffs).toEqual([T - 5 * HOUR]);
  });

  it("keeps a trending window's baseline: 13 windows of panes back from the first window not final", async () => {
    const { subject, partitions } = retention();
    const trendingFinalBefore = T - 3 * HOUR;
    await subject.apply(T, caughtUp, trendingFinalBefore);
    const oldestNeeded = trendingFinalBefore + windows.trendingSlideMs - 13 * 5 * MINUTE;
    expect(oldestNeeded).toBeLessThan(T - 4 * HOUR);
    expect(partitions.cutoffs).toEqual([T - 5 * HOUR]);
  });

  it('drops nothing while the global watermark is unknown', async () => {
    const { subject, partitions } = retention();
    await subject.apply(Number.NEGATIVE_INFINITY, caughtUp, caughtUp);
    expect(partitions.cutoffs).toEqual([]);
  });

  it('asks Elasticsearch once per partition boundary, not every cycle', async () => {
    const { subject, partitions } = retention();
    await subject.apply(T, caughtUp, caughtUp);
    await subject.apply(T + 10 * MINUTE, caughtUp + 10 * MINUTE, caughtUp + 10 * MINUTE);
    expect(partitions.cutoffs).toEqual([T - 2 * HOUR]);
    await subject.apply(T + HOUR, caughtUp + HOUR, caughtUp + HOUR);
    expect(partitions.cutoffs).toEqual([T - 2 * HOUR, T - HOUR]);
  });

  it('asks again after a reset (a new leadership)', async () => {
    const { subject, partitions } = retention();
    await subject.apply(T, caughtUp, caughtUp);
    subject.reset();
    await subject.apply(T, caughtUp, caughtUp);
    expect(partitions.cutoffs).toEqual([T - 2 * HOUR, T - 2 * HOUR]);
  });

  it('tries the same boundary again on the next cycle when dropping failed', async () => {
    const { subject, partitions } = retention();
    partitions.failNext = true;
    await expect(subject.apply(T, caughtUp, caughtUp)).rejects.toThrow('cluster unavailable');
    await subject.apply(T, caughtUp, caughtUp);
    expect(partitions.cutoffs).toEqual([T - 2 * HOUR, T - 2 * HOUR]);
    expect(partitions.held.has(T - 3 * HOUR)).toBe(false);
  });

  it('counts and logs the partitions it dropped, and is silent when there were none', async () => {
    const { subject, partitions, metrics, logs } = retention();
    await subject.apply(T, caughtUp, caughtUp);
    expect((await metrics.partialsPartitionsDropped.get()).values[0]?.value).toBe(4);
    expect(logs).toHaveLength(1);
    expect(JSON.parse(logs[0]!)).toMatchObject({
      msg: 'partials partitions past the retention dropped',
      dropped: [T - 6 * HOUR, T - 5 * HOUR, T - 4 * HOUR, T - 3 * HOUR].map((s) => `partials-${s}`),
      cutoff: new Date(T - 2 * HOUR).toISOString(),
    });
    partitions.held.clear();
    await subject.apply(T + HOUR, caughtUp + HOUR, caughtUp + HOUR);
    expect(partitions.cutoffs).toEqual([T - 2 * HOUR, T - HOUR]);
    expect(logs).toHaveLength(1);
    expect((await metrics.partialsPartitionsDropped.get()).values[0]?.value).toBe(4);
  });
});
