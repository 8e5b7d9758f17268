import type { BulkOperation, BulkWriteResult } from '@meetup/elasticsearch';
import { Registry } from '@meetup/observability';
import { AggregatorMetrics } from '../aggregator.metrics';
import type { WindowsConfig } from '../config/aggregator.config';
import { PhaseLaps } from './combine-loop';
import { CountryCombiner, countryDocumentsOf } from './country-combiner';
import type { CountryBucketRow, CountryBuckets } from './partial-queries';
import { nextFinalBefore } from './stage-progress';
import { StageProgressStore, type ProgressDocument, type StageProgress } from './stage-progress';
import type { StreamPosition } from './stream-position';

const MINUTE = 60_000;
const T0 = 1_772_366_400_000; // 2026-03-01T12:00:00Z, a bucket start

interface Activity {
  mtime: number;
  country: string;
  response: 'yes' | 'no';
  guests: number;
  partition: number;
}

/**
 * The partitions' counted messages in memory, read as their partial documents are: one
 * document per partition and bucket, summed.
 */
class MemoryActivity implements CountryBuckets {
  readonly docs: Activity[] = [];

  reach(from: number, budget: number, intervalMs: number): Promise<number> {
    const documents = new Map<number, Set<number>>();
    for (const d of this.docs) {
      const start = Math.floor(d.mtime / intervalMs) * intervalMs;
      if (start < from) continue;
      let partitions = documents.get(start);
      if (!partitions) documents.set(start, (partitions = new Set()));
      partitions.add(d.partition);
    }
    let total = 0;
    for (const [start, partitions] of [...documents].sort(([a], [b]) => a - b)) {
      total += partitions.size;
      if (total > budget) return Promise.resolve(start + intervalMs);
    }
    return Promise.resolve(Number.POSITIVE_INFINITY);
  }

  rows(from: number, to: number): Promise<CountryBucketRow[]> {
    const bucketMs = windows.countryBucketMs;
    const rows = new Map<string, CountryBucketRow>();
    for (const d of this.docs) {
      const bucketStart = Math.floor(d.mtime / bucketMs) * bucketMs;
      if (bucketStart < from || bucketStart >= to) continue;
      const key = `${bucketStart}:${d.country}:${d.response}`;
      const row = rows.get(key) ?? {
        bucketStart,
        country: d.country,
        response: d.response,
        responses: 0,
        guests: 0,
        attendees: 0,
      };
      row.responses += 1;
      row.guests += d.guests;
      row.attendees += d.response === 'yes' ? 1 + d.guests : 0;
      rows.set(key, row);
    }
    return Promise.resolve([...rows.values()]);
  }
}

/** The aggregates index in memory: the latest document of every id, and what each write sent. */
class MemoryIndex {
  readonly docs = new Map<string, Record<string, unknown>>();
  readonly writes: string[][] = [];

  write<Ref>(
    _target: string,
    operations: readonly BulkOperation<Ref>[],
  ): Promise<BulkWriteResult<Ref>> {
    this.writes.push(operations.map((o) => o.id ?? ''));
    for (const o of operations) {
      if ('doc' in o && o.id) this.docs.set(o.id, o.doc as Record<string, unknown>);
    }
    return Promise.resolve({ stored: operations.length, dropped: [] });
  }
}

class MemoryProgressDocument implements ProgressDocument {
  stored: StageProgress | undefined;
  read(): Promise<StageProgress | undefined> {
    return Promise.resolve(this.stored);
  }
  write(progress: StageProgress): Promise<void> {
    if (!this.stored || progress.stamp > this.stored.stamp) this.stored = progress;
    return Promise.resolve();
  }
}

const windows: WindowsConfig = {
  countryBucketMs: MINUTE,
  trendingWindowMs: 10 * MINUTE,
  trendingSlideMs: MINUTE,
  trendingMinSupport: 1,
  trendingBaselineWindows: 3,
  allowedLatenessMs: MINUTE,
  dedupHorizonMs: 60 * MINUTE,
  partialsRetentionMs: 120 * MINUTE,
  streamIdleMs: 0,
};

function setUp(readBudget = 1_000) {
  const activity = new MemoryActivity();
  const index = new MemoryIndex();
  const document = new MemoryProgressDocument();
  const metrics = new AggregatorMetrics(new Registry());
  let position: StreamPosition = {
    watermark: Number.NEGATIVE_INFINITY,
    newest: Number.NEGATIVE_INFINITY,
    offsets: {},
    closedBefore: Number.NEGATIVE_INFINITY,
  };
  const combiner = new CountryCombiner({
    writer: index,
    position: () => Promise.resolve(position),
    metrics,
    progress: new StageProgressStore(document, 'country'),
    windows,
    buckets: activity,
    byCountry: 'meetup_rsvp_by_country',
    readBudget,
  });
  /** The snapshots stand at `offsets`, their watermark at `watermark`. */
  const standAt = (watermark: number, offsets: Record<string, number>) => {
    position = {
      watermark,
      newest: watermark,
      offsets,
      closedBefore: watermark - windows.allowedLatenessMs,
    };
  };
  const cycle = () => combiner.cycle(() => Promise.resolve(true), new PhaseLaps());
  return { activity, index, document, metrics, combiner, standAt, cycle };
}

const answer = (
  mtime: number,
  country = 'us',
  response: 'yes' | 'no' = 'yes',
  guests = 0,
  partition = 0,
) => ({ mtime, country, response, guests, partition });

describe('CountryCombiner', () => {
  it('writes each open bucket per country and response, with the country named and placed', async () => {
    const { activity, index, cycle, document } = setUp();
    activity.docs.push(answer(T0 + 1_000, 'us', 'yes', 2), answer(T0 + 2_000, 'us', 'yes', 0));
    activity.docs.push(answer(T0 + 3_000, 'us', 'no'));
    expect(await cycle()).toBe(false);
    expect(index.docs.get(`${T0}:us:yes`)).toMatchObject({
      bucket_start: T0,
      bucket_end: T0 + MINUTE,
      country: 'us',
      country_name: 'United States',
      continent: 'NA',
      location: { lat: expect.any(Number) as unknown, lon: expect.any(Number) as unknown },
      response: 'yes',
      responses: 2,
      guests: 2,
      attendees: 4,
      final: false,
    });
    expect(index.docs.get(`${T0}:us:no`)).toMatchObject({ responses: 1, final: false });
    // The watermark is unknown: nothing is final yet.
    expect(document.stored?.final_before).toBe(0);
  });

  it('marks a bucket final once the watermark less the allowed lateness passed its end', async () => {
    const { activity, index, cycle, document, standAt } = setUp();
    activity.docs.push(answer(T0 + 1_000), answer(T0 + MINUTE + 1_000));
    standAt(T0 + 2 * MINUTE + 30_000, { '0': 12, '1': 7 });
    await cycle();
    expect(index.docs.get(`${T0}:us:yes`)?.final).toBe(true);
    expect(index.docs.get(`${T0 + MINUTE}:us:yes`)?.final).toBe(false);
    expect(document.stored).toMatchObject({
      final_before: T0 + MINUTE,
      offsets: { '0': 12, '1': 7 },
    });
  });

  it('reads only from the final mark on, and rewrites only the buckets that changed', async () => {
    const { activity, index, cycle, standAt } = setUp();
    activity.docs.push(
      answer(T0 + 1_000),
      answer(T0 + MINUTE + 1_000),
      answer(T0 + MINUTE + 2_000, 'de'),
    );
    standAt(T0 + 2 * MINUTE + 30_000, {});
    await cycle();
    expect(index.writes[0]?.sort()).toEqual(
      [`${T0 + MINUTE}:de:yes`, `${T0 + MINUTE}:us:yes`, `${T0}:us:yes`].sort(),
    );
    await cycle();
    expect(index.writes[1]).toEqual([]);
    activity.docs.push(answer(T0 + MINUTE + 3_000, 'de'));
    await cycle();
    expect(index.writes[2]).toEqual([`${T0 + MINUTE}:de:yes`]);
    expect(index.docs.get(`${T0 + MINUTE}:de:yes`)?.responses).toBe(2);
  });

  it('combines a backlog over the budget in slices, each saying whether another is ready', async () => {
    const { activity, cycle, document, standAt } = setUp(2);
    for (const minute of [0, 1, 2]) {
      activity.docs.push(
        answer(T0 + minute * MINUTE + 1_000),
        answer(T0 + minute * MINUTE + 2_000, 'us', 'yes', 0, 1),
      );
    }
    standAt(T0 + 10 * MINUTE, { '0': 6 });
    // 2 partitions' documents per bucket, a budget of 2: each slice reads up to the end of the
    // bucket that passes it.
    expect(await cycle()).toBe(true);
    expect(document.stored).toMatchObject({ final_before: T0 + 2 * MINUTE, offsets: {} });
    expect(await cycle()).toBe(false);
    expect(document.stored).toMatchObject({ final_before: T0 + 9 * MINUTE, offsets: { '0': 6 } });
  });

  it('reports the open buckets it wrote', async () => {
    const { activity, cycle, metrics, standAt } = setUp();
    activity.docs.push(
      answer(T0 + 1_000),
      answer(T0 + MINUTE + 1_000),
      answer(T0 + MINUTE + 1_000, 'fr'),
    );
    standAt(T0 + 2 * MINUTE + 30_000, {});
    await cycle();
    const { values } = await metrics.openWindows.get();
    expect(values).toEqual([
      expect.objectContaining({ labels: { kind: 'country_bucket' }, value: 2 }),
    ]);
  });

  it('starts again from the stored progress after a reset, writing every open bucket anew', async () => {
    const { activity, index, combiner, cycle } = setUp();
    activity.docs.push(answer(T0 + 1_000));
    await cycle();
    await cycle();
    combiner.reset();
    await cycle();
    expect(index.writes.map((w) => w.length)).toEqual([1, 0, 1]);
  });
});

describe('countryDocumentsOf', () => {
  it('leaves the name, continent and location out for a country code nobody knows', () => {
    const [document] = countryDocumentsOf(
      [{ bucketStart: T0, country: 'zz', response: 'yes', responses: 1, guests: 0, attendees: 1 }],
      {
        index: 'by-country',
        bucketMs: MINUTE,
        stamp: 42,
        closedBefore: T0 + MINUTE,
        updatedAt: 'now',
      },
    );
    expect(document).toEqual({
      index: 'by-country',
      id: `${T0}:zz:yes`,
      version: 42,
      ref: null,
      doc: {
        bucket_start: T0,
        bucket_end: T0 + MINUTE,
        country: 'zz',
        response: 'yes',
        responses: 1,
        guests: 0,
        attendees: 1,
        final: true,
        updated_at: 'now',
      },
    });
  });
});

describe('nextFinalBefore', () => {
  it('moves to the start of the bucket the closed mark falls in', () => {
    expect(nextFinalBefore(0, T0 + 90_000, Number.POSITIVE_INFINITY, MINUTE)).toBe(T0 + MINUTE);
  });

  it('stops at what the cycle read', () => {
    expect(nextFinalBefore(0, T0 + 10 * MINUTE, T0 + 2 * MINUTE, MINUTE)).toBe(T0 + 2 * MINUTE);
  });

  it('never moves back, and stays while the watermark is unknown', () => {
    expect(nextFinalBefore(T0 + 5 * MINUTE, T0 + MINUTE, Number.POSITIVE_INFINITY, MINUTE)).toBe(
      T0 + 5 * MINUTE,
    );
    expect(nextFinalBefore(T0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, MINUTE)).toBe(
      T0,
    );
  });
});
