import type { AuthorizationContext } from './authorizer';
import { bulkBody, bulkItemRefusals, parseBulk } from './bulk';
import { InMemoryLookup } from './in-memory-lookup.spec-helper';
import { mergeAnswer, multiItem } from './multi-item';
import { BodyParseError } from './ndjson';
import { Role } from './role';

const ndjson = (...lines: unknown[]): Buffer =>
  Buffer.from(lines.map((line) => JSON.stringify(line)).join('\n') + '\n');

const BODY = ndjson(
  { index: { _index: 'allowed', _id: '1' } },
  { n: 1 },
  { create: { _index: 'denied' } },
  { n: 2 },
  { delete: { _id: '3' } },
  { update: { _index: 'allowed', _id: '4' } },
  { doc: { n: 4 } },
);

const context: AuthorizationContext = {
  role: new Role(
    ['writer'],
    [],
    [{ indices: [{ names: ['allowed', 'default'], privileges: ['write'] }] }],
  ),
  lookup: new InMemoryLookup({ allowed: [], denied: [], default: [] }),
  expandWildcards: 'open',
};

describe('bulk bodies', () => {
  it('splits the body into items, the path index standing in for a missing _index', () => {
    const items = parseBulk(BODY, ['default']);
    expect(items.map(({ op, index, id }) => [op, index, id])).toEqual([
      ['index', 'allowed', '1'],
      ['create', 'denied', undefined],
      ['delete', 'default', '3'],
      ['update', 'allowed', '4'],
    ]);
    expect(items.map((item) => item.lines.length)).toEqual([2, 2, 1, 2]);
  });

  it('forwards the sources of the kept items byte for byte', () => {
    const items = parseBulk(BODY, ['default']);
    const kept = bulkBody([items[0]!, items[2]!]).toString('utf8');
    expect(kept).toBe(
      '{"index":{"_index":"allowed","_id":"1"}}\n{"n":1}\n{"delete":{"_id":"3"}}\n',
    );
  });

  it('refuses a body it cannot read rather than guess', () => {
    expect(() => parseBulk(Buffer.from('{"index":{}}\n{}\n'), undefined)).toThrow(BodyParseError);
    expect(() => parseBulk(Buffer.from('{"upsert":{"_index":"a"}}\n'), undefined)).toThrow(
      BodyParseError,
    );
    expect(() => parseBulk(Buffer.from('not json\n'), undefined)).toThrow(BodyParseError);
  });

  it('authorizes each item on its own index', async () => {
    const refusals = await bulkItemRefusals(parseBulk(BODY, ['default']), context);
    expect(refusals).toEqual([
      undefined,
      { action: 'indices:data/write/bulk[s]', indices: ['denied'] },
      undefined,
      undefined,
    ]);
  });

  it('puts the refused items back in their places, with their 403, in the answer of the others', async () => {
    const request = await multiItem('bulk', BODY, ['default'], context);
    const denied = new Map([[1, request.denied(1, 'no')]]);
    const upstream = {
      took: 3,
      errors: false,
      items: [
        { index: { _id: '1', status: 201 } },
        { delete: { _id: '3', status: 200 } },
        { update: { _id: '4', status: 200 } },
      ],
    };
    const merged = mergeAnswer(request, upstream, denied);
    expect(merged?.errors).toBe(true);
    const items = merged?.items as { create?: { _id: string } }[];
    // Elasticsearch gives a create without an id a generated one, refused or not.
    const generatedId = items[1]?.create?._id ?? '';
    expect(generatedId).toMatch(/^[\w-]{20}$/);
    expect(items).toEqual([
      { index: { _id: '1', status: 201 } },
      {
        create: {
          _index: 'denied',
          _id: generatedId,
          status: 403,
          error: { type: 'security_exception', reason: 'no' },
        },
      },
      { delete: { _id: '3', status: 200 } },
      { update: { _id: '4', status: 200 } },
    ]);
  });

  it('passes on an answer that is not one entry per forwarded item', async () => {
    const request = await multiItem('bulk', BODY, ['default'], context);
    expect(
      mergeAnswer(request, { error: { type: 'x' }, status: 400 }, new Map([[1, {}]])),
    ).toBeUndefined();
  });
});

describe('multi-get and multi-search bodies', () => {
  it('refuses the docs on indices the role may not read, and keeps the others', async () => {
    const reader: AuthorizationContext = {
      ...context,
      role: new Role(['reader'], [], [{ indices: [{ names: ['allowed'], privileges: ['read'] }] }]),
    };
    const body = Buffer.from(
      JSON.stringify({ docs: [{ _index: 'denied', _id: 'a' }, { _id: 'b' }] }),
    );
    const request = await multiItem('mget', body, ['allowed'], reader);
    expect(request.refusals).toEqual([
      { action: 'indices:data/read/mget[shard]', indices: ['denied'] },
      undefined,
    ]);
    expect(JSON.parse(request.body([1]).toString('utf8'))).toEqual({ docs: [{ _id: 'b' }] });
    expect(request.denied(0, 'no')).toEqual({
      _index: 'denied',
      _id: 'a',
      error: {
        root_cause: [{ type: 'security_exception', reason: 'no' }],
        type: 'security_exception',
        reason: 'no',
      },
    });
  });

  it('authorizes each search of a multi-search on its own indices', async () => {
    const reader: AuthorizationContext = {
      ...context,
      role: new Role(['reader'], [], [{ indices: [{ names: ['allowed'], privileges: ['read'] }] }]),
    };
    const body = ndjson({ index: 'allowed' }, { size: 0 }, { index: ['denied'] }, { size: 0 });
    const request = await multiItem('msearch', body, undefined, reader);
    expect(request.refusals).toEqual([
      undefined,
      { action: 'indices:data/read/search', indices: ['denied'] },
    ]);
    expect(request.denied(1, 'no')).toMatchObject({
      status: 403,
      error: { type: 'security_exception' },
    });
    expect(request.allDenied([])).toEqual({ took: 0, responses: [] });
  });
});
