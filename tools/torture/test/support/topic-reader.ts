import type { IHeaders, Kafka } from 'kafkajs';
import { uniqueName } from '@meetup/test-support';

export interface TopicRecord {
  partition: number;
  offset: number;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Every record of a topic up to its end offsets at the time of the call, partition by
 * partition in offset order.
 */
export async function readWholeTopic(
  kafka: Kafka,
  topic: string,
  timeoutMs = 300_000,
): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]),
  );
  const byPartition = new Map<number, TopicRecord[]>();
  if (remaining.size > 0) {
    const consumer = kafka.consumer({ groupId: uniqueName('torture-reader') });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `reading ${topic}: partitions ${[...remaining.keys()].join(', ')} not read to the end`,
            ),
          );
        }, timeoutMs);
        void consumer.run({
          eachBatch: ({ batch }) => {
            const end = remaining.get(batch.partition);
            const list = byPartition.get(batch.partition) ?? [];
            byPartition.set(batch.partition, list);
            for (const message of batch.messages) {
              const offset = Number(message.offset);
              if (end === undefined) continue;
              if (offset < end) {
                list.push({
                  partition: batch.partition,
                  offset,
                  value: message.value ?? Buffer.alloc(0),
                  headers: headersOf(message.headers),
                });
              }
              // The end is reached at its last record, or passed (a record written since).
              if (offset >= end - 1) remaining.delete(batch.partition);
            }
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
  }
  return [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p) ?? []);
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([key, value]) => [key, String(value)]),
  );
}
