import { Client } from '@elastic/elasticsearch';
import { freePort, testElasticsearch, uniqueName } from '@meetup/test-support';
import {
  BulkWriteError,
  BulkWriter,
  encodeOperation,
  WriteAbandonedError,
  type BulkOperation,
  type BulkRequestReport,
} from '../src';

const NO_WAIT = { initialMs: 1, maxMs: 5, jitter: 0 };

describe('BulkWriter on the real Elasticsearch', () => {
  const es = testElasticsearch();
  const indices: string[] = [];

  /** An index of this test's own, `dynamic: strict`: a field it does not know is refused. */
  async function strictIndex(): Promise<string> {
    const index = uniqueName('bulk-writer');
    await es.indices.create({
      index,
      mappings: { dynamic: 'strict', properties: { n: { type: 'integer' } } },
    });
    indices.push(index);
    return index;
  }

  afterAll(async () => {
    if (indices.length > 0) await es.indices.delete({ index: indices, ignore_unavailable: true });
    await es.close();
  });

  it('stores documents, and takes an older external version as already newer', async () => {
    const index = await strictIndex();
    const writer = new BulkWriter({ client: es });
    await writer.write('t', [{ index, id: 'a', doc: { n: 2 }, version: 20, ref: 'new' }]);
    const result = await writer.write(
      't',
      [
        { index, id: 'a', doc: { n: 1 }, version: 10, ref: 'old' },
        { index, id: 'b', doc: { n: 3 }, ref: 'b' },
      ],
      { refresh: true },
    );
    expect(result).toEqual({ stored: 2, dropped: [] });
    const stored = await es.get<{ n: number }>({ index, id: 'a' });
    expect(stored._source).toEqual({ n: 2 });
    expect(stored._version).toBe(20);
  });

  it('hands back the documents the mapping refuses, and stores the others', async () => {
    const index = await strictIndex();
    const writer = new BulkWriter({ client: es });
    const result = await writer.write('t', [
      { index, id: 'ok', doc: { n: 1 }, ref: 'ok' },
      { index, id: 'unknown-field', doc: { n: 1, extra: true }, ref: 'unknown-field' },
      { index, id: 'not-a-number', doc: { n: 'many' }, ref: 'not-a-number' },
    ]);
    expect(result.stored).toBe(1);
    expect(result.dropped.map((d) => [d.ref, d.status])).toEqual([
      ['unknown-field', 400],
      ['not-a-number', 400],
    ]);
    expect(result.dropped[0]?.reason).toMatch(/strict_dynamic_mapping_exception/);
    expect(result.dropped[1]?.reason).toMatch(/failed to parse field \[n\]/);
  });

  it('counts deleting a document that is not there as done', async () => {
    const index = await strictIndex();
    const writer = new BulkWriter({ client: es });
    await writer.write('t', [{ index, id: 'here', doc: { n: 1 }, ref: null }]);
    const result = await writer.write(
      't',
      [
        { delete: true, index, id: 'here', ref: null },
        { delete: true, index, id: 'never-was', ref: null },
      ],
      { refresh: true },
    );
    expect(result).toEqual({ stored: 2, dropped: [] });
    expect((await es.count({ index })).count).toBe(0);
  });

  it('splits a write into requests of at most flushBytes', async () => {
    const index = await strictIndex();
    const reports: BulkRequestReport[] = [];
    const flushBytes = 4_000;
    const writer = new BulkWriter({
      client: es,
      flushBytes,
      concurrency: 2,
      onRequest: (report) => reports.push(report),
    });
    const operations: BulkOperation<null>[] = Array.from({ length: 300 }, (_, i) => ({
      index,
      id: String(i),
      doc: { n: i },
      ref: null,
    }));
    const bytes = operations.reduce((sum, op) => sum + encodeOperation(op).bytes, 0);
    const result = await writer.write('t', operations, { refresh: true });
    expect(result.stored).toBe(300);
    expect(reports.length).toBeGreaterThanOrEqual(Math.ceil(bytes / flushBytes));
    expect(reports.reduce((sum, r) => sum + r.documents, 0)).toBe(300);
    expect((await es.count({ index })).count).toBe(300);
  });

  describe('when Elasticsearch does not answer', () => {
    let away: Client;
    beforeAll(async () => {
      // A port nobody listens on: every request fails as a whole.
      away = new Client({ node: `http://127.0.0.1:${await freePort()}`, requestTimeout: 10_000 });
    });
    afterAll(() => away.close());

    const operations = [{ index: 'any', id: '1', doc: { n: 1 }, ref: null }];

    it('retries within its bound, then fails with the cause', async () => {
      const reports: BulkRequestReport[] = [];
      const writer = new BulkWriter({
        client: away,
        retries: 2,
        backoff: NO_WAIT,
        onRequest: (report) => reports.push(report),
      });
      const failure = writer.write('t', operations);
      await expect(failure).rejects.toBeInstanceOf(BulkWriteError);
      await expect(failure).rejects.toMatchObject({ cause: expect.any(Error) as Error });
      expect(reports.map((r) => r.failed)).toEqual([true, true, true]);
    });

    it('asks between retries whether to go on, and abandons the write when told to stop', async () => {
      let asked = 0;
      const writer = new BulkWriter({ client: away, retries: Infinity, backoff: NO_WAIT });
      const keepGoing = () => Promise.resolve((asked += 1) < 3);
      await expect(writer.write('t', operations, { keepGoing })).rejects.toBeInstanceOf(
        WriteAbandonedError,
      );
      expect(asked).toBe(3);
    });
  });
});
