import { RsvpValidator } from '@meetup/contracts';
import { MalformedLines } from './malformed-lines';
import type { PublishedMessage } from './message-source';

function messages(count: number): PublishedMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    line: Buffer.from(`{"rsvp_id":${i + 1}}`),
    mtime: 1_000 + i,
    rsvpId: i + 1,
    eventId: 'e',
  }));
}

describe('MalformedLines', () => {
  it('passes the stream through untouched at ratio 0', () => {
    const input = messages(50);
    expect(new MalformedLines(0).inject(input)).toBe(input);
  });

  it('puts a malformed line before every message at ratio 1, with that message’s mtime', () => {
    const input = messages(20);
    const output = new MalformedLines(1).inject(input);
    expect(output).toHaveLength(40);
    for (let i = 0; i < 20; i += 1) {
      expect(output[2 * i]).toMatchObject({ mtime: input[i]!.mtime, rsvpId: undefined });
      expect(output[2 * i]?.malformed).toBeDefined();
      expect(output[2 * i + 1]).toBe(input[i]);
    }
  });

  it('injects about the ratio, the same lines for the same input every run', () => {
    const first = new MalformedLines(0.1).inject(messages(2_000));
    const second = new MalformedLines(0.1).inject(messages(2_000));
    const injected = first.filter((m) => m.malformed !== undefined).length;
    expect(injected).toBeGreaterThan(140);
    expect(injected).toBeLessThan(260);
    expect(second.map((m) => m.line.toString())).toEqual(first.map((m) => m.line.toString()));
  });

  it('labels each injected line with the code the contracts validator rejects it with', () => {
    const validator = new RsvpValidator();
    const injected = new MalformedLines(1).inject(messages(40)).filter((m) => m.malformed);
    expect(new Set(injected.map((m) => m.malformed))).toEqual(
      new Set(['not_json', 'invalid_field']),
    );
    for (const message of injected) {
      expect(validator.validateRaw(message.line)).toMatchObject({
        ok: false,
        rejection: { code: message.malformed },
      });
    }
  });
});
