import { RejectionCode } from './rsvp-validator';
import { DlqHeaders } from './topics';

/**
 * Why a record is in the dead-letter topic (`dlq.reason.code`): the validator's rejections,
 * or `es_rejected` when the record was valid but Elasticsearch refused its document for
 * good (a mapping error, say), which retrying cannot change.
 */
export const DlqReason = {
  ...RejectionCode,
  EsRejected: 'es_rejected',
} as const;
export type DlqReason = (typeof DlqReason)[keyof typeof DlqReason];

export interface DeadLetterReason {
  code: DlqReason;
  /** Dotted path of the offending field, or '' when it is about the whole record. */
  field: string;
  message: string;
}

/** `dlq.reason.message` holds at most this many characters (Kafka headers stay small). */
export const DLQ_REASON_MESSAGE_MAX_CHARS = 1024;

/** The `DlqHeaders` of a dead letter: reason, where it was read, when. */
export function deadLetterHeaders(
  reason: DeadLetterReason,
  source: string,
  receivedAt: Date,
): Record<string, string> {
  return {
    [DlqHeaders.reasonCode]: reason.code,
    [DlqHeaders.reasonField]: reason.field,
    [DlqHeaders.reasonMessage]: truncate(reason.message, DLQ_REASON_MESSAGE_MAX_CHARS),
    [DlqHeaders.source]: source,
    [DlqHeaders.receivedAt]: receivedAt.toISOString(),
  };
}

/** At most `max` UTF-16 units, never half of a surrogate pair (the header stays valid UTF-8). */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  const cut = last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
  return text.slice(0, cut);
}
