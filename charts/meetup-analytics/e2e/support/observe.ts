/** What the test reads back from the running release's topics. */
import type { Kafka } from 'kafkajs';
import { uniqueName } from '@meetup/test-support';

export interface TopicRecord {
  partition: number;
  value: string;
}

/** Every record of a topic, each partition in offset order (read as the super user). */
export async function consumeAll(kafka: Kafka, topic: string): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Set(
    ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => e.partition),
  );
  const byPartition = new Map<number, TopicRecord[]>();
  if (remaining.size === 0) return [];
  const consumer = kafka.consumer({ groupId: uniqueName('e2e-reader') });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: ({ partition, message }) => {
            const list = byPartition.get(partition) ?? [];
            list.push({ partition, value: message.value?.toString() ?? '' });
            byPartition.set(partition, list);
            const end = ends.find((e) => e.partition === partition);
            if (end && Number(message.offset) + 1 >= Number(end.high)) remaining.delete(partition);
            if (remaining.size === 0) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return [...byPartition.keys()].sort((a, b) => a - b).flatMap((p) => byPartition.get(p) ?? []);
}
