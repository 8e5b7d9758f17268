import { recordedLines } from '@meetup/fixtures';
import { RejectionCode, RsvpValidator } from './rsvp-validator';

const validator = new RsvpValidator();

const valid = {
  rsvp_id: 1658733801,
  mtime: 1489925470960,
  response: 'yes',
  guests: 1,
  visibility: 'public',
  member: { member_id: 913244689, member_name: 'member-6897bc95' },
  event: {
    event_id: 'jkpwmlywgbmb',
    event_name: 'Play Intermediate Volleyball',
    event_url: 'https://www.meetup.com/x/events/236786445/',
    time: 1491613200000,
  },
  group: {
    group_id: 16585312,
    group_name: 'Taipei Sports and Social Club',
    group_city: 'Taipei',
    group_country: 'tw',
    group_urlname: 'Taipei-Sports-and-Social-Club',
    group_lat: 25.02,
    group_lon: 121.45,
    group_topics: [{ urlkey: 'fitness', topic_name: 'Fitness' }],
  },
  venue: { venue_id: 23779799, venue_name: 'Datong High School', lat: 25.05, lon: 121.5 },
};

type Json = Record<string, unknown>;

/** A copy of the valid record with one change applied at a dotted path (undefined deletes). */
function withField(path: string, value: unknown): Json {
  const copy = structuredClone(valid) as Json;
  const keys = path.split('.');
  const last = keys.pop()!;
  let target: Json = copy;
  for (const key of keys) target = target[key] as Json;
  if (value === undefined) Reflect.deleteProperty(target, last);
  else target[last] = value;
  return copy;
}

describe('RsvpValidator', () => {
  const lines = recordedLines();

  it('reads the recorded data set (3,175 messages in four files)', () => {
    expect(lines).toHaveLength(3175);
  });

  it('accepts every recorded real Meetup RSVP', () => {
    const rejected = lines
      .map((line) => ({ line, result: validator.validateRaw(line.raw) }))
      .filter(({ result }) => !result.ok);
    expect(
      rejected.map(({ line, result }) => ({ file: line.file, line: line.line, result })),
    ).toEqual([]);
  });

  it('keeps fields it does not know about', () => {
    const result = validator.validateValue({ ...valid, future_field: 42 });
    expect(result.ok && (result.rsvp as Json & { future_field?: number }).future_field).toBe(42);
  });

  it('accepts a record without venue, and a venue at 0,0', () => {
    expect(validator.validateValue(withField('venue', undefined)).ok).toBe(true);
    expect(validator.validateValue(withField('venue.lat', 0)).ok).toBe(true);
  });

  const oversized = JSON.stringify({ ...valid, padding: 'x'.repeat(70 * 1024) });

  const rawCases: [string, string, RejectionCode, string][] = [
    ['an empty line', '', RejectionCode.NotJson, ''],
    ['plain text', 'hello', RejectionCode.NotJson, ''],
    ['truncated JSON', JSON.stringify(valid).slice(0, 80), RejectionCode.NotJson, ''],
    ['a JSON array', '[1,2]', RejectionCode.NotAnObject, ''],
    ['a JSON string', '"rsvp"', RejectionCode.NotAnObject, ''],
    ['JSON null', 'null', RejectionCode.NotAnObject, ''],
    ['a message over 64 KiB', oversized, RejectionCode.Oversized, ''],
  ];

  it.each(rawCases)('rejects %s', (_name, raw, code, field) => {
    const result = validator.validateRaw(raw);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.rejection).toMatchObject({ code, field });
  });

  const fieldCases: [string, Json, string][] = [
    ['missing rsvp_id', withField('rsvp_id', undefined), 'rsvp_id'],
    ['rsvp_id as a string', withField('rsvp_id', '1658733801'), 'rsvp_id'],
    ['negative rsvp_id', withField('rsvp_id', -5), 'rsvp_id'],
    ['fractional rsvp_id', withField('rsvp_id', 1.5), 'rsvp_id'],
    ['missing mtime', withField('mtime', undefined), 'mtime'],
    ['mtime as a date string', withField('mtime', '2017-03-19T10:00:00Z'), 'mtime'],
    ['negative mtime', withField('mtime', -1), 'mtime'],
    ['unknown response', withField('response', 'maybe'), 'response'],
    ['response in capitals', withField('response', 'YES'), 'response'],
    ['missing response', withField('response', undefined), 'response'],
    ['negative guests', withField('guests', -1), 'guests'],
    ['guests as a string', withField('guests', '2'), 'guests'],
    ['fractional guests', withField('guests', 0.5), 'guests'],
    ['missing event', withField('event', undefined), 'event'],
    ['missing event.event_id', withField('event.event_id', undefined), 'event.event_id'],
    ['numeric event.event_id', withField('event.event_id', 250753032), 'event.event_id'],
    ['empty event.event_id', withField('event.event_id', ''), 'event.event_id'],
    [
      'control characters in event.event_id',
      withField('event.event_id', 'abc\u0000\u001b[2J'),
      'event.event_id',
    ],
    ['a newline in event.event_id', withField('event.event_id', 'abc\ndef'), 'event.event_id'],
    ['spaces in event.event_id', withField('event.event_id', 'abc def'), 'event.event_id'],
    [
      'a 10,000-character event.event_id',
      withField('event.event_id', 'a'.repeat(10_000)),
      'event.event_id',
    ],
    ['missing group', withField('group', undefined), 'group'],
    ['group as a string', withField('group', 'Taipei'), 'group'],
    ['missing group.group_id', withField('group.group_id', undefined), 'group.group_id'],
    [
      'upper-case group.group_country',
      withField('group.group_country', 'TW'),
      'group.group_country',
    ],
    [
      'a country name for group.group_country',
      withField('group.group_country', 'taiwan'),
      'group.group_country',
    ],
    ['group_lat out of range', withField('group.group_lat', 91), 'group.group_lat'],
    ['group_lon as a string', withField('group.group_lon', '121.45'), 'group.group_lon'],
    ['group_topics not a list', withField('group.group_topics', 'fitness'), 'group.group_topics'],
    [
      'a topic without urlkey',
      withField('group.group_topics', [{ topic_name: 'Fitness' }]),
      'group.group_topics.0.urlkey',
    ],
    [
      'a control character in a topic urlkey',
      withField('group.group_topics', [{ topic_name: 'F', urlkey: 'fit\u0007' }]),
      'group.group_topics.0.urlkey',
    ],
    ['missing member', withField('member', undefined), 'member'],
    ['member_id as a string', withField('member.member_id', 'abc'), 'member.member_id'],
    ['venue latitude as a string', withField('venue.lat', '25.05'), 'venue.lat'],
    ['venue longitude out of range', withField('venue.lon', 500), 'venue.lon'],
  ];

  it.each(fieldCases)('rejects %s, naming the field', (_name, record, field) => {
    const result = validator.validateRaw(JSON.stringify(record));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection.code).toBe(RejectionCode.InvalidField);
    expect(result.rejection.field).toBe(field);
    expect(result.rejection.message).toContain(field);
  });

  it('has a table of at least 30 bad records', () => {
    expect(rawCases.length + fieldCases.length).toBeGreaterThanOrEqual(30);
  });

  it('applies a configured size limit', () => {
    const small = new RsvpValidator({ maxBytes: 100 });
    const result = small.validateRaw(JSON.stringify(valid));
    expect(!result.ok && result.rejection.code).toBe(RejectionCode.Oversized);
  });
});
