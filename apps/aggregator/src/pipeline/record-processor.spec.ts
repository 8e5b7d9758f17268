import { RsvpValidator } from '@meetup/contracts';
import { PartitionPartials } from '@meetup/partition-partials';
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
  return new PartitionState(
    0,
    0,
    new RsvpDedupState(),
    new PartitionWatermark(120_000),
    new PartitionPartials({ bucketMs: 60_000, paneMs: 10_000 }),
  );
}

describe('RecordProcessor', () => {
  const processor = new RecordProcessor({ validator: new RsvpValidator(), aggregates: true });

  it('indexes every valid record but counts a resend once', () => {
    const out = processor.process(fresh(), [record(rsvp(1, 1_000)), record(rsvp(1, 2_000))]);
    expect(out.raw).toHaveLength(2);
    expect(out.counts).toMatchObject({ counted: 1, duplicate: 1 });
  });

  it('adds each counted message, and only those, to the partition partials', () => {
    const state = fresh();
    processor.process(state, [
      record(rsvp(1, 1_000)),
      record(rsvp(1, 2_000)), // a resend
      record(rsvp(2, 1_000_000)),
      record(rsvp(3, 1_000_000 - 120_001)), // late
      record(rsvp(2, 1_000_500, 'no')), // a changed answer
    ]);
    const { buckets, panes } = state.partials.open();
    expect(buckets.map((b) => [b.start, Object.fromEntries(b.counts)])).toEqual([
      [0, { 'gb|yes': { responses: 1, guests: 0, attendees: 1 } }],
      [
        960_000,
        {
          'gb|yes': { responses: 1, guests: 0, attendees: 1 },
          'gb|no': { responses: 1, guests: 0, attendees: 0 },
        },
      ],
    ]);
    // One topic per distinct urlkey, in the world and in the country.
    expect(panes.map((p) => [p.start, p.counts.get('\trunning\tRunning')])).toEqual([
      [0, 1],
      [1_000_000, 2],
    ]);
  });

  it('keeps a late record out of the aggregates but in the raw index', () => {
    const state = fresh();
    const out = processor.process(state, [
      record(rsvp(1, 1_000_000)),
      record(rsvp(2, 1_000_000 - 120_001)),
    ]);
    expect(out.raw).toHaveLength(2);
    expect(state.partials.open().buckets.map((b) => b.messages)).toEqual([1]);
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
    expect(out.counts).toEqual({ valid: 6, counted: 3, duplicate: 1, late: 2, idle: 0 });
    expect(out.counts.counted + out.counts.duplicate + out.counts.late).toBe(out.counts.valid);
  });

  it('turns poison into dead letters and moves the offset past them', () => {
    const state = fresh();
    const out = processor.process(state, [record('{oops'), record({ rsvp_id: 'x' })]);
    expect(out.deadLetters.map((d) => d.rejection.code)).toEqual(['not_json', 'invalid_field']);
    expect(state.nextOffset).toBe(offset);
  });

  it('advances the watermark at an idle marker, so a record behind it by more than the lateness is late', () => {
    const state = fresh();
    const marker: InputRecord = {
      offset: offset++,
      key: null,
      value: null,
      idleWatermark: 2_000_000,
    };
    const out = processor.process(state, [
      record(rsvp(1, 1_000_000)),
      marker,
      record(rsvp(2, 2_000_000 - 120_000)),
      record(rsvp(3, 2_000_000 - 120_001)),
    ]);
    expect(state.watermark.value).toBe(2_000_000);
    expect(out.counts).toEqual({ valid: 3, counted: 2, duplicate: 0, late: 1, idle: 1 });
    expect(out.raw.map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(out.deadLetters).toEqual([]);
    expect(state.nextOffset).toBe(offset);
  });

  it('never moves the watermark back at an idle marker older than the records', () => {
    const state = fresh();
    processor.process(state, [
      record(rsvp(1, 5_000_000)),
      { offset: offset++, key: null, value: null, idleWatermark: 4_000_000 },
    ]);
    expect(state.watermark.value).toBe(5_000_000);
  });
});
