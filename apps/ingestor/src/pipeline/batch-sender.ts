import { CompressionTypes, type Kafka, type Producer, type TopicMessages } from 'kafkajs';

/** Where the writer sends a batch: one produce request, acknowledged by every in-sync replica. */
export interface BatchSender {
  /** Resolves once Kafka acknowledged every message; rejects when the request failed. */
  send(topicMessages: TopicMessages[]): Promise<void>;
  /** Drops the producer: the next `send` starts a new one (a broker may have lost its state). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** An idempotent kafkajs producer (acks=all, one request in flight), connected on first use. */
export class KafkaBatchSender implements BatchSender {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly compression: 'none' | 'gzip',
  ) {}

  async send(topicMessages: TopicMessages[]): Promise<void> {
    if (topicMessages.length === 0) return;
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
    }
    await this.producer.sendBatch({
      topicMessages,
      acks: -1,
      compression: this.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
    });
  }

  async reset(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    await old?.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}
