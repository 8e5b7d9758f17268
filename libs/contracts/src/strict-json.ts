/**
 * JSON as the RSVP contract accepts it: UTF-8 only, every key once per object, no key that
 * reaches an object's prototype or that Elasticsearch cannot map (empty, blank, dotted),
 * well-formed Unicode in every string, bounded nesting.
 * JSON.parse alone accepts all of these, and each would let two readers of the same message
 * (the aggregator, Elasticsearch, a replay's reference) see different RSVPs.
 */
export type StrictJson =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'not_json' | 'invalid_field'; field: string; message: string };

/** Deeper than any Meetup message (4 levels) by far; Elasticsearch refuses past 20 in a mapping. */
export const MAX_JSON_DEPTH = 32;

/** Keys that assign a prototype, or reach one, when an object is copied key by key. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses `raw` and checks it. A quick check settles the messages that plainly pass (every
 * recorded one); any message it cannot vouch for takes the thorough walk, which names the problem.
 */
export function parseStrictJson(raw: string | Buffer): StrictJson {
  const parsed = parseJson(raw);
  if (!parsed.ok) return parsed;
  if (plainlyStrict(parsed.text, parsed.value)) return { ok: true, value: parsed.value };
  return checkThoroughly(parsed.text, parsed.value);
}

/**
 * The same verdicts as `parseStrictJson`, from the thorough walk alone: the reference the
 * quick check is tested and benchmarked against.
 */
export function parseStrictJsonThoroughly(raw: string | Buffer): StrictJson {
  const parsed = parseJson(raw);
  return parsed.ok ? checkThoroughly(parsed.text, parsed.value) : parsed;
}

type ParsedJson = { ok: true; text: string; value: unknown } | Extract<StrictJson, { ok: false }>;

function parseJson(raw: string | Buffer): ParsedJson {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    return notJson('not valid UTF-8 (JSON text must be UTF-8)');
  }
  try {
    return { ok: true, text, value: JSON.parse(text) as unknown };
  } catch (error) {
    return notJson(`not JSON: ${(error as Error).message}`);
  }
}

function checkThoroughly(text: string, value: unknown): StrictJson {
  const shape = inspect(value);
  if (shape.problem) return shape.problem;
  // In valid JSON every ':' outside a string separates one member from its value: more of
  // them than keys in the parsed objects means a key was given twice (JSON.parse keeps the last).
  if (membersIn(text) !== shape.keys) {
    const duplicate = firstDuplicateKey(text);
    return {
      ok: false,
      reason: 'invalid_field',
      field: duplicate,
      message: `${duplicate || 'message'}: a key appears twice in one object`,
    };
  }
  return { ok: true, value };
}

function notJson(message: string): Extract<StrictJson, { ok: false }> {
  return { ok: false, reason: 'not_json', field: '', message };
}

/**
 * True when the text certainly passes every check; false means only "not certain", and the
 * thorough walk decides (and names the problem). It rests on JSON text that JSON.parse accepted
 * and that holds no `\u` escape (`\u003a` would hide a ':', `\ud800` make a lone surrogate):
 *  - a lone surrogate in a parsed string or key would be one in the text itself;
 *  - each ':' of the text is in a string, and in the same parsed string, or it separates one
 *    member; so the text repeats a key exactly when it has more ':' than the parsed value has
 *    keys and ':' in its strings (a repeated member is gone from the parsed value).
 */
export function plainlyStrict(text: string, value: unknown): boolean {
  if (!text.isWellFormed() || text.includes('\\u')) return false;
  const tally = keysAndColons(value, 0);
  return tally !== -1 && tally === colonsIn(text);
}

/** Keys, plus the ':' in strings, under `value`; -1 where a key or the nesting may be refused. */
function keysAndColons(value: unknown, depth: number): number {
  if (typeof value === 'string') return colonsIn(value);
  if (typeof value !== 'object' || value === null) return 0;
  // Recursion stops here, so the stack stays as shallow as the nesting allowed.
  if (depth >= MAX_JSON_DEPTH) return -1;
  let tally = 0;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      const inItem = keysAndColons(item, depth + 1);
      if (inItem === -1) return -1;
      tally += inItem;
    }
    return tally;
  }
  for (const key in value) {
    if (!plainKey(key)) return -1;
    const inMember = keysAndColons((value as Record<string, unknown>)[key], depth + 1);
    if (inMember === -1) return -1;
    tally += 1 + inMember;
  }
  return tally;
}

/**
 * Keys found acceptable and without ':' (one with a ':' is acceptable, but left to the thorough
 * walk so that keys need no counting). Remembered because the same few dozen keys make up every
 * RSVP and a Set lookup is cheaper than the checks. Bounded in number and length: messages full
 * of made-up keys empty it (the RSVP keys come back with the next RSVP) rather than grow it.
 */
const plainKeys = new Set<string>();
const MAX_PLAIN_KEYS = 1024;
const MAX_PLAIN_KEY_LENGTH = 64;

function plainKey(key: string): boolean {
  if (plainKeys.has(key)) return true;
  if (PROTOTYPE_KEYS.has(key) || unmappableKey(key) !== undefined || key.includes(':'))
    return false;
  if (key.length <= MAX_PLAIN_KEY_LENGTH) {
    if (plainKeys.size >= MAX_PLAIN_KEYS) plainKeys.clear();
    plainKeys.add(key);
  }
  return true;
}

function colonsIn(text: string): number {
  let colons = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) colons++;
  return colons;
}

/** A value met in the walk, with the way back to the root (the path is built only for errors). */
interface Visit {
  value: unknown;
  depth: number;
  parent?: Visit;
  key?: string | number;
}

function pathOf(visit: Visit | undefined, key?: string): string {
  const parts: (string | number)[] = key === undefined ? [] : [key];
  for (let at = visit; at?.key !== undefined; at = at.parent) parts.unshift(at.key);
  return parts.join('.');
}

function invalid(field: string, message: string): StrictJson {
  return {
    ok: false,
    reason: 'invalid_field',
    field,
    message: `${field || 'message'}: ${message}`,
  };
}

interface Shape {
  keys: number;
  problem?: StrictJson;
}

/** Walks the parsed value without recursion (nesting is bounded by the message size only). */
function inspect(root: unknown): Shape {
  let keys = 0;
  const stack: Visit[] = [{ value: root, depth: 0 }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const { value, depth } = visit;
    if (typeof value === 'string') {
      if (!value.isWellFormed())
        return { keys, problem: invalid(pathOf(visit), 'holds a lone surrogate') };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH)
      return {
        keys,
        problem: invalid(pathOf(visit), `nests deeper than ${MAX_JSON_DEPTH} levels`),
      };
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++)
        stack.push({ value: value[index], depth: depth + 1, parent: visit, key: index });
      continue;
    }
    for (const key in value) {
      keys += 1;
      if (PROTOTYPE_KEYS.has(key))
        return { keys, problem: invalid(pathOf(visit, key), 'is a reserved key') };
      if (!key.isWellFormed())
        return { keys, problem: invalid(pathOf(visit), 'has a key with a lone surrogate') };
      const unmappable = unmappableKey(key);
      if (unmappable) return { keys, problem: invalid(pathOf(visit), unmappable) };
      const member = (value as Record<string, unknown>)[key];
      // Primitives other than strings need no visit.
      if (typeof member === 'string' || (typeof member === 'object' && member !== null))
        stack.push({ value: member, depth: depth + 1, parent: visit, key });
    }
  }
  return { keys };
}

/**
 * Why Elasticsearch could not store a key as a field name, if it could not: an empty or blank
 * name is refused outright, and a dot makes a path of it (`a.b` is field `b` of object `a`), which
 * may collide with a mapped field of another type or leave an empty path segment. No Meetup key
 * has either, so they are refused here instead of by Elasticsearch after the record was counted.
 */
function unmappableKey(key: string): string | undefined {
  if (key.trim() === '') return key === '' ? 'has an empty key' : 'has a key of only whitespace';
  if (key.includes('.')) return 'has a key with a dot (Elasticsearch reads it as a path)';
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** The number of ':' outside strings in JSON text that JSON.parse accepted. */
function membersIn(text: string): number {
  let members = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === COLON) members++;
  }
  return members;
}

/**
 * The dotted path of the first key given twice in one object (array positions left out),
 * for the rejection path only: re-reads the text, tracking the keys of each open object.
 */
function firstDuplicateKey(text: string): string {
  const open: { keys: Set<string>; path: string[]; lastKey?: string }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = open.at(-1);
      if (top && text.charCodeAt(skipSpace(text, end)) === COLON) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (top.keys.has(key)) return [...top.path, key].join('.');
        top.keys.add(key);
        top.lastKey = key;
      }
      i = end;
      continue;
    }
    if (c === 0x7b /* { */) {
      const parent = open.at(-1);
      const path = parent?.lastKey !== undefined ? [...parent.path, parent.lastKey] : [];
      open.push({ keys: new Set(), path });
    } else if (c === 0x7d /* } */) open.pop();
    i++;
  }
  return '';
}

/** The index just after the string that starts at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return text.length;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  return i;
}
