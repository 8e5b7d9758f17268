import { TopicLayouts } from '@meetup/contracts';
import { ensureTopics } from '@meetup/kafka';
import {
  launchService,
  readinessOf,
  testEngines,
  testKafka,
  uniqueName,
  type ServiceProcess,
} from '@meetup/test-support';
import {
  coversManifest,
  createTopics,
  metric,
  missingFrom,
  readTopicUntil,
  startSimulator,
  waitFor,
  waitForSourceDone,
  type Simulator,
} from './ingest-harness';

describe('ingestor that may not create topics (KAFKA_TOPICS_CREATE=false)', () => {
  const admin = testKafka('ingestor-no-create').admin();
  let simulator: Simulator | undefined;
  let ingestor: ServiceProcess | undefined;

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await ingestor?.stop('SIGKILL');
    await simulator?.service.stop('SIGKILL');
    await admin.disconnect();
  });

  it('waits, not ready, for its missing checkpoint topic, and ingests once it exists', async () => {
    const names = {
      rsvps: uniqueName('rsvps'),
      dlq: uniqueName('dlq'),
      checkpoints: uniqueName('checkpoints'),
    };
    await createTopics(admin, names.rsvps, names.dlq);
    simulator = await startSimulator({ SYNTHETIC_RATE: '2000', SYNTHETIC_COUNT: '500' });
    ingestor = await launchService('ingestor', {
      KAFKA_BROKERS: testEngines().kafkaBrokers.join(','),
      KAFKA_TOPICS_CREATE: 'false',
      SOURCES: `sim=${simulator.streamUrl('ws')}`,
      RSVP_TOPIC: names.rsvps,
      DLQ_TOPIC: names.dlq,
      CHECKPOINT_TOPIC: names.checkpoints,
      INITIAL_SINCE_MTIME: '0',
    });
    const running = ingestor;
    let waiting: Awaited<ReturnType<typeof readinessOf>>;
    await waitFor(async () => {
      waiting = await readinessOf(running);
      return waiting?.body.details.topics?.waitingFor !== undefined;
    }, 'readiness naming the missing topic');
    expect(waiting!.status).toBe(503);
    expect(waiting!.body.details.topics).toEqual({
      status: 'down',
      message: 'waiting for topics',
      waitingFor: [names.checkpoints],
    });
    expect(waiting!.body.details.kafka?.status).toBe('up');
    expect((await fetch(`${running.baseUrl}/health/live`)).status).toBe(200);
    const waitLine = running
      .output()
      .split('\n')
      .find((l) => l.includes('"waiting for topics"'));
    expect(JSON.parse(waitLine ?? '{}')).toMatchObject({ waitingFor: [names.checkpoints] });
    // It neither created the topic nor started reading its source.
    expect(await admin.listTopics()).not.toContain(names.checkpoints);
    expect(await metric(running, 'meetup_ingestor_records_received_total')).toBe(0);

    await ensureTopics(admin, [
      { name: names.checkpoints, ...TopicLayouts.ingestorCheckpoints, replicationFactor: 1 },
    ]);
    await waitFor(async () => (await readinessOf(running))?.status === 200, 'ready', 30_000);
    const manifest = await waitForSourceDone(simulator);
    const records = await readTopicUntil(
      names.rsvps,
      coversManifest(() => manifest),
      60_000,
    );
    expect(missingFrom(manifest, records)).toEqual([]);
  });
});
