import { testElasticsearch } from '@meetup/test-support';
import { BatchTestIndices, logLines } from './support/batch-env';
import { seededRsvps, take } from './support/seeded-rsvps';

describe('the batch command', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  it('runs one of two runs started at once; the other refuses with a clear message', async () => {
    const indices = new BatchTestIndices(es);
    await indices.bootstrap();
    const records = take(
      seededRsvps({
        seed: 5,
        groups: 150,
        eventsPerGroup: 8,
        members: 5_000,
        startMs: Date.parse('2019-03-01T00:00:00Z'),
        days: 20,
        changeRate: 0.1,
      }),
      30_000,
    );
    await indices.load(records, new Date());

    const runs = await Promise.all([
      indices.runBatch(['--mode', 'full']),
      indices.runBatch(['--mode', 'full']),
    ]);
    expect(runs.map((run) => run.code).sort()).toEqual([0, 3]);
    const refused = runs.find((run) => run.code === 3)!;
    const warning = logLines(refused.output).find((line) => line.level === 'warn');
    expect(warning?.msg).toMatch(/another batch run \(.+\) holds the lock until .+; not starting/);
    expect(await es.exists({ index: indices.state, id: 'lock' })).toBe(false);
  });

  it('exits 1 naming the variable when the configuration is bad', async () => {
    const indices = new BatchTestIndices(es);
    const run = await indices.runBatch([], {
      INDEX_PREFIX: 'Upper Case',
      BATCH_LOCK_TTL_SECONDS: '0',
    });
    expect(run.code).toBe(1);
    const fatal = logLines(run.output).pop();
    expect(fatal).toMatchObject({ level: 'fatal' });
    expect(String(fatal?.msg)).toContain('INDEX_PREFIX');
    expect(String(fatal?.msg)).toContain('BATCH_LOCK_TTL_SECONDS');
  });

  it('exits 1 with the usage when the command line is wrong', async () => {
    const indices = new BatchTestIndices(es);
    const run = await indices.runBatch(['--mode', 'range', '--from', '2017-03-01']);
    expect(run.code).toBe(1);
    expect(run.output).toContain('--mode range needs --to');
  });

  it('exits 1 naming the raw index when Elasticsearch has none to read, without taking the lock', async () => {
    const indices = new BatchTestIndices(es);
    await indices.bootstrap();
    await es.indices.deleteAlias({ index: '_all', name: indices.raw });
    // No waiting for it (missing-indices.int-spec covers the wait).
    const run = await indices.runBatch([], { BATCH_WAIT_FOR_INDICES_MS: '0' });
    expect(run.code).toBe(1);
    expect(logLines(run.output).at(-1)).toMatchObject({
      level: 'fatal',
      msg: `gave up waiting for indices after 0 ms: still missing ${indices.raw}`,
    });
    expect(await es.exists({ index: indices.state, id: 'lock' })).toBe(false);
  });
});
