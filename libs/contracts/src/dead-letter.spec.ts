import {
  deadLetterHeaders,
  DLQ_REASON_MESSAGE_MAX_CHARS,
  DlqHeaders,
  DlqReason,
  RejectionCode,
} from './index';

const receivedAt = new Date('2026-11-30T12:00:00.000Z');

describe('deadLetterHeaders', () => {
  it('carries the reason, where the record was read and when', () => {
    const headers = deadLetterHeaders(
      { code: 'invalid_field', field: 'event.event_id', message: 'must be a string' },
      'meetup.rsvps/3',
      receivedAt,
    );
    expect(headers).toEqual({
      [DlqHeaders.reasonCode]: 'invalid_field',
      [DlqHeaders.reasonField]: 'event.event_id',
      [DlqHeaders.reasonMessage]: 'must be a string',
      [DlqHeaders.source]: 'meetup.rsvps/3',
      [DlqHeaders.receivedAt]: '2026-11-30T12:00:00.000Z',
    });
  });

  it('cuts a long message at the one limit', () => {
    const headers = deadLetterHeaders(
      { code: 'es_rejected', field: '', message: 'x'.repeat(5_000) },
      'source',
      receivedAt,
    );
    expect(headers[DlqHeaders.reasonMessage]).toHaveLength(DLQ_REASON_MESSAGE_MAX_CHARS);
  });

  it('never cuts a character in half', () => {
    // 🙂 is two UTF-16 units: the limit falls between them.
    const message = `${'a'.repeat(DLQ_REASON_MESSAGE_MAX_CHARS - 1)}🙂 and more`;
    const cut = deadLetterHeaders({ code: 'not_json', field: '', message }, 's', receivedAt)[
      DlqHeaders.reasonMessage
    ];
    expect(cut).toBe('a'.repeat(DLQ_REASON_MESSAGE_MAX_CHARS - 1));
    expect(Buffer.from(cut ?? '', 'utf8').toString('utf8')).toBe(cut);
  });
});

describe('DlqReason', () => {
  it('is every rejection of the validator plus es_rejected', () => {
    expect(Object.values(DlqReason).sort()).toEqual(
      [...Object.values(RejectionCode), 'es_rejected'].sort(),
    );
  });
});
