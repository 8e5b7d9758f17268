import { recordedLines } from '@meetup/fixtures';
import { HostileCategories, hostileInputs, type HostileCategory } from './hostile-inputs';
import { RsvpValidator } from '@meetup/contracts';

describe('the RSVP validator against 10,000 hostile inputs', () => {
  const validator = new RsvpValidator();
  const templates = recordedLines()
    .slice(0, 300)
    .map((line) => line.raw);
  const inputs = hostileInputs({ seed: 20261130, count: 10_000, templates });

  it('starts from valid RSVPs, so each refusal is the mutation', () => {
    expect(templates.every((raw) => validator.validateRaw(raw).ok)).toBe(true);
  });

  it('covers every category, with many distinct inputs in each', () => {
    const distinct = new Map<HostileCategory, Set<string>>();
    for (const input of inputs) {
      const seen = distinct.get(input.category) ?? new Set<string>();
      seen.add(input.bytes.toString('base64'));
      distinct.set(input.category, seen);
    }
    expect([...distinct.keys()].sort()).toEqual(Object.keys(HostileCategories).sort());
    for (const [category, seen] of distinct) {
      expect({ category, distinct: seen.size > 100 }).toEqual({ category, distinct: true });
    }
  });

  it('keeps every input on one line, so a line-delimited stream carries it as one message', () => {
    expect(inputs.filter((input) => input.bytes.includes(0x0a))).toEqual([]);
  });

  it('gives only inputs that are a message on a line-delimited stream when asked to (none blank)', () => {
    const blank = (bytes: Buffer) => bytes.toString('utf8').trim() === '';
    expect(inputs.some((input) => blank(input.bytes))).toBe(true);
    const forLines = hostileInputs({
      seed: 20261130,
      count: 1_000,
      templates,
      lineDelimited: true,
    });
    expect(forLines).toHaveLength(1_000);
    expect(forLines.filter((input) => blank(input.bytes))).toEqual([]);
  });

  it("refuses every one with its category's reason and a message, without throwing", () => {
    const wrong = inputs.flatMap((input) => {
      const result = validator.validateRaw(input.bytes);
      const expected = HostileCategories[input.category];
      if (!result.ok && result.rejection.code === expected && result.rejection.message !== '')
        return [];
      return [
        {
          category: input.category,
          description: input.description,
          expected,
          got: result.ok ? 'accepted' : `${result.rejection.code}: ${result.rejection.message}`,
        },
      ];
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('refuses them the same way as a string (the ingestor) and as bytes (the aggregator)', () => {
    const utf8 = inputs.filter((input) => input.category !== 'invalid_utf8').slice(0, 2_000);
    for (const input of utf8) {
      expect(validator.validateRaw(input.bytes.toString('utf8'))).toEqual(
        validator.validateRaw(input.bytes),
      );
    }
  });

  it('gives the same inputs for the same seed', () => {
    const again = hostileInputs({ seed: 20261130, count: 200, templates });
    const hex = (list: typeof inputs) => list.map((input) => input.bytes.toString('hex'));
    expect(hex(again)).toEqual(hex(inputs.slice(0, 200)));
  });
});
