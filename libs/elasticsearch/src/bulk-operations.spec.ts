import type { estypes } from '@elastic/elasticsearch';
import {
  chunkByBytes,
  classifyItem,
  encodeOperation,
  itemErrorReason,
  outcomeOf,
  type BulkOperation,
} from './bulk-operations';

const doc = (id: string, extra: Partial<BulkOperation<string>> = {}): BulkOperation<string> => ({
  index: 'idx',
  id,
  doc: { id },
  ref: id,
  ...extra,
});

describe('encodeOperation', () => {
  it('writes an external version into the action line', () => {
    const encoded = encodeOperation(doc('1', { version: 42 }));
    expect(encoded.lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { index: { _index: 'idx', _id: '1', version: 42, version_type: 'external' } },
      { id: '1' },
    ]);
  });

  it('lets Elasticsearch choose the id when there is none, and deletes by id', () => {
    const { lines: indexed } = encodeOperation({ index: 'h', doc: { a: 1 }, ref: null });
    const { lines: deleted } = encodeOperation({ delete: true, index: 'g', id: '7', ref: null });
    expect(JSON.parse(indexed[0] ?? '')).toEqual({ index: { _index: 'h' } });
    expect(deleted.map((line) => JSON.parse(line) as unknown)).toEqual([
      { delete: { _index: 'g', _id: '7' } },
    ]);
  });

  it('counts UTF-8 bytes, newlines included', () => {
    const encoded = encodeOperation({ index: 'i', id: 'x', doc: { name: 'é' }, ref: null });
    const body = encoded.lines.map((line) => `${line}\n`).join('');
    expect(encoded.bytes).toBe(Buffer.byteLength(body, 'utf8'));
    expect(encoded.bytes).toBe(body.length + 1);
  });
});

describe('chunkByBytes', () => {
  const sized = (...bytes: number[]) => bytes.map((b, i) => ({ i, bytes: b }));
  const indices = (chunks: { i: number }[][]) => chunks.map((c) => c.map((x) => x.i));

  it('fills each request up to the byte limit, in order', () => {
    expect(indices(chunkByBytes(sized(40, 40, 20, 50, 60), 100))).toEqual([[0, 1, 2], [3], [4]]);
  });

  it('sends a document larger than the limit on its own', () => {
    expect(indices(chunkByBytes(sized(10, 500, 10), 100))).toEqual([[0], [1], [2]]);
  });

  it('sends nothing for nothing', () => {
    expect(chunkByBytes([], 100)).toEqual([]);
  });

  it('splits by size, not by count: many small documents share one request', () => {
    const chunks = chunkByBytes(
      Array.from({ length: 10_000 }, () => ({ bytes: 100 })),
      5_000_000,
    );
    expect(chunks).toHaveLength(1);
  });
});

describe('classifyItem', () => {
  const versioned = doc('1', { version: 5 });
  const plain = doc('1');
  const deletion: BulkOperation<string> = { delete: true, index: 'i', id: '1', ref: '1' };

  it('stores 2xx answers', () => {
    expect(classifyItem(plain, 201)).toBe('stored');
    expect(classifyItem(deletion, 200)).toBe('stored');
  });

  it('takes a version conflict on an external version as "already newer"', () => {
    expect(classifyItem(versioned, 409)).toBe('stored');
  });

  it('drops a version conflict without an external version', () => {
    expect(classifyItem(plain, 409)).toBe('dropped');
  });

  it('counts the deletion of a missing document as done', () => {
    expect(classifyItem(deletion, 404)).toBe('stored');
    expect(classifyItem(plain, 404)).toBe('dropped');
  });

  it.each([429, 502, 503, 504])('retries a document answered %i', (status) => {
    expect(classifyItem(plain, status)).toBe('retry');
  });

  it.each([400, 403, 413, 500])('drops a document answered %i for good', (status) => {
    expect(classifyItem(plain, status)).toBe('dropped');
  });

  it('retries a document the response does not mention', () => {
    expect(classifyItem(plain, undefined)).toBe('retry');
  });
});

describe('outcomeOf', () => {
  it('sorts a response item by item, with Elasticsearch’s reason for the dropped', () => {
    const pending = [doc('a', { version: 1 }), doc('b'), doc('c'), doc('d')].map(encodeOperation);
    const mappingError: estypes.ErrorCause = {
      type: 'document_parsing_exception',
      reason: '[1:10] failed to parse field [guests] of type [short]',
      caused_by: { type: 'illegal_argument_exception', reason: 'Value out of range' },
    };
    const response: estypes.BulkResponse = {
      errors: true,
      took: 1,
      items: [
        { index: { _index: 'idx', status: 409 } },
        { index: { _index: 'idx', status: 201 } },
        { index: { _index: 'idx', status: 429 } },
        { index: { _index: 'idx', status: 400, error: mappingError } },
      ],
    };
    const outcome = outcomeOf(response, pending);
    expect(outcome.stored).toBe(2);
    expect(outcome.retry.map((r) => r.operation.ref)).toEqual(['c']);
    expect(outcome.dropped).toEqual([
      {
        ref: 'd',
        operation: pending[3]?.operation,
        status: 400,
        reason:
          'document_parsing_exception: [1:10] failed to parse field [guests] of type [short]: Value out of range',
      },
    ]);
  });

  it('names a refusal without an error body', () => {
    expect(itemErrorReason(undefined)).toBe('rejected');
  });
});
