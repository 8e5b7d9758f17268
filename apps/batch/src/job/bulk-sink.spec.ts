import type { BulkOperation, BulkWriteResult } from '@meetup/elasticsearch';
import { BulkSink, type DocumentWriter } from './bulk-sink';

/** A writer that records each hand-over and answers when the test lets it. */
class RecordingWriter implements DocumentWriter {
  readonly handed: { target: string; operations: readonly BulkOperation<null>[] }[] = [];
  readonly pending: (() => void)[] = [];
  hold = false;
  refuse: string | undefined;

  write(target: string, operations: readonly BulkOperation<null>[]) {
    this.handed.push({ target, operations });
    const dropped = operations
      .filter((op) => op.id === this.refuse)
      .map((operation) => ({
        ref: null,
        operation,
        status: 400,
        reason: 'mapper_parsing_exception',
      }));
    const result: BulkWriteResult<null> = { stored: operations.length - dropped.length, dropped };
    if (!this.hold) return Promise.resolve(result);
    return new Promise<BulkWriteResult<null>>((resolve) =>
      this.pending.push(() => {
        resolve(result);
      }),
    );
  }
}

const doc = (id: string) => ({ id, document: { id } });

describe('BulkSink', () => {
  it('hands documents over a batch at a time, and the rest on flush', async () => {
    const writer = new RecordingWriter();
    const sink = new BulkSink(writer, 'groups-v1', 2);
    await sink.write([doc('a')]);
    expect(writer.handed).toHaveLength(0);
    await sink.write([doc('b'), doc('c')]);
    await sink.delete(['old']);
    await sink.flush();
    expect(writer.handed.map((h) => h.operations.map((op) => op.id))).toEqual([
      ['a', 'b', 'c'],
      ['old'],
    ]);
    expect(writer.handed[0]?.target).toBe('groups-v1');
    expect(writer.handed[1]?.operations[0]).toMatchObject({ delete: true, index: 'groups-v1' });
    expect({ written: sink.written, deleted: sink.deleted }).toEqual({ written: 3, deleted: 1 });
  });

  it('keeps one hand-over in flight: the next waits for it', async () => {
    const writer = new RecordingWriter();
    writer.hold = true;
    const sink = new BulkSink(writer, 'events-v1', 1);
    await sink.write([doc('a')]);
    const second = sink.write([doc('b')]);
    await Promise.resolve();
    expect(writer.handed).toHaveLength(1);
    writer.pending.shift()?.();
    await second;
    expect(writer.handed).toHaveLength(2);
    const flushed = sink.flush();
    writer.pending.shift()?.();
    await flushed;
  });

  it('fails the run at the next hand-over when Elasticsearch refused a document', async () => {
    const writer = new RecordingWriter();
    writer.refuse = 'b';
    const sink = new BulkSink(writer, 'groups-v1', 2);
    await sink.write([doc('a'), doc('b')]);
    await expect(sink.flush()).rejects.toThrow(
      'bulk write into groups-v1: 1 documents refused (400: mapper_parsing_exception)',
    );
  });

  it('sends nothing when nothing is buffered', async () => {
    const writer = new RecordingWriter();
    await new BulkSink(writer, 'groups-v1').flush();
    expect(writer.handed).toHaveLength(0);
  });
});
