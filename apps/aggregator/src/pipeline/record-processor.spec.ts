import { RsvpValidator } from '@meetup/contracts';
import { RsvpDedupState } from '@meetup/rsvp-dedup';
import { PartitionWatermark } from '@meetup/windowing';
import { PartitionState } from './partition-state';
import { RecordProcessor, type InputRecord } from './record-processor';

const rsvp = (id: number, mtime: number, response = 'yes') => ({
  rsvp_id: id,
  mtime,
  response,
  guests: 0,
  member: { member_id: 1 },
  event: { event_id: 'e1', event_name: 'Run' },
  group: {
    group_id: 2,
    group_name: 'Runners',
    group_city: 'London',
    group_country: 'gb',
    group_urlname: 'runners',
    group_lat: 51.5,
    group_lon: -0.1,
    group_topics: [
      { topic_name: 'Running', urlkey: 'running' },
      { topic_name: 'Running again', urlkey: 'running' },
    ],
  },
});

let offset = 0;
const record = (value: unknown): InputRecord => ({
  offset: offset++,
  key: null,
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

function fresh(): PartitionState {
  return new PartitionState(0, 0, new RsvpDedupState(), new PartitionWatermark(120_000));
}

describe('RecordProcessor', () => {
  const processor = new RecordProcessor({ validator: new RsvpValidator(), aggregates: true });

  it('indexes every valid record but counts a resend once', () => {
    const out = processor.process(fresh(), [record(rsvp(1, 1_000)), record(rsvp(1, 2_000))]);
    expect(out.raw).toHaveLength(2);
    expect(out.activity.map((a) => a.id)).toEqual(['1:1000']);
    expect(out.activity[0]?.doc.topics).toEqual(['running\tRunning']);
    expect(out.counts).toMatchObject({ counted: 1, duplicate: 1 });
  });

  it('keeps a late record out of the aggregates but in the raw index', () => {
    const out = processor.process(fresh(), [
      record(rsvp(1, 1_000_000)),
      record(rsvp(2, 1_000_000 - 120_001)),
    ]);
    expect(out.raw).toHaveLength(2);
    expect(out.activity).toHaveLength(1);
    expect(out.counts.late).toBe(1);
  });

  it('puts every record in exactly one count: a late resend is a duplicate, not also late', () => {
    const state = fresh();
    const out = processor.process(state, [
      record(rsvp(1, 1_000_000)),
      record(rsvp(2, 1_000_000 - 60_000)),
      record(rsvp(3, 2_000_000)),
      // Now 2 min behind the watermark: a resend of 2, a new answer of 2, a new RSVP.
      record(rsvp(2, 1_000_000 - 60_000)),
      record(rsvp(2, 1_000_000 - 50_000, 'no')),
      record(rsvp(4, 1_000_000)),
    ]);
    expect(out.counts).toEqual({ valid: 6, counted: 3, duplicate: 1, late: 2 });
    expect(out.counts.counted + out.counts.duplicate + out.counts.late).toBe(out.counts.valid);
  });

  it('turns poison into dead letters and moves the offset past them', () => {
    const state = fresh();
    const out = processor.process(state, [record('{oops'), record({ rsvp_id: 'x' })]);
    expect(out.deadLetters.map((d) => d.rejection.code)).toEqual(['not_json', 'invalid_field']);
    expect(state.nextOffset).toBe(offset);
  });
});
