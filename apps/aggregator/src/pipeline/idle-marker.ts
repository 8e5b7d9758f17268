import type { IHeaders } from 'kafkajs';

/**
 * The header of an idle marker: a record with no value the combine leader writes into every
 * partition of the RSVP topic once the stream is quiet (`StreamIdleness`). Its value is the
 * event time (ms, decimal) the partition's watermark advances to.
 */
export const IDLE_MARKER_HEADER = 'meetup-idle-watermark';

/** The message that advances a partition's watermark to `watermark`. */
export function idleMarkerMessage(partition: number, watermark: number) {
  return {
    partition,
    key: null,
    value: null,
    headers: { [IDLE_MARKER_HEADER]: String(Math.floor(watermark)) },
  };
}

/**
 * The event time an idle marker carries, or undefined when the record is not one: a record
 * with a value, or a marker whose time is not a safe integer, is an ordinary record (and a
 * record with no value is dead-lettered as such).
 */
export function idleWatermarkOf(
  value: Buffer | null,
  headers: IHeaders | undefined,
): number | undefined {
  if (value !== null || !headers) return undefined;
  const header = headers[IDLE_MARKER_HEADER];
  const text = (Array.isArray(header) ? header[0] : header)?.toString();
  if (text === undefined || !/^-?\d{1,16}$/.test(text)) return undefined;
  const time = Number(text);
  return Number.isSafeInteger(time) ? time : undefined;
}
