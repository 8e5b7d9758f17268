import { setTimeout as sleep } from 'node:timers/promises';
import { testElasticsearch } from '@meetup/test-support';
import { BatchTestIndices, logLines } from './support/batch-env';
import { referenceStats } from './support/reference-stats';
import { seededRsvps, take } from './support/seeded-rsvps';

const syntheticStream = () =>
  seededRsvps({
    seed: 3,
    groups: 120,
    eventsPerGroup: 8,
    members: 5_000,
    startMs: Date.parse('2018-05-01T00:00:00Z'),
    days: 20,
    changeRate: 0.15,
  });

async function waitForProgress(output: () => string): Promise<void> {
  for (;;) {
    const progressed = logLines(output()).some(
      (line) => line.msg === 'batch progress' && line.phase === 'groups' && Number(line.done) > 0,
    );
    if (progressed) return;
    await sleep(50);
  }
}

describe('a batch run killed in the middle', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  it('leaves no lock that blocks the next run, which completes with the reference result', async () => {
    const indices = new BatchTestIndices(es);
    await indices.bootstrap();
    const stream = syntheticStream();
    const base = take(stream, 20_000);
    await indices.load(base, new Date(Date.now() - 3_600_000));
    expect(await indices.runBatch()).toMatchObject({ code: 0 });

    const more = take(stream, 10_000);
    await indices.load(more, new Date());
    const env = { BATCH_LOCK_TTL_SECONDS: '2', BATCH_GROUPS_PER_CHUNK: '10' };
    const doomed = indices.startBatch(['--mode', 'incremental'], env);
    await waitForProgress(doomed.output);
    doomed.child.kill('SIGKILL');
    expect((await doomed.exit)[1]).toBe('SIGKILL');

    // The crashed run's lock is still there; it expires, it does not block forever.
    const lock = await es.get<{ expires_at: string }>({ index: indices.state, id: 'lock' });
    const expiresAt = Date.parse(lock._source!.expires_at);
    await sleep(Math.max(expiresAt - Date.now() + 100, 0));

    const next = await indices.runBatch([], env);
    expect(next).toMatchObject({ code: 0 });
    const reference = referenceStats([...base, ...more]);
    expect(Object.fromEntries(await indices.contents(indices.groups))).toEqual(
      Object.fromEntries(reference.groups),
    );
    expect(Object.fromEntries(await indices.contents(indices.events))).toEqual(
      Object.fromEntries(reference.events),
    );
    expect(await es.exists({ index: indices.state, id: 'lock' })).toBe(false);
  });

  it('drops the half-built indices of a killed full rebuild on the next one', async () => {
    const indices = new BatchTestIndices(es);
    await indices.bootstrap();
    const records = take(syntheticStream(), 20_000);
    await indices.load(records, new Date());
    const env = { BATCH_LOCK_TTL_SECONDS: '2', BATCH_GROUPS_PER_CHUNK: '10' };
    const doomed = indices.startBatch(['--mode', 'full'], env);
    await waitForProgress(doomed.output);
    doomed.child.kill('SIGKILL');
    await doomed.exit;
    await sleep(2_100);

    expect(await indices.runBatch(['--mode', 'full'], env)).toMatchObject({ code: 0 });
    const versioned = Object.keys(await es.indices.get({ index: `${indices.groups}-v*` }));
    const behindAlias = Object.keys(await es.indices.getAlias({ name: indices.groups }));
    expect(versioned).toEqual(behindAlias);
    expect(Object.fromEntries(await indices.contents(indices.groups))).toEqual(
      Object.fromEntries(referenceStats(records).groups),
    );
  });
});
