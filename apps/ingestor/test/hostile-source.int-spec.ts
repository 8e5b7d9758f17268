import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlqHeaders, RsvpValidator } from '@meetup/contracts';
import { recordedLines } from '@meetup/fixtures';
import { HostileCategories, hostileInputs } from '@meetup/hostile-rsvps';
import { testKafka, uniqueName, type ServiceProcess } from '@meetup/test-support';
import {
  createTopics,
  metric,
  readTopicUntil,
  startIngestor,
  startSimulator,
  waitForSourceDone,
  type ReadRecord,
  waitFor,
  type Simulator,
} from './ingest-harness';

/**
 * Hostile input at the ingestor's source: generated bad lines among recorded RSVPs, replayed by
 * the simulator byte for byte over each protocol. None may stop the stream or be lost: each goes
 * to the DLQ with its reason, and every valid one reaches the topic.
 */
describe('the ingestor fed hostile input by its source', () => {
  const admin = testKafka('ingestor-hostile').admin();
  const running: ServiceProcess[] = [];
  let simulator: Simulator | undefined;

  beforeAll(() => admin.connect());
  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
    await simulator?.service.stop('SIGKILL');
    simulator = undefined;
  });
  afterAll(() => admin.disconnect());

  const validator = new RsvpValidator();
  const valid = recordedLines()
    .map((line) => line.raw)
    .filter((raw) => validator.validateRaw(raw).ok)
    .slice(0, 2_000);
  // A line of only whitespace is no message on a line-delimited stream (the simulator's replay
  // skips it, as the ingestor skips empty keep-alive lines).
  const hostile = hostileInputs({ seed: 17, count: 720, templates: valid.slice(0, 100) })
    .filter((h) => h.bytes.toString('utf8').trim() !== '')
    .slice(0, 700);
  const file = join(tmpdir(), `${uniqueName('hostile-source')}.ndjson`);
  // One hostile line after every third valid one, the rest at the end.
  const lines: Buffer[] = [];
  valid.forEach((line, i) => {
    lines.push(Buffer.from(line));
    if (i % 3 === 0 && hostile[i / 3]) lines.push(hostile[i / 3]!.bytes);
  });
  hostile.slice(Math.ceil(valid.length / 3)).forEach((h) => lines.push(h.bytes));
  writeFileSync(file, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])));

  it.each(['ws', 'http'] as const)(
    'dead-letters each of 700 hostile lines with its reason and keeps every valid one (%s)',
    async (protocol) => {
      const names = {
        rsvps: uniqueName('hostile-rsvps'),
        dlq: uniqueName('hostile-dlq'),
        checkpoints: uniqueName('hostile-checkpoints'),
      };
      await createTopics(admin, names.rsvps, names.dlq);
      simulator = await startSimulator({
        SOURCE: 'replay',
        REPLAY_FILES: file,
        REPLAY_SPEED: 'max',
        WAIT_FOR_CLIENTS: '1',
      });
      const ingestor = await startIngestor({
        SOURCES: `sim=${simulator.streamUrl(protocol)}`,
        RSVP_TOPIC: names.rsvps,
        DLQ_TOPIC: names.dlq,
        CHECKPOINT_TOPIC: names.checkpoints,
      });
      running.push(ingestor);
      await waitForSourceDone(simulator);
      // Everything the ingestor received is produced or dead-lettered, and read back.
      const counted = async () =>
        (await metric(ingestor, 'meetup_ingestor_records_produced_total')) +
        (await metric(ingestor, 'meetup_ingestor_records_dlq_total'));
      await waitFor(async () => (await counted()) >= lines.length, 'every line handled');
      const deadCount = await metric(ingestor, 'meetup_ingestor_records_dlq_total');
      const dead = await readTopicUntil(names.dlq, (records) => records.length >= deadCount);
      const stored = await readTopicUntil(
        names.rsvps,
        (records) => records.length >= lines.length - deadCount,
      );

      // Each hostile input once, with the reason its category gets.
      const reasonOf = (record: ReadRecord) => record.headers[DlqHeaders.reasonCode];
      const byBytes = new Map(dead.map((r) => [r.value.toString('base64'), reasonOf(r)]));
      const wrong = hostile
        .map((h) => ({
          category: h.category,
          want: HostileCategories[h.category],
          got: byBytes.get(h.bytes.toString('base64')),
        }))
        .filter((h) => h.got !== h.want);
      expect(wrong).toEqual([]);
      // Every valid record, byte for byte, and only those.
      expect(stored.map((r) => r.value.toString()).sort()).toEqual([...valid].sort());
      // One connection: no hostile line made the ingestor drop and reopen it.
      expect(await metric(simulator.service, 'meetup_simulator_connections_total')).toBe(1);
      expect(dead).toHaveLength(hostile.length);
    },
  );
});
