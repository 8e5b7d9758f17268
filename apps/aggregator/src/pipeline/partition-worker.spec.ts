import type { Message } from 'kafkajs';
import { DlqHeaders, RsvpValidator } from '@meetup/contracts';
import {
  WriteAbandonedError,
  type BulkOperation,
  type BulkWriteOptions,
  type BulkWriteResult,
} from '@meetup/elasticsearch';
import { KAFKA_REQUEST_BYTES } from '@meetup/kafka';
import { memoryLogger, Registry } from '@meetup/observability';
import { PartitionPartials } from '@meetup/partition-partials';
import { RsvpDedupState } from '@meetup/rsvp-dedup';
import { PartitionWatermark } from '@meetup/windowing';
import { AggregatorMetrics } from '../aggregator.metrics';
import { PartitionState } from './partition-state';
import { PartitionWorker, refusedDeadLetters, type DeadLetterTopic } from './partition-worker';
import { RecordProcessor, type InputRecord } from './record-processor';

const rsvp = (id: number, mtime: number, country = 'gb') => ({
  rsvp_id: id,
  mtime,
  response: 'yes',
  guests: 1,
  member: { member_id: 1 },
  event: { event_id: 'e1', event_name: 'Run' },
  group: {
    group_id: 2,
    group_name: 'Runners',
    group_city: 'London',
    group_country: country,
    group_urlname: 'runners',
    group_lat: 51.5,
    group_lon: -0.1,
    group_topics: [{ topic_name: 'Running', urlkey: 'running' }],
  },
});

const record = (offset: number, value: unknown): InputRecord => ({
  offset,
  key: Buffer.from(`key-${offset}`),
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
});

/** Stores documents in memory; refuses for good (400) those `refuses` picks. */
class MemoryWriter {
  readonly stored: BulkOperation<InputRecord>[] = [];
  readonly calls: { target: string; options: BulkWriteOptions | undefined }[] = [];
  refuses: (operation: BulkOperation<InputRecord>) => boolean = () => false;
  failure: Error | undefined;

  write<Ref>(
    target: string,
    operations: readonly BulkOperation<Ref>[],
    options?: BulkWriteOptions,
  ): Promise<BulkWriteResult<Ref>> {
    this.calls.push({ target, options });
    if (this.failure) return Promise.reject(this.failure);
    const result: BulkWriteResult<Ref> = { stored: 0, dropped: [] };
    for (const operation of operations) {
      if (this.refuses(operation as BulkOperation<unknown> as BulkOperation<InputRecord>)) {
        result.dropped.push({
          ref: operation.ref,
          operation,
          status: 400,
          reason: 'document_parsing_exception: failed to parse field [guests]',
        });
      } else {
        this.stored.push(operation as BulkOperation<unknown> as BulkOperation<InputRecord>);
        result.stored += 1;
      }
    }
    return Promise.resolve(result);
  }
}

class MemoryDeadLetterTopic implements DeadLetterTopic {
  readonly requests: Message[][] = [];
  send(messages: Message[]): Promise<void> {
    this.requests.push(messages);
    return Promise.resolve();
  }
  get messages(): Message[] {
    return this.requests.flat();
  }
}

function setUp() {
  const { logger, lines: logs } = memoryLogger('aggregator');
  const metrics = new AggregatorMetrics(new Registry());
  const writer = new MemoryWriter();
  const dlq = new MemoryDeadLetterTopic();
  const worker = new PartitionWorker({
    processor: new RecordProcessor({ validator: new RsvpValidator(), aggregates: true }),
    writer,
    dlq,
    metrics,
    logger,
    topic: 'meetup.rsvps',
    dlqTopic: 'meetup.rsvps.dlq',
    rawIndex: 'meetup_rsvps',
    partialsIndexFor: (start) => `meetup_rsvp_partials-p${Math.floor(start / 3_600_000)}`,
    partialsIntervalMs: 60_000,
  });
  const state = new PartitionState(
    4,
    0,
    new RsvpDedupState(),
    new PartitionWatermark(60_000),
    new PartitionPartials({ bucketMs: 60_000, paneMs: 10_000 }),
  );
  return { logs, metrics, writer, dlq, worker, state };
}

const keepGoing = () => Promise.resolve(true);
const header = (message: Message | undefined, name: string) => message?.headers?.[name]?.toString();

async function counterValue(
  counter: { get(): Promise<{ values: { value: number; labels: object }[] }> },
  labels: object = {},
): Promise<number> {
  const { values } = await counter.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as never)[k] === l))
    .reduce((sum, v) => sum + v.value, 0);
}

describe('PartitionWorker', () => {
  it('writes raw documents versioned by mtime, in one request with the partials', async () => {
    const { worker, writer, state } = setUp();
    const hour = 3_600_000;
    await worker.apply(
      state,
      [record(0, rsvp(7, 5 * hour + 1)), record(1, rsvp(8, 6 * hour))],
      keepGoing,
    );
    expect(
      writer.stored
        .filter((o) => !o.index.startsWith('meetup_rsvp_partials'))
        .map((o) => [o.index, o.id, 'version' in o ? o.version : undefined]),
    ).toEqual([
      ['meetup_rsvps', '7', 5 * hour + 1],
      ['meetup_rsvps', '8', 6 * hour],
    ]);
    expect(writer.calls).toEqual([{ target: 'rsvps', options: { keepGoing } }]);
    expect(state.nextOffset).toBe(2);
  });

  it('writes the partials with a batch, versioned by the next offset, then waits for the interval', async () => {
    const { worker, writer, state } = setUp();
    await worker.apply(state, [record(0, rsvp(1, 61_000)), record(1, rsvp(2, 62_000))], keepGoing);
    /** The partials written since last asked. */
    const partials = () =>
      writer.stored.splice(0).filter((o) => o.index.startsWith('meetup_rsvp_partials'));
    const docOf = (o: BulkOperation<InputRecord> | undefined) =>
      o && 'doc' in o ? o.doc : undefined;
    const first = partials();
    expect(first.map((o) => [o.index, o.id, 'version' in o ? o.version : undefined])).toEqual([
      ['meetup_rsvp_partials-p0', '4:bucket:60000', 2],
      ['meetup_rsvp_partials-p0', '4:pane:60000', 2],
    ]);
    expect(docOf(first[0])).toEqual({
      partition: 4,
      kind: 'bucket',
      start: 60_000,
      offset: 2,
      final: false,
      messages: 2,
      first_mtime: 61_000,
      last_mtime: 62_000,
      counts: { 'gb|yes': [2, 2, 4] },
    });
    // Within the interval, the next batch leaves its changes pending…
    await worker.apply(state, [record(2, rsvp(3, 63_000))], keepGoing);
    expect(partials()).toEqual([]);
    expect(state.partialsPending).toBe(true);
    // …for the timer or the snapshot to write.
    await worker.publishPartials(state, keepGoing);
    expect(partials().map((o) => [o.id, docOf(o)])).toEqual([
      ['4:bucket:60000', expect.objectContaining({ offset: 3, messages: 3 })],
      ['4:pane:60000', expect.objectContaining({ offset: 3, messages: 3 })],
    ]);
    expect(state.partialsPending).toBe(false);
    await worker.publishPartials(state, keepGoing);
    expect(partials()).toEqual([]);
  });

  it('writes a bucket or pane final once the partition watermark minus the lateness passes its end', async () => {
    const { worker, writer, state } = setUp();
    await worker.apply(state, [record(0, rsvp(1, 61_000))], keepGoing);
    writer.stored.length = 0;
    // Lateness 60 s: a watermark of 180,000 closes what ends at or before 120,000.
    await worker.apply(state, [record(1, rsvp(2, 180_000))], keepGoing);
    await worker.publishPartials(state, keepGoing);
    const written = writer.stored
      .filter((o) => o.index.startsWith('meetup_rsvp_partials'))
      .map((o) => [o.id, 'doc' in o && (o.doc as { final: boolean }).final]);
    expect(written).toEqual([
      ['4:bucket:60000', true],
      ['4:pane:60000', true],
      ['4:bucket:180000', false],
      ['4:pane:180000', false],
    ]);
    expect(state.partials.open().buckets.map((b) => b.start)).toEqual([180_000]);
  });

  it('stops the partition when Elasticsearch refuses a partial document for good', async () => {
    const { worker, writer, state } = setUp();
    writer.refuses = (operation) => operation.index.startsWith('meetup_rsvp_partials');
    await expect(worker.apply(state, [record(0, rsvp(1, 1_000))], keepGoing)).rejects.toThrow(
      /elasticsearch refused a partial document for meetup_rsvp_partials-p0 \(400\)/,
    );
  });

  it('sends an invalid record to the dead-letter topic as it came, with the reason and where it was read', async () => {
    const { worker, dlq, state, logs } = setUp();
    await worker.apply(state, [record(0, rsvp(1, 1_000)), record(1, '{oops')], keepGoing);
    expect(dlq.messages).toHaveLength(1);
    const [letter] = dlq.messages;
    expect(letter?.key).toEqual(Buffer.from('key-1'));
    expect(letter?.value).toEqual(Buffer.from('{oops'));
    expect(header(letter, DlqHeaders.reasonCode)).toBe('not_json');
    expect(header(letter, DlqHeaders.source)).toBe('meetup.rsvps/4');
    expect(header(letter, 'dlq.source.offset')).toBe('1');
    expect(logs).toContainEqual(
      expect.objectContaining({
        msg: 'record sent to the dead-letter topic',
        partition: 4,
        offset: 1,
        reason: 'not_json',
      }),
    );
  });

  it('dead-letters a record whose raw document Elasticsearch refuses for good', async () => {
    const { worker, writer, dlq, state, metrics } = setUp();
    writer.refuses = (operation) => operation.id?.startsWith('9') ?? false;
    await worker.apply(state, [record(0, rsvp(9, 1_000)), record(1, rsvp(10, 2_000))], keepGoing);
    expect(dlq.messages).toHaveLength(1);
    const [letter] = dlq.messages;
    expect(header(letter, 'dlq.source.offset')).toBe('0');
    expect(header(letter, DlqHeaders.reasonCode)).toBe('es_rejected');
    expect(header(letter, DlqHeaders.reasonMessage)).toBe(
      'elasticsearch refused the document for meetup_rsvps (400): document_parsing_exception: failed to parse field [guests]',
    );
    expect(await counterValue(metrics.recordsDlq, { reason: 'es_rejected' })).toBe(1);
  });

  it("sends dead letters in requests under Kafka's request size, in offset order", async () => {
    const { worker, dlq, state } = setUp();
    const big = 'x'.repeat(Math.floor(KAFKA_REQUEST_BYTES * 0.4));
    await worker.apply(
      state,
      [0, 1, 2, 3, 4].map((offset) => record(offset, big)),
      keepGoing,
    );
    expect(dlq.requests.map((r) => r.length)).toEqual([2, 2, 1]);
    expect(dlq.messages.map((m) => header(m, 'dlq.source.offset'))).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
    ]);
  });

  it('sends nothing to the dead-letter topic for a clean batch', async () => {
    const { worker, dlq, state } = setUp();
    await worker.apply(state, [record(0, rsvp(1, 1_000))], keepGoing);
    expect(dlq.requests).toEqual([]);
  });

  it('counts records in, counted, duplicates and late records, and reports the state size', async () => {
    const { worker, state, metrics } = setUp();
    await worker.apply(
      state,
      [
        record(0, rsvp(1, 1_000_000)),
        record(1, rsvp(1, 1_000_000)),
        record(2, rsvp(2, 1_000_000 - 61_000)),
        record(3, 'nope'),
      ],
      keepGoing,
    );
    expect(await counterValue(metrics.recordsIn)).toBe(4);
    expect(await counterValue(metrics.recordsCounted)).toBe(1);
    expect(await counterValue(metrics.recordsDuplicate)).toBe(1);
    expect(await counterValue(metrics.recordsLate)).toBe(1);
    expect(await counterValue(metrics.recordsDlq, { reason: 'not_json' })).toBe(1);
    expect(await counterValue(metrics.stateSize, { partition: '4' })).toBe(2);
  });

  it('fails the batch when the write is abandoned, before any dead letter goes out', async () => {
    const { worker, writer, dlq, state, metrics } = setUp();
    writer.failure = new WriteAbandonedError();
    await expect(
      worker.apply(state, [record(0, rsvp(1, 1_000)), record(1, '{oops')], keepGoing),
    ).rejects.toBeInstanceOf(WriteAbandonedError);
    expect(dlq.requests).toEqual([]);
    expect(await counterValue(metrics.recordsIn)).toBe(0);
  });
});

describe('refusedDeadLetters', () => {
  it('names the index, the status and the reason Elasticsearch gave', () => {
    const rec = record(3, 'x');
    const letters = refusedDeadLetters([
      {
        ref: rec,
        operation: { index: 'meetup_rsvps', id: '1', doc: {}, ref: rec },
        status: 400,
        reason: 'mapper_parsing_exception: bad',
      },
    ]);
    expect(letters).toEqual([
      {
        record: rec,
        rejection: {
          code: 'es_rejected',
          field: '',
          message:
            'elasticsearch refused the document for meetup_rsvps (400): mapper_parsing_exception: bad',
        },
      },
    ]);
  });
});
