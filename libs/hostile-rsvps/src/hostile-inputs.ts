import { SeededRandom } from '@meetup/rsvp-synthetic';

/**
 * What a hostile input breaks, and the reason the contract gives for it
 * (`RejectionCode` of @meetup/contracts).
 */
export const HostileCategories = {
  malformed_json: 'not_json',
  invalid_utf8: 'not_json',
  not_an_object: 'not_an_object',
  oversized: 'oversized',
  wrong_type: 'invalid_field',
  missing_field: 'invalid_field',
  huge_string: 'invalid_field',
  huge_array: 'invalid_field',
  deep_nesting: 'invalid_field',
  control_chars: 'invalid_field',
  number_edge: 'invalid_field',
  duplicate_key: 'invalid_field',
  prototype_key: 'invalid_field',
  lone_surrogate: 'invalid_field',
} as const;
export type HostileCategory = keyof typeof HostileCategories;

export interface HostileInput {
  category: HostileCategory;
  /** What was done to the template, for a failure message. */
  description: string;
  /** One line: never a raw newline, so it is one message on a line-delimited stream too. */
  bytes: Buffer;
}

export interface HostileInputOptions {
  seed: number;
  count: number;
  /** Valid RSVPs (raw JSON) to mutate. */
  templates: readonly string[];
  /** The validator's size limit (64 KiB by default): inputs that must not be oversized stay under it. */
  maxBytes?: number;
  /**
   * Inputs for a line-delimited stream: none of only whitespace, which is no message there (the
   * simulator's replay skips such a line, as the ingestor skips empty keep-alive lines).
   */
  lineDelimited?: boolean;
}

type Json = Record<string, unknown>;
type Mutation = (rsvp: Json, random: SeededRandom, maxBytes: number) => [string, string | Buffer];

type JsonType = 'number' | 'string' | 'object' | 'array';

/** Fields the contract requires, by path and type. */
const REQUIRED: readonly (readonly [readonly string[], JsonType])[] = [
  [['rsvp_id'], 'number'],
  [['mtime'], 'number'],
  [['response'], 'string'],
  [['guests'], 'number'],
  [['event'], 'object'],
  [['event', 'event_id'], 'string'],
  [['event', 'event_name'], 'string'],
  [['group'], 'object'],
  [['group', 'group_id'], 'number'],
  [['group', 'group_country'], 'string'],
  [['group', 'group_urlname'], 'string'],
  [['group', 'group_lat'], 'number'],
  [['group', 'group_lon'], 'number'],
  [['group', 'group_topics'], 'array'],
  [['member'], 'object'],
  [['member', 'member_id'], 'number'],
];
/** Values of each JSON type, to put where another type is required. */
const VALUES_BY_TYPE: Record<JsonType | 'null' | 'boolean', readonly unknown[]> = {
  null: [null],
  boolean: [true, false],
  number: [42, -1, 0.5],
  string: ['text', '', '42'],
  object: [{}, { a: 1 }],
  array: [[], [1, 2]],
};
const ID_FIELDS: readonly (readonly string[])[] = [
  ['event', 'event_id'],
  ['group', 'group_urlname'],
];
const CONTROL_CHARS = ['\u0000', '\u0001', '\u0008', '\t', '\u001b', '\u007f', '\u200b', '\u2028'];
const NUMBER_EDGES: readonly [readonly string[], string][] = [
  [['rsvp_id'], '9007199254740992'],
  [['rsvp_id'], '9007199254740993'],
  [['rsvp_id'], '1e308'],
  [['rsvp_id'], '1e400'],
  [['rsvp_id'], '0'],
  [['rsvp_id'], '-0'],
  [['rsvp_id'], '1.5'],
  [['rsvp_id'], '-7'],
  [['mtime'], '-1'],
  [['mtime'], '1.0000001'],
  [['mtime'], '18446744073709551616'],
  [['guests'], '10001'],
  [['guests'], '-1'],
  [['guests'], '2.5'],
  [['group', 'group_lat'], '90.0000001'],
  [['group', 'group_lon'], '-180.5'],
  [['group', 'group_id'], '1e-7'],
  [['member', 'member_id'], '-9007199254740991'],
];
const BROKEN_UTF8: readonly number[][] = [
  [0xff],
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
];
const NOT_OBJECTS = ['[]', '[{"rsvp_id":1}]', '42', '"rsvp"', 'null', 'true', '-0.0', '""'];

function pick<T>(random: SeededRandom, values: readonly T[]): T {
  return random.pick(values);
}

function setPath(target: Json, path: readonly string[], value: unknown): void {
  let at: Json = target;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== 'object' || next === null) at[key] = {};
    at = at[key] as Json;
  }
  at[path[path.length - 1] ?? ''] = value;
}

function deletePath(target: Json, path: readonly string[]): void {
  let at: unknown = target;
  for (const key of path.slice(0, -1)) at = (at as Json | undefined)?.[key];
  if (typeof at === 'object' && at !== null)
    Reflect.deleteProperty(at, path[path.length - 1] ?? '');
}

/** A value that is a marker string, replaced in the serialised text afterwards. */
const MARK = '\u0000hostile\u0000';
const markText = JSON.stringify(MARK);

const mutations: Record<HostileCategory, Mutation> = {
  malformed_json: (rsvp, random) => {
    const text = JSON.stringify(rsvp);
    const cut = 1 + random.int(text.length - 2);
    const variants: [string, string][] = [
      [`truncated at ${cut}`, text.slice(0, cut)],
      ['a quote removed', text.replace('"response"', 'response"')],
      ['trailing comma', text.replace(/}$/, ',}')],
      ['single quotes', text.replace(/"/g, "'")],
      ['NaN literal', text.replace(/"guests":\d+/, '"guests":NaN')],
      ['a comment', text.replace('{', '{/* x */')],
      ['a byte-order mark', '\ufeff' + text],
      ['two documents', text + text],
      ['empty', ''],
      ['spaces only', '   '],
    ];
    return pick(random, variants);
  },
  invalid_utf8: (rsvp, random) => {
    const broken = Buffer.from(pick(random, BROKEN_UTF8));
    setPath(rsvp, ['event', 'event_name'], MARK);
    const [before, after] = JSON.stringify(rsvp).split(markText);
    return [
      `bytes ${broken.toString('hex')} in event_name`,
      Buffer.concat([Buffer.from(`${before ?? ''}"`), broken, Buffer.from(`"${after ?? ''}`)]),
    ];
  },
  not_an_object: (rsvp, random) => {
    const variants: [string, string][] = [
      ['the RSVP in an array', `[${JSON.stringify(rsvp)}]`],
      ['a number', String(random.next() * 10 ** random.int(20))],
      ['a string', JSON.stringify(`${String(rsvp.rsvp_id)}${random.int(1e6)}`)],
      ['the RSVP as a string', JSON.stringify(JSON.stringify(rsvp))],
      ['a literal', pick(random, NOT_OBJECTS)],
    ];
    return pick(random, variants);
  },
  oversized: (rsvp, random, maxBytes) => {
    setPath(rsvp, ['event', 'event_name'], 'x'.repeat(maxBytes + random.int(maxBytes)));
    return ['an event name past the size limit', JSON.stringify(rsvp)];
  },
  wrong_type: (rsvp, random) => {
    const [path, type] = pick(random, REQUIRED);
    const others = Object.entries(VALUES_BY_TYPE).filter(([other]) => other !== type);
    const value = pick(random, pick(random, others)[1]);
    setPath(rsvp, path, value);
    return [`${path.join('.')} (${type}) = ${JSON.stringify(value)}`, JSON.stringify(rsvp)];
  },
  missing_field: (rsvp, random) => {
    const [path] = pick(random, REQUIRED);
    deletePath(rsvp, path);
    return [`${path.join('.')} removed`, JSON.stringify(rsvp)];
  },
  huge_string: (rsvp, random, maxBytes) => {
    // Past the 4096 characters of a text field, within the size limit ('é' is 2 bytes).
    const room = Math.floor((maxBytes - JSON.stringify(rsvp).length - 64) / 2);
    const length = 4097 + random.int(Math.max(1, room - 4097));
    setPath(rsvp, ['group', 'group_name'], 'é'.repeat(length));
    return [`group_name of ${length} characters`, JSON.stringify(rsvp)];
  },
  huge_array: (rsvp, random) => {
    const count = 101 + random.int(900);
    const topics = Array.from({ length: count }, (_, i) => ({ topic_name: 't', urlkey: `k${i}` }));
    setPath(rsvp, ['group', 'group_topics'], topics);
    return [`${count} group topics`, JSON.stringify(rsvp)];
  },
  deep_nesting: (rsvp, random) => {
    const depth = 40 + random.int(5_000);
    const text = JSON.stringify(rsvp);
    const nested = `"other_services":${'['.repeat(depth)}${']'.repeat(depth)},`;
    return [`${depth} nested arrays in member`, text.replace('"member":{', `"member":{${nested}`)];
  },
  control_chars: (rsvp, random) => {
    const path = pick(random, ID_FIELDS);
    const char = pick(random, CONTROL_CHARS);
    setPath(rsvp, path, `id${char}${random.int(1000)}`);
    return [
      `U+${char.charCodeAt(0).toString(16).padStart(4, '0')} in ${path.join('.')}`,
      JSON.stringify(rsvp),
    ];
  },
  number_edge: (rsvp, random) => {
    const [path, literal] = pick(random, NUMBER_EDGES);
    setPath(rsvp, path, MARK);
    return [`${path.join('.')} = ${literal}`, JSON.stringify(rsvp).replace(markText, literal)];
  },
  duplicate_key: (rsvp, random) => {
    const text = JSON.stringify(rsvp);
    const variants: [string, string][] = [
      [
        'response twice',
        text.replace('{', `{"response":"${rsvp.response === 'yes' ? 'no' : 'yes'}",`),
      ],
      ['rsvp_id twice', text.replace('{', `{"rsvp_id":${random.int(1_000_000) + 1},`)],
      ['group_country twice', text.replace('"group":{', '"group":{"group_country":"zz",')],
      ['event_id twice', text.replace('"event":{', '"event":{"event_id":"other",')],
    ];
    return pick(random, variants);
  },
  prototype_key: (rsvp, random) => {
    const key = pick(random, ['__proto__', 'constructor', 'prototype']);
    const where = pick(random, ['{', '"member":{', '"group":{', '"event":{']);
    const text = JSON.stringify(rsvp);
    const payload = `"${key}":{"polluted":true,"response":"no"},`;
    return [`${key} in ${where}`, text.replace(where, where + payload)];
  },
  lone_surrogate: (rsvp, random) => {
    const escape = pick(random, ['\\ud800', '\\udfff', '\\udbff x']);
    setPath(rsvp, ['event', 'event_name'], MARK);
    return [`${escape} in event_name`, JSON.stringify(rsvp).replace(markText, `"name ${escape}"`)];
  },
};

const CATEGORIES = Object.keys(HostileCategories) as HostileCategory[];

/**
 * `count` hostile inputs, seeded (same seed, same inputs), every category in turn, each a
 * mutation of a valid template RSVP that the contract must refuse.
 */
export function hostileInputs(options: HostileInputOptions): HostileInput[] {
  if (options.templates.length === 0) throw new RangeError('hostileInputs needs templates');
  const random = new SeededRandom(options.seed);
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const inputs: HostileInput[] = [];
  for (let i = 0; inputs.length < options.count; i += 1) {
    const category = CATEGORIES[i % CATEGORIES.length] ?? 'malformed_json';
    const template = JSON.parse(pick(random, options.templates)) as Json;
    const [description, body] = mutations[category](template, random, maxBytes);
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (options.lineDelimited && bytes.toString('utf8').trim() === '') continue;
    inputs.push({ category, description, bytes });
  }
  return inputs;
}
