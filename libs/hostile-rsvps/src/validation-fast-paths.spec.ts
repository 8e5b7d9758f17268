import { inspect, isDeepStrictEqual } from 'node:util';
import { RsvpValidator, rsvpSchema } from '@meetup/contracts';
import { recordedLines } from '@meetup/fixtures';
import { SeededRandom, SyntheticRsvpStream } from '@meetup/rsvp-synthetic';
import { z } from 'zod';
import { hostileInputs } from './hostile-inputs';

/**
 * Here, not in `libs/contracts`, because its inputs (hostile, synthetic) are built on the
 * contracts: the contracts' own specs cannot import them without a cycle.
 *
 * The fast paths (strict JSON's quick check, zod's compiled parser) against the reference path
 * they fall back to (the thorough walk, zod's own parser), on every recorded message, the hostile
 * inputs, synthetic RSVPs and seeded mutations of recorded messages aimed at the quick check.
 */
const fast = new RsvpValidator();
const reference = new RsvpValidator({ fastPaths: false });

/**
 * Whether two results are the same to any caller: deep-equal in the strict sense (-0 is not 0,
 * an undefined key is not a missing one, prototypes match) and with keys in the same order.
 */
function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b) && JSON.stringify(a) === JSON.stringify(b);
}

interface Difference {
  input: string;
  reference: string;
  fast: string;
}

const shown = (value: unknown) => inspect(value, { depth: null, breakLength: Infinity });

/** Inputs on which the two paths give different results. */
function differences(inputs: Iterable<string | Buffer>): Difference[] {
  const found: Difference[] = [];
  for (const input of inputs) {
    const expected = reference.validateRaw(input);
    const actual = fast.validateRaw(input);
    if (!same(actual, expected))
      found.push({
        input: String(input).slice(0, 300),
        reference: shown(expected),
        fast: shown(actual),
      });
  }
  return found;
}

/** Each text as the ingestor gets it (a string) and as the aggregator does (Kafka bytes). */
function asTextAndBytes(texts: readonly string[]): (string | Buffer)[] {
  return texts.flatMap((text) => [text, Buffer.from(text)]);
}

const WEIRD_KEYS = [
  ...['', ' ', '\u00a0', '\ufeff', '\u2028', 'a.b', '.', 'x:y', ':', '__proto__', 'constructor'],
  ...['prototype', 'toString', 'rsvp_id', 'event_url', 'é', '日本', 'k'.repeat(70), '\ud800'],
  ...['\\u002e', 'k\\u003a', '\\ud800', '\\udfff\\ud800', '\\ud83d\\ude00', 'q\\"', 'b\\\\'],
];
const ODD_VALUES = [
  ...['1', '-0', '1.0', '1e400', '9007199254740993', 'null', 'true', '{}', '[]', '"a:b"'],
  ...['"\\u003a"', '"x\\u003ay"', '"\\ud800"', '"\\ud83d\\ude00"', '"\\\\u003a"', '"\\":"'],
  ...['"\ud800"', '"😀"', '{"a.b":1}', '{"x":{"y":"z:"}}', '[{"":1}]', '"https://x.y/z"'],
];
/** Characters that JSON gives a meaning to, and a lone surrogate. */
const NOISE = Array.from('{}[]":,\\ .0u\ud800');

/** Where `pattern` matches in `text`, one of them at random; -1 where it does not match. */
function anchor(text: string, pattern: RegExp, random: SeededRandom): number {
  const found = [...text.matchAll(pattern)].map((match) => match.index);
  return found.length === 0 ? -1 : random.pick(found);
}

function insertAt(text: string, at: number, piece: string): string {
  return text.slice(0, at) + piece + text.slice(at);
}

function nested(depth: number, value: string, random: SeededRandom): string {
  let text = value;
  for (let level = 0; level < depth; level++)
    text = random.chance(0.5) ? `[${text}]` : `{"n${level}":${text}}`;
  return text;
}

type Mutation = (text: string, random: SeededRandom) => string;

const MUTATIONS: Mutation[] = [
  // A member given again, before itself, with another value: a duplicate key.
  (text, random) => {
    const at = anchor(text, /"[^"\\]*":/g, random);
    if (at === -1) return text;
    const key = /^"[^"\\]*":/.exec(text.slice(at))?.[0] ?? '"k":';
    return insertAt(text, at, `${key}${random.pick(ODD_VALUES)},`);
  },
  // A new member given twice, so that the value kept is the unusual one.
  (text, random) => {
    const at = anchor(text, /\{/g, random) + 1;
    if (at === 0) return text;
    const key = `"${random.pick(['response', 'x', ...WEIRD_KEYS])}":`;
    return insertAt(text, at, `${key}${random.pick(ODD_VALUES)},${key}${random.pick(ODD_VALUES)},`);
  },
  // A new member, with an unusual key or value, at the top or in a nested object.
  (text, random) => {
    const at = anchor(text, /\{/g, random) + 1;
    if (at === 0) return text;
    return insertAt(text, at, `"${random.pick(WEIRD_KEYS)}":${random.pick(ODD_VALUES)},`);
  },
  // A member's value replaced by an unusual one (types, escapes, numbers at the edges).
  (text, random) => {
    const at = anchor(text, /":(?=[^{[])/g, random) + 2;
    if (at === 1) return text;
    const end = /^("(?:[^"\\]|\\.)*"|[^,}\]]*)/.exec(text.slice(at))?.[0].length ?? 0;
    return text.slice(0, at) + random.pick(ODD_VALUES) + text.slice(at + end);
  },
  // Nesting near the limit, in a field the schema reads or in one it keeps unread.
  (text, random) => {
    const field = random.pick(['extra', 'other_services']);
    const depth = 26 + random.int(10);
    const member = `"${field}":${nested(depth, random.pick(ODD_VALUES), random)},`;
    const at = field === 'extra' ? 1 : text.indexOf('"member":{') + '"member":{'.length;
    return insertAt(text, at, member);
  },
  // Whitespace around the structure, as a pretty-printer writes it.
  (text, random) =>
    text.replace(/":|,"/g, (match) => (random.chance(0.3) ? `${match[0]} \n${match[1]}` : match)),
  // One character inserted, removed or replaced.
  (text, random) => {
    const at = random.int(text.length);
    const char = random.pick(NOISE);
    const kind = random.int(3);
    if (kind === 0) return insertAt(text, at, char);
    return text.slice(0, at) + (kind === 1 ? '' : char) + text.slice(at + 1);
  },
];

function mutatedRecords(count: number, seed: number, templates: readonly string[]): string[] {
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => {
    let text = random.pick(templates);
    for (let step = 1 + random.int(2); step > 0; step--)
      text = random.pick(MUTATIONS)(text, random);
    return text;
  });
}

describe('the RSVP validator fast paths', () => {
  const recorded = recordedLines().map((line) => line.raw);

  it('compiles the RSVP schema (else zod would quietly parse without the compiled fast path)', () => {
    expect(() => z.compile(rsvpSchema, { strict: true })).not.toThrow();
  });

  it('gives the same result as the reference path for every recorded message', () => {
    expect(recorded).toHaveLength(3175);
    expect(differences(asTextAndBytes(recorded))).toEqual([]);
  });

  it('gives the same refusal as the reference path for 10,000 hostile inputs', () => {
    const inputs = hostileInputs({ seed: 20261130, count: 10_000, templates: recorded });
    // As text too, for as many as the hostile inputs' own test compares text and bytes on.
    const asText = inputs
      .filter((input) => input.category !== 'invalid_utf8')
      .slice(0, 2_000)
      .map((input) => input.bytes.toString('utf8'));
    expect(differences(inputs.map((input) => input.bytes))).toEqual([]);
    expect(differences(asText)).toEqual([]);
  });

  it('gives the same result for 4,000 synthetic RSVPs, as text and as values', () => {
    const rsvps = new SyntheticRsvpStream({ seed: 11, ratePerSecond: 100 }).take(4_000);
    expect(differences(rsvps.map((rsvp) => JSON.stringify(rsvp)))).toEqual([]);
    const valueDifferences = rsvps.filter(
      (rsvp) => !same(fast.validateValue(rsvp), reference.validateValue(rsvp)),
    );
    expect(valueDifferences).toEqual([]);
  });

  it('gives the same result for 10,000 recorded messages mutated where the quick check looks', () => {
    const mutated = mutatedRecords(10_000, 20260501, recorded);
    // The mutations reach every verdict, so agreeing on them means something.
    const verdicts = new Set(
      mutated.slice(0, 2_000).map((text) => codeOf(reference.validateRaw(text))),
    );
    expect([...verdicts].sort()).toEqual(['accepted', 'invalid_field', 'not_json']);
    expect(differences(mutated)).toEqual([]);
  });

  it('tells results apart that differ only in key order, -0, an undefined key or a prototype', () => {
    const once = recorded[0] ?? '';
    const twice = insertAt(once, 1, '"response":"yes",');
    expect(same(reference.validateRaw(twice), reference.validateRaw(once))).toBe(false);
    expect(same({ a: 0, b: 1 }, { b: 1, a: 0 })).toBe(false);
    expect(same({ a: -0 }, { a: 0 })).toBe(false);
    expect(same({ a: undefined }, {})).toBe(false);
    expect(same(Object.create(null), {})).toBe(false);
    expect(same({ a: [1, { b: 'c' }] }, { a: [1, { b: 'c' }] })).toBe(true);
  });
});

function codeOf(result: ReturnType<RsvpValidator['validateRaw']>): string {
  return result.ok ? 'accepted' : result.rejection.code;
}
