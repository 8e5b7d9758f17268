import { controlEngine, testKafka, uniqueName, type ServiceProcess } from '@meetup/test-support';
import {
  coversManifest,
  createTopics,
  metric,
  missingFrom,
  readTopicUntil,
  startIngestor,
  startSimulator,
  waitFor,
  waitForSourceDone,
  type Simulator,
} from './ingest-harness';

// Needs its own engine instance (TEST_ENGINES_NAME): it stops the broker.
describe('ingestor while the Kafka broker is down', () => {
  const admin = testKafka('ingestor-outage').admin();
  let simulator: Simulator | undefined;
  let ingestor: ServiceProcess | undefined;

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await controlEngine('kafka-start');
    await ingestor?.stop('SIGKILL');
    await simulator?.service.stop('SIGKILL');
    await admin.disconnect();
  });

  it('misses nothing when the broker stops for 20 s mid-stream, and its memory stays bounded', async () => {
    const names = { rsvps: uniqueName('rsvps'), dlq: uniqueName('dlq') };
    await createTopics(admin, names.rsvps, names.dlq);
    simulator = await startSimulator({ SYNTHETIC_RATE: '1000', SYNTHETIC_COUNT: '40000' });
    ingestor = await startIngestor({
      SOURCES: `sim=${simulator.streamUrl('ws')}`,
      RSVP_TOPIC: names.rsvps,
      DLQ_TOPIC: names.dlq,
      CHECKPOINT_TOPIC: uniqueName('checkpoints'),
      BUFFER_MAX_RECORDS: '5000',
    });
    const running = ingestor;
    await waitFor(
      async () => (await metric(running, 'meetup_ingestor_records_produced_total')) > 5_000,
      'the first records',
    );
    await controlEngine('kafka-stop');
    const samples: { fill: number; rss: number }[] = [];
    for (let second = 0; second < 20; second += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      samples.push({
        fill: await metric(running, 'meetup_ingestor_buffer_fill_ratio'),
        rss: await metric(running, 'process_resident_memory_bytes'),
      });
    }
    await controlEngine('kafka-start');
    const manifest = await waitForSourceDone(simulator);
    const records = await readTopicUntil(
      names.rsvps,
      coversManifest(() => manifest),
      240_000,
    );
    expect(missingFrom(manifest, records)).toEqual([]);
    expect(Math.max(...samples.map((s) => s.fill))).toBeLessThanOrEqual(1.2);
    expect(Math.max(...samples.map((s) => s.rss))).toBeLessThan(400 * 1024 * 1024);
  });
});
