import { recordedLines } from '@meetup/fixtures';
import {
  MAX_JSON_DEPTH,
  parseStrictJson,
  parseStrictJsonThoroughly,
  plainlyStrict,
} from './strict-json';

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

describe('the quick check before the thorough walk', () => {
  const nest = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
  const texts = [
    ['a repeated key whose first value holds a colon', '{"a":"x:y","a":"z"}'],
    ['a repeated key beside a colon written as an escape', '{"a":"\\u003a","a":1}'],
    ['a colon written as an escape', '{"a":"\\u003a","b":"c:d"}'],
    ['a repeated key whose kept value is a colon written as an escape', '{"a":"x","a":"\\u003a"}'],
    ['a key with a colon', '{"a:b":1}'],
    ['a repeated key with the same object twice', '{"a":{"b":1},"a":{"b":1}}'],
    ['a repeated key in pretty-printed JSON', '{\n  "a" : 1 ,\n  "a" : 2\n}'],
    ['a repeated key in an object in an array', '{"a":[{"k":1,"k":"2:3"}]}'],
    ['no repeated key, colons everywhere', '{"a:":":","b":[":",{"c":"::"}]}'],
    ['an empty key', '{"":1}'],
    ['a blank key', '{" ":1}'],
    ['a no-break space as a key, escaped', '{"\\u00a0":1}'],
    ['a dotted key', '{"a":{"b.c":1}}'],
    ['a dot written as an escape in a key', '{"\\u002e":1}'],
    ['__proto__ as a key', '{"x":{"__proto__":1}}'],
    ['constructor as a key', '{"constructor":{}}'],
    ['an escaped lone surrogate', '{"x":"\\ud800"}'],
    ['a lone surrogate itself', '{"x":"\ud800"}'],
    ['an escaped lone surrogate in a key', '{"\\udc00":1}'],
    ['an escaped surrogate pair', '{"x":"\\ud83d\\ude00"}'],
    ['an emoji', '{"x":"😀"}'],
    ['an escaped backslash before a u', '{"a":"\\\\u0041"}'],
    [`nesting of ${MAX_JSON_DEPTH} levels`, nest(MAX_JSON_DEPTH)],
    [`nesting of ${MAX_JSON_DEPTH + 1} levels`, nest(MAX_JSON_DEPTH + 1)],
    [
      `objects nested ${MAX_JSON_DEPTH + 1} deep`,
      '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1),
    ],
    ['a string', '"a:b"'],
    ['an array', '[1,{"a":2}]'],
    ['null', 'null'],
    ['text that is not JSON', '{"a":'],
  ];

  it.each(texts)('agrees with the thorough walk on %s', (_name, text) => {
    for (const raw of [text, Buffer.from(text)])
      expect(parseStrictJson(raw)).toStrictEqual(parseStrictJsonThoroughly(raw));
  });

  it('finds the repeated key the thorough walk finds', () => {
    expect(parseStrictJson('{"a":"x:y","a":"z"}')).toMatchObject({ ok: false, field: 'a' });
  });

  it('gives the same verdicts after made-up keys have filled its memory of plain keys', () => {
    const members = Array.from({ length: 1_500 }, (_, index) => `"made-up-${index}":${index}`);
    const many = `{${members.join(',')}}`;
    const again = `{${members.join(',')},"made-up-7":0}`;
    for (const text of [many, again, many])
      expect(parseStrictJson(text)).toStrictEqual(parseStrictJsonThoroughly(text));
    expect(parseStrictJson(again)).toMatchObject({ ok: false, field: 'made-up-7' });
  });

  it('vouches for every recorded message, so none of them takes the thorough walk', () => {
    const unvouched = recordedLines().filter(
      (line) => !plainlyStrict(line.raw, JSON.parse(line.raw)),
    );
    expect(unvouched).toEqual([]);
  });
});
