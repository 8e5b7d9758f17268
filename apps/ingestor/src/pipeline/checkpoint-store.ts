import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage, Message } from 'kafkajs';
import { ConsumerGroups } from '@meetup/contracts';
import type { Logger } from '@meetup/observability';

export interface Checkpoint {
  mtime: number;
}

/** A partition's offsets as `Admin.fetchTopicOffsets` answers them (strings, as on the wire). */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

/**
 * Reading the checkpoint topic from its start to the end it had when the read began: the
 * latest checkpoint of each key (a compacted topic may still hold older values before it),
 * and whether every partition that held records has been read up to that end.
 */
export class CheckpointReading {
  readonly latest = new Map<string, Checkpoint>();
  private readonly ends: Map<number, number>;
  private readonly remaining: Set<number>;

  constructor(offsets: readonly PartitionOffsets[]) {
    this.ends = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    this.remaining = new Set(
      offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => o.partition),
    );
  }

  get complete(): boolean {
    return this.remaining.size === 0;
  }

  /** One record of `partition`, in offset order; a record without a key or value changes nothing. */
  read(partition: number, message: Pick<KafkaMessage, 'key' | 'value' | 'offset'>): void {
    const key = message.key?.toString();
    if (key && message.value) this.latest.set(key, decodeCheckpoint(message.value));
    if (Number(message.offset) + 1 >= (this.ends.get(partition) ?? 0)) {
      this.remaining.delete(partition);
    }
  }
}

export function encodeCheckpoint(checkpoint: Checkpoint): string {
  return JSON.stringify(checkpoint);
}

/** Not validated: only the ingestor writes the topic (`encodeCheckpoint`); a value not JSON throws. */
export function decodeCheckpoint(value: Buffer): Checkpoint {
  return JSON.parse(value.toString()) as Checkpoint;
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
    const reading = new CheckpointReading(await this.admin.fetchTopicOffsets(this.topic));
    if (reading.complete) return reading.latest;
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
              reading.read(partition, message);
              if (reading.complete) resolve();
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
    return reading.latest;
  }

  message(key: string, checkpoint: Checkpoint): { topic: string; messages: Message[] } {
    return { topic: this.topic, messages: [{ key, value: encodeCheckpoint(checkpoint) }] };
  }
}
