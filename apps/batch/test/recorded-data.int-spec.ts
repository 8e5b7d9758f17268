import { testElasticsearch } from '@meetup/test-support';
import { referenceStats } from './support/reference-stats';
import { BatchTestIndices, logLines, recordedRsvps } from './support/batch-env';

describe('the batch over the recorded Meetup data', () => {
  const es = testElasticsearch();
  afterAll(() => es.close());

  it('computes per-group-day, all-time group and per-event statistics equal to the reference', async () => {
    const indices = new BatchTestIndices(es);
    await indices.bootstrap();
    const records = recordedRsvps();
    await indices.load(records, new Date(), 1);

    const run = await indices.runBatch();
    expect(run).toMatchObject({ code: 0 });

    const reference = referenceStats(records);
    const groups = await indices.contents(indices.groups);
    const events = await indices.contents(indices.events);
    expect(groups.size).toBe(reference.groups.size);
    expect(Object.fromEntries(groups)).toEqual(Object.fromEntries(reference.groups));
    expect(Object.fromEntries(events)).toEqual(Object.fromEntries(reference.events));

    const finished = logLines(run.output).find((line) => line.msg === 'batch finished');
    expect(finished).toMatchObject({
      mode: 'full',
      success: true,
      metrics: {
        meetup_batch_documents_scanned: new Set(records.map((r) => r.rsvp_id)).size,
        meetup_batch_groups_written: reference.groups.size,
        meetup_batch_events_written: reference.events.size,
      },
    });
  });
});
