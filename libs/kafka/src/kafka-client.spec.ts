import { Writable } from 'node:stream';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { createLogger } from '@meetup/observability';
import { createKafkaClient } from './kafka-client';

const config = {
  brokers: ['127.0.0.1:9'],
  clientId: 'kafka-client-spec',
  ssl: false,
  caFile: undefined,
  sasl: undefined,
};

function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ serviceName: 'spec', level: 'info' }, destination), lines };
}

const PARTITIONER_WARNING = 'switched default partitioner';

afterEach(() => {
  jest.restoreAllMocks();
});

describe('a Kafka client of the project', () => {
  it("creates producers with kafkajs's DefaultPartitioner (murmur2), and no warning about it", () => {
    const { logger, lines } = capturingLogger();
    const producer = jest.spyOn(Kafka.prototype, 'producer');
    createKafkaClient({ config, logger }).producer({ idempotent: true });
    expect(producer).toHaveBeenCalledWith({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    expect(lines.filter((line) => line.includes(PARTITIONER_WARNING))).toEqual([]);

    // kafkajs warns (once per process, through the client's logger) when none is named:
    // this client would have shown it.
    new Kafka({
      brokers: config.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => lines.push(entry.log.message),
    }).producer();
    expect(lines.filter((line) => line.includes(PARTITIONER_WARNING))).toHaveLength(1);
  });

  it('keeps a partitioner a producer names itself', () => {
    const producer = jest.spyOn(Kafka.prototype, 'producer');
    createKafkaClient({ config, logger: capturingLogger().logger }).producer({
      createPartitioner: Partitioners.LegacyPartitioner,
    });
    expect(producer).toHaveBeenCalledWith({ createPartitioner: Partitioners.LegacyPartitioner });
  });
});
