/**
 * Sustained ingest rate of one ingestor (messages/s acknowledged by Kafka,
 * with its CPU%), and how long a reconnect takes to close its gap.
 * Run: TEST_KAFKA_BROKERS=… TEST_ES_URL=… BENCH=ingest-rate tools/bench.sh
 */
import { readFileSync } from 'node:fs';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a benchmark drives real processes, as the integration tests do
import { testKafka, uniqueName, type ServiceProcess } from '@meetup/test-support';
import {
  createTopics,
  metric,
  startIngestor,
  startSimulator,
  waitFor,
  waitForSourceDone,
} from '../test/ingest-harness';

const MESSAGES = 200_000;
const CLOCK_TICKS = 100;

function cpuSeconds(service: ServiceProcess): number {
  const fields =
    readFileSync(`/proc/${service.process.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function sustainedRate(compression: 'none' | 'gzip'): Promise<void> {
  const admin = testKafka('bench').admin();
  await admin.connect();
  const topic = uniqueName('bench-rsvps');
  await createTopics(admin, topic, `${topic}-dlq`);
  await admin.disconnect();
  const simulator = await startSimulator({
    SYNTHETIC_RATE: '50000',
    SYNTHETIC_COUNT: String(MESSAGES),
    REPLAY_BUFFER_SIZE: String(MESSAGES),
  });
  await waitForSourceDone(simulator);
  const ingestor = await startIngestor({
    SOURCES: `sim=${simulator.streamUrl('ws')}`,
    RSVP_TOPIC: topic,
    DLQ_TOPIC: `${topic}-dlq`,
    CHECKPOINT_TOPIC: uniqueName('bench-checkpoints'),
    KAFKA_COMPRESSION: compression,
  });
  const cpu0 = cpuSeconds(ingestor);
  const t0 = Date.now();
  await waitFor(
    async () => (await metric(ingestor, 'meetup_ingestor_records_produced_total')) >= MESSAGES,
    'all records',
    600_000,
  );
  const seconds = (Date.now() - t0) / 1_000;
  const cpu = ((cpuSeconds(ingestor) - cpu0) / seconds) * 100;
  console.log(
    `[ingest-rate] compression=${compression} ${MESSAGES} msgs in ${seconds.toFixed(1)} s: ${Math.round(MESSAGES / seconds)} msgs/s into Kafka, ingestor CPU ${cpu.toFixed(0)} %`,
  );
  await ingestor.stop();
  await simulator.service.stop();
}

async function reconnectGap(): Promise<void> {
  const topic = uniqueName('bench-gap');
  const admin = testKafka('bench').admin();
  await admin.connect();
  await createTopics(admin, topic, `${topic}-dlq`);
  await admin.disconnect();
  const simulator = await startSimulator({
    SYNTHETIC_RATE: '2000',
    SYNTHETIC_COUNT: '60000',
    SYNTHETIC_MAX_DISORDER_MS: '500',
    FAULT_DROP_EVERY: '10000',
  });
  const ingestor = await startIngestor({
    SOURCES: `sim=${simulator.streamUrl('ws')}`,
    RSVP_TOPIC: topic,
    DLQ_TOPIC: `${topic}-dlq`,
    CHECKPOINT_TOPIC: uniqueName('bench-checkpoints'),
    RESUME_MARGIN_MS: '1000',
  });
  await waitForSourceDone(simulator);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const lines = ingestor
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg: string; time: string });
  const gaps: number[] = [];
  let down: number | undefined;
  for (const line of lines) {
    if (line.msg === 'source disconnected') down = Date.parse(line.time);
    if (line.msg === 'source connected' && down !== undefined) {
      gaps.push(Date.parse(line.time) - down);
      down = undefined;
    }
  }
  const lag = await metric(ingestor, 'meetup_ingestor_source_lag_seconds');
  console.log(
    `[ingest-rate] reconnects: ${gaps.length}, disconnect→resumed connection: ${gaps.map((g) => `${g} ms`).join(', ')}; replay per resume ≈ margin 1 s × 2,000 msgs/s; source lag at the end ${lag.toFixed(1)} s`,
  );
  await ingestor.stop();
  await simulator.service.stop();
}

async function main(): Promise<void> {
  if (!process.env.BENCH_GAP_ONLY) await sustainedRate('none');
  if (!process.env.BENCH_GAP_ONLY) await sustainedRate('gzip');
  await reconnectGap();
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
