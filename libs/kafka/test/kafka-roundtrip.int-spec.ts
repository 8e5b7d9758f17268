import type { Consumer } from 'kafkajs';
import { testKafka, uniqueName } from '@meetup/test-support';
import { ensureTopics } from '../src';

const RECORDS = 10_000;
const KEYS = 97;

describe('Kafka round trip on the real broker', () => {
  const kafka = testKafka('kafka-roundtrip');
  const admin = kafka.admin();
  let consumer: Consumer | undefined;

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await consumer?.disconnect();
    await admin.disconnect();
  });

  it('creates a topic once and leaves it alone the second time', async () => {
    const topic = uniqueName('ensure-topics');
    const spec = { name: topic, partitions: 2, replicationFactor: 1 };
    expect(await ensureTopics(admin, [spec])).toEqual([topic]);
    expect(await ensureTopics(admin, [{ ...spec, partitions: 5 }])).toEqual([]);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata?.partitions).toHaveLength(2);
  });

  it('delivers 10,000 keyed records from an idempotent producer, none lost, in order per key', async () => {
    const topic = uniqueName('roundtrip');
    await ensureTopics(admin, [{ name: topic, partitions: 3, replicationFactor: 1 }]);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: RECORDS }, (_, i) => ({
      key: `key-${i % KEYS}`,
      value: JSON.stringify({ seq: i }),
    }));
    for (let start = 0; start < RECORDS; start += 1_000) {
      await producer.send({ topic, acks: -1, messages: sent.slice(start, start + 1_000) });
    }
    await producer.disconnect();

    const received: { key: string; seq: number; partition: number }[] = [];
    consumer = kafka.consumer({ groupId: uniqueName('roundtrip-group') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer!.run({
        eachMessage: ({ message, partition }) => {
          const { seq } = JSON.parse(message.value!.toString()) as { seq: number };
          received.push({ key: message.key!.toString(), seq, partition });
          if (received.length === RECORDS) resolve();
          return Promise.resolve();
        },
      });
    });
    await done;

    expect(new Set(received.map((r) => r.seq)).size).toBe(RECORDS);
    const byKey = new Map<string, { seqs: number[]; partitions: Set<number> }>();
    for (const r of received) {
      const entry = byKey.get(r.key) ?? { seqs: [], partitions: new Set<number>() };
      entry.seqs.push(r.seq);
      entry.partitions.add(r.partition);
      byKey.set(r.key, entry);
    }
    expect(byKey.size).toBe(KEYS);
    for (const { seqs, partitions } of byKey.values()) {
      expect(partitions.size).toBe(1);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });
});
