import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DlqHeaders, RsvpValidator } from '@meetup/contracts';
import { recordedFiles, recordedLines } from '@meetup/fixtures';
import { HostileCategories, hostileInputs } from '@meetup/hostile-rsvps';
import { Headers } from '../src/pipeline/rsvp-intake';
import { testKafka, uniqueName, type ServiceProcess } from '@meetup/test-support';
import {
  coversManifest,
  createTopics,
  metric,
  readTopicUntil,
  missingFrom,
  startIngestor,
  startSimulator,
  waitForSourceDone,
  waitFor,
  type ReadRecord,
  type Simulator,
} from './ingest-harness';

describe('ingestor against the simulator and a real Kafka', () => {
  const admin = testKafka('ingestor-it').admin();
  const running: ServiceProcess[] = [];
  let simulator: Simulator | undefined;

  beforeAll(() => admin.connect());
  afterEach(async () => {
    await Promise.all(running.splice(0).map((service) => service.stop('SIGKILL')));
    await simulator?.service.stop('SIGKILL');
    simulator = undefined;
  });
  afterAll(() => admin.disconnect());

  async function topics() {
    const names = {
      rsvps: uniqueName('rsvps'),
      dlq: uniqueName('dlq'),
      checkpoints: uniqueName('checkpoints'),
    };
    await createTopics(admin, names.rsvps, names.dlq);
    return names;
  }

  function ingestorEnv(
    names: { rsvps: string; dlq: string; checkpoints: string },
    sources: string,
  ) {
    return {
      SOURCES: sources,
      RSVP_TOPIC: names.rsvps,
      DLQ_TOPIC: names.dlq,
      CHECKPOINT_TOPIC: names.checkpoints,
    };
  }

  it('puts every rsvp of a 50,000-message stream in Kafka with three replicas, each by its shard owner', async () => {
    const names = await topics();
    simulator = await startSimulator({
      SYNTHETIC_RATE: '5000',
      SYNTHETIC_COUNT: '50000',
      SYNTHETIC_SEED: '11',
    });
    for (let index = 0; index < 3; index += 1) {
      running.push(
        await startIngestor({
          ...ingestorEnv(names, `sim=${simulator.streamUrl(index === 1 ? 'http' : 'ws')}`),
          REPLICA_INDEX: String(index),
          REPLICA_COUNT: '3',
        }),
      );
    }
    const manifest = await waitForSourceDone(simulator);
    expect(manifest).toHaveLength(50_000);
    const records = await readTopicUntil(
      names.rsvps,
      coversManifest(() => manifest),
    );
    expect(missingFrom(manifest, records)).toEqual([]);
    const wrongOwner = records.filter((record) => {
      const { rsvp_id } = JSON.parse(record.value.toString()) as { rsvp_id: number };
      return record.headers[Headers.replica] !== String(rsvp_id % 3);
    });
    expect(wrongOwner).toHaveLength(0);
  });

  it.each(['ws', 'http'] as const)(
    'misses nothing when the source drops the %s connection every 5,000 messages',
    async (protocol) => {
      const names = await topics();
      simulator = await startSimulator({
        SYNTHETIC_RATE: '2000',
        SYNTHETIC_COUNT: '30000',
        SYNTHETIC_MAX_DISORDER_MS: '500',
        FAULT_DROP_EVERY: '5000',
      });
      // The margin covers the stream's disorder; a resume replays ~2,000 messages, under 5,000.
      const ingestor = await startIngestor({
        ...ingestorEnv(names, `sim=${simulator.streamUrl(protocol)}`),
        RESUME_MARGIN_MS: '1000',
      });
      running.push(ingestor);
      const manifest = await waitForSourceDone(simulator);
      const records = await readTopicUntil(
        names.rsvps,
        coversManifest(() => manifest),
      );
      expect(missingFrom(manifest, records)).toEqual([]);
      expect(await metric(ingestor, 'meetup_ingestor_reconnects_total')).toBeGreaterThanOrEqual(5);
    },
  );

  it('sends each malformed line (1 %) to the DLQ with its reason, and every valid record on', async () => {
    const names = await topics();
    simulator = await startSimulator({
      SYNTHETIC_RATE: '3000',
      SYNTHETIC_COUNT: '10000',
      FAULT_MALFORMED_RATIO: '0.01',
    });
    const ingestor = await startIngestor(ingestorEnv(names, `sim=${simulator.streamUrl('ws')}`));
    running.push(ingestor);
    const manifest = await waitForSourceDone(simulator);
    const malformed = manifest.filter((e) => e.malformed);
    expect(malformed.length).toBeGreaterThan(50);
    const records = await readTopicUntil(
      names.rsvps,
      coversManifest(() => manifest),
    );
    expect(missingFrom(manifest, records)).toEqual([]);
    const dlq = await readTopicUntil(names.dlq, (read) => read.length >= malformed.length);
    const reasons = new Map(dlq.map((r) => [r.value.toString(), r.headers[DlqHeaders.reasonCode]]));
    expect(malformed.filter((e) => reasons.get(e.raw!) !== e.malformed)).toEqual([]);
    expect(await metric(ingestor, 'meetup_ingestor_records_dlq_total')).toBe(malformed.length);
  });

  it('replays every recorded file into Kafka, each record byte-identical', async () => {
    const names = await topics();
    const files = recordedFiles();
    simulator = await startSimulator({
      SOURCE: 'replay',
      REPLAY_FILES: files.join(','),
      REPLAY_SPEED: 'max',
    });
    running.push(await startIngestor(ingestorEnv(names, `sim=${simulator.streamUrl('http')}`)));
    const expected = recordedLines().map((line) => line.raw);
    const records = await readTopicUntil(names.rsvps, (read) => {
      const values = new Set(read.map((r) => r.value.toString('utf8')));
      return expected.every((raw) => values.has(raw));
    });
    const values = new Set(records.map((r) => r.value.toString('utf8')));
    expect(expected.filter((raw) => !values.has(raw))).toEqual([]);
  });

  it('misses nothing when a replica is killed with SIGKILL mid-stream and restarted', async () => {
    const names = await topics();
    simulator = await startSimulator({ SYNTHETIC_RATE: '2000', SYNTHETIC_COUNT: '20000' });
    const env = ingestorEnv(names, `sim=${simulator.streamUrl('ws')}`);
    const first = await startIngestor(env);
    await waitFor(
      async () => (await metric(first, 'meetup_ingestor_records_produced_total')) > 4_000,
      'the first records',
    );
    await first.stop('SIGKILL');
    running.push(await startIngestor(env));
    const manifest = await waitForSourceDone(simulator);
    const records = await readTopicUntil(
      names.rsvps,
      coversManifest(() => manifest),
    );
    expect(missingFrom(manifest, records)).toEqual([]);
  });
  // Hostile input at the source: generated bad lines among recorded RSVPs, replayed byte for
  // byte over each protocol. None may stop the stream or be lost.
  it.each(['ws', 'http'] as const)(
    'dead-letters each of 700 hostile lines with its reason and keeps every valid one (%s)',
    async (protocol) => {
      const names = await topics();
      const { file, lines, valid, hostile } = hostileReplay();
      simulator = await startSimulator({
        SOURCE: 'replay',
        REPLAY_FILES: file,
        REPLAY_SPEED: 'max',
        WAIT_FOR_CLIENTS: '1',
      });
      const ingestor = await startIngestor(
        ingestorEnv(names, `sim=${simulator.streamUrl(protocol)}`),
      );
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

/**
 * A replay file of 2,000 valid recorded RSVPs with 700 hostile lines: one after every third
 * valid one, the rest at the end.
 */
function hostileReplay() {
  const validator = new RsvpValidator();
  const valid = recordedLines()
    .map((line) => line.raw)
    .filter((raw) => validator.validateRaw(raw).ok)
    .slice(0, 2_000);
  const hostile = hostileInputs({
    seed: 17,
    count: 700,
    templates: valid.slice(0, 100),
    lineDelimited: true,
  });
  const lines: Buffer[] = [];
  valid.forEach((line, i) => {
    lines.push(Buffer.from(line));
    const next = i % 3 === 0 ? hostile[i / 3] : undefined;
    if (next) lines.push(next.bytes);
  });
  hostile.slice(Math.ceil(valid.length / 3)).forEach((h) => lines.push(h.bytes));
  const file = join(tmpdir(), `${uniqueName('hostile-source')}.ndjson`);
  writeFileSync(file, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])));
  return { file, lines, valid, hostile };
}
