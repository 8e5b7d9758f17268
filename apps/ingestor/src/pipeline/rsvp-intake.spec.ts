import { DlqHeaders, RejectionCode, RsvpValidator } from '@meetup/contracts';
import { recordedLines } from '@meetup/fixtures';
import { Registry } from '@meetup/observability';
import { createIngestorMetrics, type IngestorMetrics } from '../ingestor.metrics';
import { ShardFilter, type ShardLayout } from '../sharding/shard-filter';
import { IngestBuffer } from './ingest-buffer';
import { Headers, RsvpIntake } from './rsvp-intake';
import { SourcePosition } from './source-position';

const SOURCE = { name: 'meetup', url: 'ws://stream.test/2/rsvps', topic: 'meetup.rsvps' };
const DLQ = 'meetup.rsvps.dlq';
const RECEIVED_AT = new Date('2026-03-01T12:00:00.000Z');

/** The first valid recorded RSVP: the template every message of these tests is made from. */
const TEMPLATE = JSON.parse(
  recordedLines().find((line) => new RsvpValidator().validateRaw(line.raw).ok)?.raw ?? '{}',
) as { event: { event_id: string } };

function rsvp(rsvpId: number, mtime: number): Buffer {
  return Buffer.from(JSON.stringify({ ...TEMPLATE, rsvp_id: rsvpId, mtime }));
}

async function total(counter: IngestorMetrics['received']): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

function intake(layout: ShardLayout = { index: 0, count: 1, redundancy: 1 }) {
  const buffer = new IngestBuffer(100);
  const metrics = createIngestorMetrics(new Registry());
  const position = new SourcePosition(undefined);
  const subject = new RsvpIntake({
    validator: new RsvpValidator({ maxBytes: 64 * 1024 }),
    shard: new ShardFilter(layout),
    buffer,
    dlqTopic: DLQ,
    replica: layout.index,
    metrics,
    now: () => RECEIVED_AT,
  });
  const accept = (raw: Buffer) => {
    subject.accept(SOURCE, position, raw);
  };
  return { accept, buffer, metrics, position };
}

describe('RsvpIntake', () => {
  it('queues a valid RSVP for its source’s topic, keyed by event, its bytes unchanged', async () => {
    const { accept, buffer, metrics } = intake({ index: 1, count: 3, redundancy: 1 });
    const raw = rsvp(1_000_000_000, 1_700_000_000_000);
    accept(raw);
    const [queued] = buffer.take(10);
    expect(queued).toEqual({
      topic: 'meetup.rsvps',
      key: TEMPLATE.event.event_id,
      value: raw,
      headers: { [Headers.source]: 'meetup', [Headers.replica]: '1' },
      source: 'meetup',
      watermark: 1_700_000_000_000,
    });
    expect(await total(metrics.received)).toBe(1);
  });

  it('gives each record the newest mtime received so far as its watermark, out-of-order ones too', () => {
    const { accept, buffer, position } = intake();
    accept(rsvp(1, 2_000));
    accept(rsvp(2, 1_500));
    expect(buffer.take(10).map((r) => r.watermark)).toEqual([2_000, 2_000]);
    expect(position.received).toBe(2_000);
    expect(position.done).toBeUndefined();
  });

  it('queues an invalid message for the DLQ with the reason, without a key', () => {
    const { accept, buffer } = intake();
    const raw = Buffer.from('{"rsvp_id": 1');
    accept(raw);
    const [queued] = buffer.take(10);
    expect(queued).toMatchObject({ topic: DLQ, key: null, value: raw, source: 'meetup' });
    expect(queued?.dlqReason).toBe(RejectionCode.NotJson);
    expect(queued?.headers).toMatchObject({
      [DlqHeaders.reasonCode]: RejectionCode.NotJson,
      [DlqHeaders.source]: 'meetup',
      [DlqHeaders.receivedAt]: '2026-03-01T12:00:00.000Z',
    });
  });

  it('gives a dead letter the watermark of the valid records before it, not one of its own', () => {
    const { accept, buffer } = intake();
    accept(rsvp(1, 2_000));
    accept(Buffer.from('{"mtime": 9999999999999'));
    expect(buffer.take(10).map((r) => r.watermark)).toEqual([2_000, 2_000]);
  });

  it('leaves another replica’s RSVP to it, yet moves the position past it', async () => {
    const { accept, buffer, metrics, position } = intake({ index: 0, count: 2, redundancy: 1 });
    accept(rsvp(3, 5_000));
    expect(buffer.size).toBe(0);
    expect(position.done).toBe(5_000);
    expect(await total(metrics.shardSkipped)).toBe(1);
    expect(await total(metrics.received)).toBe(1);
  });

  it('keeps the RSVPs of its own shard and of its predecessors’ under redundancy', () => {
    const { accept, buffer } = intake({ index: 1, count: 3, redundancy: 2 });
    // Shards of 10…15: 1, 2, 0, 1, 2, 0; replica 1 keeps shard 1 and its predecessor's, 0.
    [10, 11, 12, 13, 14, 15].forEach((id) => {
      accept(rsvp(id, 1_000 + id));
    });
    expect(buffer.take(10).map((r) => r.watermark)).toEqual([1_010, 1_012, 1_013, 1_015]);
  });

  it('dead-letters each invalid message on exactly one replica without redundancy', () => {
    const replicas = [0, 1, 2].map((index) => intake({ index, count: 3, redundancy: 1 }));
    const messages = ['{', 'not json', '[]', '{"rsvp_id":"x"}', ''].map((t) => Buffer.from(t));
    for (const raw of messages) {
      for (const replica of replicas) replica.accept(raw);
    }
    const queued = replicas.map((replica) => replica.buffer.size);
    expect(queued.reduce((a, b) => a + b, 0)).toBe(messages.length);
  });

  it('moves the position past a skipped message once the record before it is acknowledged', () => {
    const { accept, position } = intake({ index: 0, count: 2, redundancy: 1 });
    accept(rsvp(2, 1_000));
    accept(rsvp(3, 2_000));
    expect(position.done).toBeUndefined();
    position.acknowledged(1, 1_000);
    expect(position.done).toBe(2_000);
  });
});
