import { allRsvps, indexedSince, mtimeBetween, type BatchRunPlan } from '@meetup/batch-stats';
import { memoryLogger } from '@meetup/observability';
import { InMemoryBatchStorage, type RawRsvp } from '../../test/support/in-memory-batch-storage';
import { loadBatchConfig } from '../config/batch.config';
import { BatchLockedError, lockDocument } from './batch-lock';
import { BatchRunner } from './batch-runner';
import { chunked, nextCheckpoint, planRun } from './run-plan';
import { ProgressReporter } from './progress-reporter';

const DAY = Date.parse('2017-03-19T00:00:00Z');
const HOUR = 3_600_000;
const T = Date.parse('2017-04-01T00:00:00Z');
const GROUPS = 'b_meetup_groups';
const EVENTS = 'b_meetup_events';

describe('planRun', () => {
  const range: BatchRunPlan = {
    mode: 'range',
    from: '2017-03-01',
    to: '2017-03-01',
    fromMs: Date.parse('2017-03-01T00:00:00Z'),
    toMs: Date.parse('2017-03-02T00:00:00Z'),
  };

  it('recomputes everything on a full run and moves the checkpoint', () => {
    expect(planRun({ mode: 'full' }, T)).toEqual({
      mode: 'full',
      touched: allRsvps(),
      movesCheckpoint: true,
    });
  });

  it('selects the RSVPs indexed since the checkpoint on an incremental run', () => {
    expect(planRun({ mode: 'incremental' }, T)).toEqual({
      mode: 'incremental',
      touched: indexedSince(T),
      movesCheckpoint: true,
    });
  });

  it('runs a first incremental run, without a checkpoint, as a full rebuild', () => {
    expect(planRun({ mode: 'incremental' }, undefined).mode).toBe('full');
  });

  it('selects by RSVP time on a range run and leaves the checkpoint where it was', () => {
    expect(planRun(range, T)).toEqual({
      mode: 'range',
      touched: mtimeBetween(range.fromMs, range.toMs),
      movesCheckpoint: false,
    });
    expect(planRun(range, undefined).mode).toBe('range');
  });

  it('sets the next checkpoint the overlap before the run started', () => {
    expect(nextCheckpoint(T, 60_000)).toBe(T - 60_000);
  });
});

describe('chunked', () => {
  async function* buckets(counts: number[]) {
    await Promise.resolve();
    for (const [i, doc_count] of counts.entries()) yield { key: { group: `g${i}` }, doc_count };
  }
  const collect = async (source: AsyncIterable<string[]>) => {
    const chunks: string[][] = [];
    for await (const chunk of source) chunks.push(chunk);
    return chunks;
  };

  it('cuts a chunk at the most keys it may hold', async () => {
    expect(await collect(chunked(buckets([1, 1, 1, 1, 1]), 'group', 2, 100))).toEqual([
      ['g0', 'g1'],
      ['g2', 'g3'],
      ['g4'],
    ]);
  });

  it('cuts a chunk once its keys hold the most RSVPs it should read', async () => {
    expect(await collect(chunked(buckets([3, 8, 1, 2]), 'group', 100, 10))).toEqual([
      ['g0', 'g1'],
      ['g2', 'g3'],
    ]);
  });

  it('yields nothing when nothing was touched', async () => {
    expect(await collect(chunked(buckets([]), 'group', 2, 10))).toEqual([]);
  });
});

let nextId = 0;
function rsvp(group: string, event: string, member: string, mtime: number, indexedAt = T - HOUR) {
  nextId += 1;
  return {
    id: String(nextId),
    group,
    event,
    member,
    mtime,
    indexedAt,
    response: 'yes',
    guests: 0,
  } satisfies RawRsvp;
}

function setUp(options: { groupsPerChunk?: number; now?: number } = {}) {
  const storage = new InMemoryBatchStorage([GROUPS, EVENTS]);
  const { logger, lines: logs } = memoryLogger('batch', 'info');
  const { job } = loadBatchConfig({ ES_URL: 'http://127.0.0.1:9200', INDEX_PREFIX: 'b_' });
  const clock = { now: options.now ?? T };
  const runner = () =>
    new BatchRunner({
      storage,
      config: { ...job, groupsPerChunk: options.groupsPerChunk ?? job.groupsPerChunk },
      logger,
      progress: new ProgressReporter({ logger, interactive: false, intervalMs: 60_000 }),
      now: () => clock.now,
    });
  return { storage, logs, clock, runner };
}

const idsOf = (docs: Map<string, unknown>) => [...docs.keys()].sort();

describe('BatchRunner', () => {
  it('rebuilds a first run into new indices, swaps them in and leaves a checkpoint', async () => {
    const { storage, runner } = setUp();
    storage.rsvps.push(
      rsvp('1', 'e1', 'm1', DAY + HOUR),
      rsvp('1', 'e1', 'm2', DAY + 2 * HOUR),
      rsvp('2', 'e2', 'm1', DAY + 30 * HOUR),
    );

    const outcome = await runner().run({ mode: 'incremental' }, new AbortController().signal);

    expect(outcome).toEqual({
      mode: 'full',
      documentsScanned: 3,
      groupsWritten: 4,
      eventsWritten: 2,
      documentsDeleted: 0,
    });
    expect(storage.aliases.get(GROUPS)).toBe('b_meetup_groups-v1-20170401000000000');
    expect(storage.indices.has('b_meetup_groups-v1-initial')).toBe(false);
    expect(idsOf(storage.documents(GROUPS))).toEqual([
      '1:2017-03-19',
      '1:all',
      '2:2017-03-20',
      '2:all',
    ]);
    expect(storage.documents(GROUPS).get('1:all')).toMatchObject({
      distinct_members: 2,
      computed_at: '2017-04-01T00:00:00.000Z',
    });
    expect(idsOf(storage.documents(EVENTS))).toEqual(['e1', 'e2']);
    expect(storage.checkpoint).toEqual({ indexedBefore: T - 60_000, mode: 'full', at: T });
    expect(storage.lock.current).toBeUndefined();
    expect(storage.openSnapshots).toBe(0);
  });

  it('recomputes, whole, only the groups and events touched since the checkpoint', async () => {
    const { storage, runner, clock } = setUp();
    storage.rsvps.push(rsvp('1', 'e1', 'm1', DAY), rsvp('2', 'e2', 'm1', DAY));
    await runner().run({ mode: 'full' }, new AbortController().signal);
    clock.now = T + 24 * HOUR;
    storage.rsvps.push(rsvp('2', 'e3', 'm2', DAY + 3 * HOUR, T + HOUR));

    const outcome = await runner().run({ mode: 'incremental' }, new AbortController().signal);

    expect(storage.selections.slice(-2)).toEqual([
      indexedSince(T - 60_000),
      indexedSince(T - 60_000),
    ]);
    expect(outcome).toEqual({
      mode: 'incremental',
      documentsScanned: 2,
      groupsWritten: 2,
      eventsWritten: 1,
      documentsDeleted: 0,
    });
    expect(storage.documents(GROUPS).get('1:all')).toMatchObject({
      computed_at: '2017-04-01T00:00:00.000Z',
    });
    expect(storage.documents(GROUPS).get('2:all')).toMatchObject({
      responses: 2,
      distinct_events: 2,
      computed_at: '2017-04-02T00:00:00.000Z',
    });
    expect(storage.refreshed.at(-1)).toEqual([GROUPS, EVENTS]);
    expect(storage.checkpoint?.indexedBefore).toBe(T + 24 * HOUR - 60_000);
  });

  it('deletes the day a changed answer left, so the day no longer counts it', async () => {
    const { storage, runner, clock } = setUp();
    const moved = rsvp('1', 'e1', 'm1', DAY);
    storage.rsvps.push(moved, rsvp('1', 'e1', 'm2', DAY + 24 * HOUR));
    await runner().run({ mode: 'full' }, new AbortController().signal);
    expect(idsOf(storage.documents(GROUPS))).toEqual(['1:2017-03-19', '1:2017-03-20', '1:all']);
    clock.now = T + 24 * HOUR;
    Object.assign(moved, { mtime: DAY + 25 * HOUR, indexedAt: T + HOUR });

    const outcome = await runner().run({ mode: 'incremental' }, new AbortController().signal);

    expect(outcome.documentsDeleted).toBe(1);
    expect(idsOf(storage.documents(GROUPS))).toEqual(['1:2017-03-20', '1:all']);
    expect(storage.documents(GROUPS).get('1:2017-03-20')).toMatchObject({ responses: 2 });
  });

  it('recomputes the groups of a time range and leaves the checkpoint alone', async () => {
    const { storage, runner } = setUp();
    storage.rsvps.push(rsvp('1', 'e1', 'm1', DAY), rsvp('2', 'e2', 'm1', DAY + 48 * HOUR));
    const plan: BatchRunPlan = {
      mode: 'range',
      from: '2017-03-19',
      to: '2017-03-19',
      fromMs: DAY,
      toMs: DAY + 24 * HOUR,
    };

    const outcome = await runner().run(plan, new AbortController().signal);

    expect(outcome).toMatchObject({ mode: 'range', documentsScanned: 1, eventsWritten: 1 });
    expect(idsOf(storage.documents(GROUPS))).toEqual(['1:2017-03-19', '1:all']);
    expect(storage.checkpoint).toBeUndefined();
  });

  it('gives the same results however small the chunks of groups are', async () => {
    const runs = await Promise.all(
      [1, 1_000].map(async (groupsPerChunk) => {
        const { storage, runner } = setUp({ groupsPerChunk });
        nextId = 0;
        for (const group of ['1', '2', '3']) {
          storage.rsvps.push(rsvp(group, `e${group}`, 'm1', DAY), rsvp(group, 'e9', 'm2', DAY));
        }
        const outcome = await runner().run({ mode: 'full' }, new AbortController().signal);
        return { outcome, groups: [...storage.documents(GROUPS)].sort() };
      }),
    );
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]?.outcome.groupsWritten).toBe(6);
  });

  it('drops its half-built indices when a document is refused, and keeps the old ones', async () => {
    const { storage, runner } = setUp();
    storage.rsvps.push(rsvp('1', 'e1', 'm1', DAY));
    storage.documents(GROUPS).set('old:all', { scope: 'all' });
    storage.refuse = (id) => id === 'e1';

    await expect(runner().run({ mode: 'full' }, new AbortController().signal)).rejects.toThrow(
      /1 documents refused \(400: mapper_parsing_exception\)/,
    );

    expect([...storage.indices.keys()].sort()).toEqual([
      'b_meetup_events-v1-initial',
      'b_meetup_groups-v1-initial',
    ]);
    expect(idsOf(storage.documents(GROUPS))).toEqual(['old:all']);
    expect(storage.checkpoint).toBeUndefined();
    expect(storage.lock.current).toBeUndefined();
    expect(storage.openSnapshots).toBe(0);
  });

  it('refuses to run while another run holds the lock, reading nothing', async () => {
    const { storage, runner } = setUp();
    await storage.lock.create(lockDocument('other', 'full', T, 60_000));

    await expect(runner().run({ mode: 'full' }, new AbortController().signal)).rejects.toThrow(
      BatchLockedError,
    );
    expect(storage.refreshed).toEqual([]);
    expect(storage.lock.current?.document.owner).toBe('other');
  });

  it('stops between pages once stopped, writing no checkpoint and letting the lock go', async () => {
    const { storage, runner, logs } = setUp();
    storage.rsvps.push(rsvp('1', 'e1', 'm1', DAY), rsvp('2', 'e2', 'm1', DAY));
    const stop = new AbortController();
    let pages = 0;
    storage.onPage = () => {
      if (++pages === 3) stop.abort(new Error('stopped by SIGTERM'));
    };

    await expect(runner().run({ mode: 'incremental' }, stop.signal)).rejects.toThrow(
      'stopped by SIGTERM',
    );

    expect(storage.checkpoint).toBeUndefined();
    expect(storage.lock.current).toBeUndefined();
    expect(storage.aliases.get(GROUPS)).toBe('b_meetup_groups-v1-initial');
    expect(logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['batch lock acquired', 'batch run starting']),
    );
  });
});
