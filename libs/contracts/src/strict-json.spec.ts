import { MAX_JSON_DEPTH, parseStrictJson } from './strict-json';

describe('strict JSON for RSVP messages', () => {
  it('reads ordinary JSON, with escapes, colons and quotes inside strings', () => {
    const text = '{"a":{"b":"x:y \\" {z}"},"c":[{"d":1},{"d":2}],"e":"\\u00e9\\ud83d\\ude00"}';
    const value: unknown = JSON.parse(text);
    expect(parseStrictJson(text)).toEqual({ ok: true, value });
    expect(parseStrictJson(Buffer.from(text))).toEqual({ ok: true, value });
  });

  it('refuses bytes that are not UTF-8 instead of replacing them', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    expect(parseStrictJson(bytes)).toEqual({
      ok: false,
      reason: 'not_json',
      field: '',
      message: 'not valid UTF-8 (JSON text must be UTF-8)',
    });
  });

  it('refuses text that is not JSON, with the parser message', () => {
    const result = parseStrictJson('{"a":');
    expect(result).toMatchObject({ ok: false, reason: 'not_json', field: '' });
    expect(result.ok || result.message).toMatch(/^not JSON: /);
  });

  it('refuses a key given twice, naming where, at any depth', () => {
    expect(parseStrictJson('{"response":"yes","response":"no"}')).toEqual({
      ok: false,
      reason: 'invalid_field',
      field: 'response',
      message: 'response: a key appears twice in one object',
    });
    expect(
      parseStrictJson('{"group":{"group_topics":[{"urlkey":"a","urlkey":"b"}]}}'),
    ).toMatchObject({ ok: false, field: 'group.group_topics.urlkey' });
    // The same key in two different objects is fine.
    expect(parseStrictJson('{"a":{"k":1},"b":{"k":2},"k":3}')).toMatchObject({ ok: true });
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses the key %s, which reaches a prototype when copied',
    (key) => {
      expect(parseStrictJson(`{"member":{"other_services":{"${key}":{"polluted":true}}}}`)).toEqual(
        {
          ok: false,
          reason: 'invalid_field',
          field: `member.other_services.${key}`,
          message: `member.other_services.${key}: is a reserved key`,
        },
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it.each([
    ['', 'has an empty key'],
    ['  ', 'has a key of only whitespace'],
    ['a.b', 'has a key with a dot (Elasticsearch reads it as a path)'],
    ['.', 'has a key with a dot (Elasticsearch reads it as a path)'],
    ['mtime.', 'has a key with a dot (Elasticsearch reads it as a path)'],
  ])('refuses the key "%s", which Elasticsearch cannot store as a field name', (key, why) => {
    expect(parseStrictJson(`{"rsvp_id":1,"${key}":1}`)).toEqual({
      ok: false,
      reason: 'invalid_field',
      field: '',
      message: `message: ${why}`,
    });
    expect(parseStrictJson(`{"member":{"other_services":{"${key}":1}}}`)).toMatchObject({
      ok: false,
      field: 'member.other_services',
    });
  });

  it('refuses a lone surrogate in a value or a key', () => {
    expect(parseStrictJson('{"event":{"event_name":"a\\ud800b"}}')).toMatchObject({
      ok: false,
      field: 'event.event_name',
      message: 'event.event_name: holds a lone surrogate',
    });
    expect(parseStrictJson('{"x\\udc00":1}')).toMatchObject({ ok: false, reason: 'invalid_field' });
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels without exhausting the stack`, () => {
    expect(parseStrictJson('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toMatchObject({
      ok: true,
    });
    const deep = parseStrictJson('{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    expect(deep).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(deep.ok || deep.message).toMatch(/nests deeper than 32 levels/);
  });
});
