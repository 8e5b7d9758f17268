import { testElasticsearch } from '@meetup/test-support';
import { BatchTestIndices } from './support/batch-env';
import { seededRsvps, take } from './support/seeded-rsvps';

interface Observation {
  groups: number;
  events: number;
  responses: number;
}

describe('a full rebuild while readers query the aliases', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  async function observe(indices: BatchTestIndices): Promise<Observation> {
    const [groups, events] = await Promise.all([
      es.search({
        index: indices.groups,
        size: 0,
        track_total_hits: true,
        aggs: { responses: { sum: { field: 'responses' } } },
      }),
      es.count({ index: indices.events }),
    ]);
    const total = groups.hits.total;
    return {
      groups: typeof total === 'number' ? total : (total?.value ?? 0),
      events: events.count,
      responses: (groups.aggregations?.responses as { value: number }).value,
    };
  }

  it('never shows an empty or partial index, and drops the old one after the swap', async () => {
    const indices = new BatchTestIndices(es);
    await indices.bootstrap();
    const records = take(
      seededRsvps({
        seed: 9,
        groups: 150,
        eventsPerGroup: 8,
        members: 5_000,
        startMs: Date.parse('2017-03-01T00:00:00Z'),
        days: 20,
        changeRate: 0.1,
      }),
      30_000,
    );
    await indices.load(records, new Date());
    expect(await indices.runBatch(['--mode', 'full'])).toMatchObject({ code: 0 });
    const complete = await observe(indices);
    const before = Object.keys(await es.indices.getAlias({ name: indices.groups }));

    const rebuild = indices.startBatch(['--mode', 'full'], { BATCH_GROUPS_PER_CHUNK: '10' });
    const seen: Observation[] = [];
    const state = { finished: false };
    void rebuild.exit.then(() => (state.finished = true));
    while (!state.finished) seen.push(await observe(indices));
    seen.push(await observe(indices));

    expect((await rebuild.exit)[0]).toBe(0);
    expect(seen.length).toBeGreaterThan(1);
    expect(
      seen.filter(
        (o) =>
          o.groups !== complete.groups ||
          o.events !== complete.events ||
          o.responses !== complete.responses,
      ),
    ).toEqual([]);
    const after = Object.keys(await es.indices.getAlias({ name: indices.groups }));
    expect(after).not.toEqual(before);
    expect(await es.indices.exists({ index: before })).toBe(false);
  });
});
