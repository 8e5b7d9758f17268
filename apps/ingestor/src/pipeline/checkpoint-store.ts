import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Message } from 'kafkajs';
import { ConsumerGroups } from '@meetup/contracts';
import type { Logger } from '@meetup/observability';

export interface Checkpoint {
  mtime: number;
}

/**
 * Resume positions in a compacted topic, one key per source and replica:
 * the latest value of a key is the newest mtime up to which everything the
 * source delivered is in Kafka.
 */
export class CheckpointStore {
  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  static keyOf(source: string, replica: number): string {
    return `${source}#${replica}`;
  }

  /**
   * Reads the topic to its end and answers the latest checkpoint of each key.
   * Rejects when the reader cannot go on (e.g. its group or the topic is
   * denied): kafkajs then stops the consumer without restarting it.
   */
  async load(): Promise<Map<string, Checkpoint>> {
    const latest = new Map<string, Checkpoint>();
    const offsets = await this.admin.fetchTopicOffsets(this.topic);
    const ends = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    const remaining = new Set(
      offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => o.partition),
    );
    if (remaining.size === 0) return latest;
    const groupId = `${ConsumerGroups.ingestorCheckpointReaderPrefix}${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId });
    const crashed = new Promise<never>((_, reject) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
    });
    crashed.catch(() => undefined); // raced below; no unhandled rejection when the read won
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topic, fromBeginning: true });
      const readToEnd = new Promise<void>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: ({ partition, message }) => {
              const key = message.key?.toString();
              if (key && message.value)
                latest.set(key, JSON.parse(message.value.toString()) as Checkpoint);
              if (Number(message.offset) + 1 >= (ends.get(partition) ?? 0))
                remaining.delete(partition);
              if (remaining.size === 0) resolve();
              return Promise.resolve();
            },
          })
          .catch(reject);
      });
      await Promise.race([readToEnd, crashed]);
    } finally {
      await consumer.disconnect();
      await this.admin.deleteGroups([groupId]).catch((error: unknown) => {
        this.logger.debug({ err: error, groupId }, 'checkpoint reader group not deleted');
      });
    }
    return latest;
  }

  message(key: string, checkpoint: Checkpoint): { topic: string; messages: Message[] } {
    return { topic: this.topic, messages: [{ key, value: JSON.stringify(checkpoint) }] };
  }
}
