import { chunkBySize } from '@meetup/size-chunks';

/**
 * What one produce request may carry: half the broker's default limit on a record batch
 * (`message.max.bytes`, 1 MiB), which Kafka enforces on the whole batch of a partition and
 * refuses for good (`MESSAGE_TOO_LARGE`), so a retry of the same request can never succeed.
 */
export const KAFKA_REQUEST_BYTES = 512 * 1024;

/** Messages, in order, in runs of at most `limit` bytes of values (UTF-8 for strings). */
export function chunksOfBytes<T extends { value: Buffer | string | null }>(
  messages: readonly T[],
  limit: number = KAFKA_REQUEST_BYTES,
): T[][] {
  return chunkBySize(messages, (m) => (m.value === null ? 0 : Buffer.byteLength(m.value)), limit);
}
