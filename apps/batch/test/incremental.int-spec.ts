import type { Rsvp } from '@meetup/contracts';
import { testElasticsearch } from '@meetup/test-support';
import { BatchTestIndices, logLines } from './support/batch-env';
import { referenceStats } from './support/reference-stats';
import { seededRsvps, take } from './support/seeded-rsvps';

const DAY_MS = 86_400_000;
const START_MS = Date.parse('2017-03-01T00:00:00Z');

/** A group with a single RSVP, whose answer later moves it three days on: its old day must vanish. */
function lonelyRsvp(template: Rsvp, mtime: number): Rsvp {
  return {
    ...template,
    rsvp_id: 999_000_001,
    mtime,
    group: { ...template.group, group_id: 999_001, group_urlname: 'lonely-group' },
    event: { ...template.event, event_id: 'lonely-event' },
  };
}

describe('incremental batch runs over 200,000 synthetic RSVPs', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  it('equals the reference, and after 20,000 more an incremental run gives exactly what a full rebuild gives', async () => {
    const indices = new BatchTestIndices(es);
    await indices.bootstrap();
    const stream = seededRsvps({
      seed: 7,
      groups: 400,
      eventsPerGroup: 12,
      members: 20_000,
      startMs: START_MS,
      days: 30,
      changeRate: 0.15,
    });
    const base = take(stream, 200_000);
    const lonely = lonelyRsvp(base[0]!, START_MS + 2 * DAY_MS + 5_000);
    base.push(lonely);
    await indices.load(base, new Date(Date.now() - 3_600_000));

    const first = await indices.runBatch();
    expect(first).toMatchObject({ code: 0 });
    expect(Object.fromEntries(await indices.contents(indices.groups))).toEqual(
      Object.fromEntries(referenceStats(base).groups),
    );

    const more = [
      ...take(stream, 20_000),
      { ...lonely, mtime: lonely.mtime + 3 * DAY_MS, response: 'no' as const },
    ];
    await indices.load(more, new Date());
    const incremental = await indices.runBatch(['--mode', 'incremental']);
    expect(incremental).toMatchObject({ code: 0 });
    const finished = logLines(incremental.output).find((line) => line.msg === 'batch finished');
    expect(finished).toMatchObject({ mode: 'incremental', success: true });
    const afterIncremental = {
      groups: Object.fromEntries(await indices.contents(indices.groups)),
      events: Object.fromEntries(await indices.contents(indices.events)),
    };
    expect(afterIncremental.groups['999001:2017-03-03']).toBeUndefined();
    expect(afterIncremental.groups['999001:2017-03-06']).toMatchObject({ responses: 1, no: 1 });

    const full = await indices.runBatch(['--mode', 'full']);
    expect(full).toMatchObject({ code: 0 });
    const afterFull = {
      groups: Object.fromEntries(await indices.contents(indices.groups)),
      events: Object.fromEntries(await indices.contents(indices.events)),
    };
    expect(afterIncremental).toEqual(afterFull);
    const reference = referenceStats([...base, ...more]);
    expect(afterFull).toEqual({
      groups: Object.fromEntries(reference.groups),
      events: Object.fromEntries(reference.events),
    });
  }, 600_000);
});
