import { describeLine } from './message-source';

describe('describeLine', () => {
  it('reads the rsvp_id, mtime and event_id the stream needs and keeps the bytes', () => {
    const line = Buffer.from('{"rsvp_id":5,"mtime":1234,"event":{"event_id":"abc"}}');
    expect(describeLine(line, 0)).toEqual({ line, mtime: 1234, rsvpId: 5, eventId: 'abc' });
  });

  it('gives a line that is not JSON the fallback mtime and no ids', () => {
    const line = Buffer.from('{"rsvp_id":5,');
    expect(describeLine(line, 99)).toEqual({
      line,
      mtime: 99,
      rsvpId: undefined,
      eventId: undefined,
    });
  });

  it('trusts no mtime or rsvp_id outside the safe integers, so a hostile one cannot pace or resume the stream', () => {
    for (const edge of ['9007199254740993', '1e400', '-1', '1.5']) {
      const line = Buffer.from(`{"rsvp_id":${edge},"mtime":${edge},"event":{"event_id":"e"}}`);
      expect(describeLine(line, 99)).toMatchObject({ mtime: 99, rsvpId: undefined });
    }
  });

  it('ignores fields of the wrong type rather than pass them on', () => {
    const line = Buffer.from('{"rsvp_id":"5","mtime":"1234","event":{"event_id":7}}');
    expect(describeLine(line, 99)).toMatchObject({
      mtime: 99,
      rsvpId: undefined,
      eventId: undefined,
    });
    expect(describeLine(Buffer.from('null'), 3)).toMatchObject({ mtime: 3, rsvpId: undefined });
  });
});
