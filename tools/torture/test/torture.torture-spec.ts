/**
 * The torture run: the whole system on production-shaped engines (3 Kafka brokers with
 * replication factor 3 and min.insync.replicas 2, a 2-node Elasticsearch with replicas 1 behind
 * a fault proxy), fed a seeded stream with hostile input, under a seeded schedule of combined
 * faults. At the end every promise of the design is checked: exact outputs, nothing lost, the DLQ
 * holding exactly the invalid input, every alert notification delivered, memory within the
 * chart's limits, no secret in any log.
 *
 * `make torture SEED=… DURATION=…` runs the long form; `make test` the short one
 * (tools/torture/run.sh starts the engines). TORTURE_FORM, TORTURE_SEED, TORTURE_DURATION
 * (seconds of stream) and TORTURE_RECORDS set it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { DlqHeaders, IndexAliases, RsvpValidator } from '@meetup/contracts';
import { chunksOfBytes } from '@meetup/kafka';
import { startFaultProxy, type FaultProxy } from '@meetup/fault-proxy';
import {
  freePort,
  metricSum,
  runOnTestEngines,
  runToCompletion,
  testElasticsearch,
  testEngines,
  testKafka,
  uniqueName,
  waitFor,
} from '@meetup/test-support';
import {
  combinedThrough,
  readOutputs,
} from '../../../apps/aggregator/test/support/aggregation-harness';
import { expectOutputsToEqualReference } from '../../../apps/aggregator/test/support/expect-outputs';
import { computeReference } from '../../../apps/aggregator/test/support/reference';
import { WebhookReceiver } from '../../../apps/alerting/test/alerting-harness';
import { BatchTestIndices } from '../../../apps/batch/test/support/batch-env';
import { referenceStats } from '../../../apps/batch/test/support/reference-stats';
import {
  describeFaults,
  longFaults,
  planFaults,
  SHORT_FAULTS,
  type ScheduledFault,
  type TortureForm,
} from '../src/fault-schedule';
import { MEMORY_LIMIT_MIB, ServiceFleet } from './support/service-fleet';
import { readWholeTopic } from './support/topic-reader';
import { expectedReasons, tortureInput } from './support/torture-input';

const LONG = process.env.TORTURE_FORM === 'long';
const SEED = Number(process.env.TORTURE_SEED ?? 20_261_130);
const DURATION_MS = 1_000 * Number(process.env.TORTURE_DURATION ?? (LONG ? 1_200 : 100));
const RECORDS = Number(process.env.TORTURE_RECORDS ?? (LONG ? 300_000 : 10_000));
const FORM: TortureForm = {
  name: LONG ? 'long' : 'short',
  durationMs: DURATION_MS,
  faults: LONG ? longFaults(DURATION_MS) : SHORT_FAULTS,
};
const PARTITIONS = 6;
const API_TOKEN = `torture-api-token-${SEED}-0123456789`;
const WEBHOOK_SECRET = `torture-webhook-secret-${SEED}`;

/** How long the drain may take (the aggregators catch up on every copy the ingestors wrote). */
const DRAIN_MS = Math.max(600_000, RECORDS * 5);
jest.setTimeout(DURATION_MS + 2 * DRAIN_MS + 10 * 60_000);

describe(`the system under the ${FORM.name} torture schedule`, () => {
  const id = uniqueName('torture');
  const prefix = `${id}-`;
  const topics = { rsvps: `${id}.rsvps`, dlq: `${id}.rsvps.dlq`, checkpoints: `${id}.checkpoints` };
  const group = `${id}-aggregator`;
  const faults = planFaults(SEED, FORM);
  const fleet = new ServiceFleet();
  const receiver = new WebhookReceiver();
  const es: Client = testElasticsearch();
  const kafka: Kafka = testKafka('torture');
  const brokers = testEngines().kafkaBrokers.join(',');
  let proxy: FaultProxy;
  const journal: string[] = [];
  const note = (line: string) => {
    journal.push(`${new Date().toISOString()} ${line}`);
  };

  beforeAll(async () => {
    // The seed and schedule first, so a failure replays exactly.
    console.log(`${describeFaults(SEED, FORM, faults)}\n  records ${RECORDS}`);
    proxy = await startFaultProxy({ upstream: testEngines().elasticsearchUrl, seed: SEED });
    await receiver.start();
  });

  afterAll(async () => {
    await fleet.stopAll();
    await receiver.stop();
    await proxy.close();
    await es.close();
    console.log(`torture journal (seed ${SEED}):\n${journal.join('\n')}`);
  });

  it('keeps exact results, loses nothing, dead-letters exactly the bad input and lets no secret out', async () => {
    // ---------------------------------------------------------------- input and set-up
    // The long form's 2 %: over 10,000 hostile inputs at 300,000 records (half at the source).
    const input = tortureInput(SEED, RECORDS, LONG ? 0.02 : 0.01);
    const dir = mkdtempSync(join(tmpdir(), 'torture-'));
    const replayFile = join(dir, 'stream.ndjson');
    writeFileSync(
      replayFile,
      Buffer.concat(input.lines.flatMap((line) => [line, Buffer.from('\n')])),
    );
    note(
      `input: ${input.valid.length} valid and ${input.hostileAtSource.length} hostile lines at the source, ` +
        `${input.straightIn.hostile.length} hostile and ${input.straightIn.late.length} late records straight in`,
    );

    const bootstrap = await runToCompletion('bootstrap', {
      ES_URL: testEngines().elasticsearchUrl,
      INDEX_PREFIX: prefix,
      INDEX_REPLICAS: '1',
      KAFKA_TOPICS_CREATE: 'true',
      KAFKA_BROKERS: brokers,
      RSVP_TOPIC: topics.rsvps,
      DLQ_TOPIC: topics.dlq,
      CHECKPOINT_TOPIC: topics.checkpoints,
      RSVP_TOPIC_PARTITIONS: String(PARTITIONS),
      TOPIC_REPLICATION_FACTOR: '3',
      LOG_LEVEL: 'warn',
    });
    expect({ code: bootstrap.code, output: bootstrap.code === 0 ? '' : bootstrap.output }).toEqual({
      code: 0,
      output: '',
    });

    const streamPort = await freePort();
    const simulator = await fleet.start('simulator', 'simulator', {
      SOURCE: 'replay',
      REPLAY_FILES: replayFile,
      REPLAY_SPEED: String(Math.max(0.01, input.spanMs / DURATION_MS)),
      REPLAY_BUFFER_SIZE: String(input.lines.length),
      STREAM_PORT: String(streamPort),
      STREAM_HOST: '127.0.0.1',
      WAIT_FOR_CLIENTS: '1',
      // The source drops every client's connection twice in the run.
      FAULT_DROP_EVERY: String(Math.floor(input.lines.length / 3)),
      RATE_LOG_INTERVAL_MS: '0',
      NODE_OPTIONS: '--max-old-space-size=3072',
    });
    const kafkaEnv = { KAFKA_BROKERS: brokers, LOG_LEVEL: 'info' };
    const ingestorEnv = (index: number, protocol: 'ws' | 'http') => ({
      ...kafkaEnv,
      SOURCES: `sim=${protocol}://127.0.0.1:${streamPort}/2/rsvps`,
      RSVP_TOPIC: topics.rsvps,
      DLQ_TOPIC: topics.dlq,
      CHECKPOINT_TOPIC: topics.checkpoints,
      KAFKA_TOPICS_CREATE: 'false',
      // Two replicas, each holding every shard: the second is the redundant one.
      REPLICA_INDEX: String(index),
      REPLICA_COUNT: '2',
      REPLICA_REDUNDANCY: '2',
      INITIAL_SINCE_MTIME: '0',
      RECONNECT_INITIAL_MS: '200',
    });
    const aggregatorEnv = {
      ...kafkaEnv,
      ES_URL: proxy.url,
      RSVP_TOPIC: topics.rsvps,
      DLQ_TOPIC: topics.dlq,
      CONSUMER_GROUP: group,
      INDEX_PREFIX: prefix,
      // The reference stops at the stream's last record, and its lateness knows no clock:
      // a fault that quiets the stream must not close windows (stream-idleness.int-spec.ts).
      STREAM_IDLE_MS: '0',
    };
    await fleet.start('ingestor-0', 'ingestor', ingestorEnv(0, 'ws'));
    await fleet.start('aggregator-0', 'aggregator', aggregatorEnv);
    await fleet.start('aggregator-1', 'aggregator', aggregatorEnv);
    await fleet.start('alerting-0', 'alerting', {
      ES_URL: proxy.url,
      ALERTING_INDEX_PREFIX: prefix,
      ALERTING_API_TOKEN: API_TOKEN,
      ALERTING_LEASE_TTL_MS: '5000',
      WEBHOOK_ALLOWLIST: `http://127.0.0.1:${receiver.port}`,
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      LOG_LEVEL: 'info',
    });
    await createRateRule(fleet.service('alerting-0').baseUrl, prefix, receiver.url('/torture'));

    // ---------------------------------------------------------------- the run
    const started = Date.now();
    note('stream starts');
    const applied = faults.map((fault) => applyFault(fault, started));
    const straightIn = sleep(DURATION_MS / 2).then(() =>
      produceStraightIn(kafka, topics.rsvps, input, note),
    );
    await waitFor(
      async () => {
        if (simulator.process.exitCode !== null || simulator.process.signalCode !== null)
          throw new Error(`the simulator exited:\n${simulator.output().slice(-3000)}`);
        return (
          (await metricSum(`${simulator.baseUrl}/metrics`, 'meetup_simulator_source_done')) === 1
        );
      },
      'the simulator to send the whole stream',
      DURATION_MS * 4 + 300_000,
      1_000,
    );
    note(`stream sent in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await Promise.all([...applied, straightIn]);
    note('every fault undone');

    // ---------------------------------------------------------------- drain
    // Every ingestor is connected and has handed on all it received, twice in a row 10 s apart
    // (nothing more arrives); then they stop, the topic's end is final, and it is read once.
    await waitForIngestorsIdle(simulator.baseUrl);
    for (const name of fleet.names('ingestor')) await fleet.stop(name);
    const rsvps = await readWholeTopic(kafka, topics.rsvps, DRAIN_MS);
    note(`ingestors idle and stopped; ${rsvps.length} records read back`);
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topics.rsvps);
    await admin.disconnect();
    await waitFor(
      () => combinedThrough(es, { prefix, group, topic: topics.rsvps }, ends),
      'both combine stages to include every record',
      DRAIN_MS,
      2_000,
    );
    note('aggregation combined through the end of the topic');

    // ---------------------------------------------------------------- nothing lost, nothing made up
    const wanted = new Set(input.valid.map((r) => `${r.rsvp_id}@${r.mtime}`));
    const inTopic = new Set(rsvps.map((r) => idOf(r.value)));
    const missing = [...wanted].filter((w) => !inTopic.has(w));
    expect({ missing: missing.length, first: missing.slice(0, 5) }).toEqual({
      missing: 0,
      first: [],
    });
    const known = new Set([
      ...wanted,
      ...input.straightIn.late.map((r) => `${r.rsvp_id}@${r.mtime}`),
    ]);
    const validator = new RsvpValidator();
    const unknown = rsvps.filter(
      (r) => validator.validateRaw(r.value).ok && !known.has(idOf(r.value)),
    );
    expect(unknown.map((r) => r.value.toString().slice(0, 200))).toEqual([]);

    // Copies in the topic, by the replica that wrote them: resumes re-read up to the margin, and
    // the redundant replica writes everything again; a producer retry must add none.
    const copies = new Map<string, number>();
    for (const r of rsvps) {
      const key = `${r.headers['ingestor.replica'] ?? '?'} ${idOf(r.value)}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    note(
      `topic: ${rsvps.length} records for ${wanted.size} distinct valid ones; ` +
        `${[...copies.values()].filter((n) => n > 1).length} written more than once by the same replica (resumes)`,
    );

    // ---------------------------------------------------------------- exact outputs
    const reference = computeReference(
      rsvps.map((r) => ({ partition: r.partition, value: r.value })),
    );
    expectOutputsToEqualReference(await readOutputs(es, prefix), reference);

    // ---------------------------------------------------------------- batch: state of the raw index
    // The CronJob's statistics per group and per event equal those computed from every valid
    // record in the topic (one RSVP = its latest message).
    const batch = await runToCompletion('batch', {
      ES_URL: testEngines().elasticsearchUrl,
      INDEX_PREFIX: prefix,
      BATCH_CHECKPOINT_OVERLAP_SECONDS: '0',
      LOG_LEVEL: 'warn',
    });
    expect({ code: batch.code, output: batch.code === 0 ? '' : batch.output.slice(-3000) }).toEqual(
      {
        code: 0,
        output: '',
      },
    );
    const stats = referenceStats(
      rsvps.flatMap((r) => {
        const result = validator.validateRaw(r.value);
        return result.ok ? [result.rsvp] : [];
      }),
    );
    const batchIndices = new BatchTestIndices(es);
    expect(Object.fromEntries(await batchIndices.contents(prefix + IndexAliases.groups))).toEqual(
      Object.fromEntries(stats.groups),
    );
    expect(Object.fromEntries(await batchIndices.contents(prefix + IndexAliases.events))).toEqual(
      Object.fromEntries(stats.events),
    );
    note(
      `batch: ${stats.groups.size} group and ${stats.events.size} event documents equal the reference`,
    );

    // ---------------------------------------------------------------- the DLQ: exactly the bad input
    const dlq = await readWholeTopic(kafka, topics.dlq, DRAIN_MS);
    const reasons = expectedReasons([...input.hostileAtSource, ...input.straightIn.hostile]);
    const dead = new Map<string, Set<string>>();
    for (const record of dlq) {
      const key = record.value.toString('base64');
      const set = dead.get(key) ?? new Set<string>();
      set.add(record.headers[DlqHeaders.reasonCode] ?? '(none)');
      dead.set(key, set);
    }
    const wrong = [...reasons]
      .filter(([key, reason]) => dead.get(key)?.size !== 1 || !dead.get(key)?.has(reason))
      .map(([key, reason]) => ({
        input: Buffer.from(key, 'base64').toString().slice(0, 120),
        reason,
        got: [...(dead.get(key) ?? [])],
      }));
    expect(wrong.slice(0, 10)).toEqual([]);
    const strays = [...dead.keys()].filter((key) => !reasons.has(key));
    expect(strays.map((key) => Buffer.from(key, 'base64').toString().slice(0, 200))).toEqual([]);
    note(
      `DLQ: ${dlq.length} records, ${dead.size} distinct, all ${reasons.size} hostile inputs with their reasons`,
    );

    // ---------------------------------------------------------------- alerts: every notification delivered
    const outbox = await waitForSettledOutbox(es, prefix);
    // The faults make the rule fire (and resolve): an empty outbox would prove nothing.
    expect(outbox.length).toBeGreaterThan(0);
    const delivered = new Map<string, number>();
    for (const r of receiver.received.filter((r) => r.path === '/torture' && r.status === 200)) {
      delivered.set(r.key, (delivered.get(r.key) ?? 0) + 1);
    }
    expect(outbox.filter((e) => !delivered.has(e.key)).map((e) => e.key)).toEqual([]);
    expect([...delivered.keys()].filter((key) => !outbox.some((e) => e.key === key))).toEqual([]);
    note(
      `alerts: ${outbox.length} notifications, each delivered; ` +
        `${[...delivered.values()].filter((n) => n > 1).length} keys sent twice (a crash between the 200 and "sent")`,
    );

    // ---------------------------------------------------------------- processes: memory, exits, secrets
    const peaks = fleet.peaks();
    note(`peak RSS: ${peaks.map((p) => `${p.name} ${p.peakRssMiB.toFixed(0)} MiB`).join(', ')}`);
    expect(peaks.filter((p) => !(p.peakRssMiB > 0)).map((p) => p.name)).toEqual([]);
    const over = peaks.filter((p) => p.peakRssMiB > (MEMORY_LIMIT_MIB[p.app] ?? Infinity));
    expect(over).toEqual([]);
    expect(fleet.unexpectedExits()).toEqual([]);
    const leaks = fleet
      .logs()
      .filter(({ text }) => text.includes(API_TOKEN) || text.includes(WEBHOOK_SECRET))
      .map(({ name }) => name);
    expect(leaks).toEqual([]);
    const notJson = fleet.logs().flatMap(({ name, text }) =>
      text
        .split('\n')
        .filter((line) => line !== '' && !isJson(line))
        .map((line) => `${name}: ${line.slice(0, 200)}`),
    );
    expect(notJson.slice(0, 5)).toEqual([]);
  });

  /** Resolves once every ingestor is connected and handled all it received, in two polls alike. */
  async function waitForIngestorsIdle(simulatorUrl: string): Promise<void> {
    let previous = '';
    let state = '';
    await waitFor(
      async () => {
        const names = fleet.names('ingestor');
        const clients = await metricSum(`${simulatorUrl}/metrics`, 'meetup_simulator_clients');
        const counts = await Promise.all(
          names.map(async (name) => {
            const url = `${fleet.service(name).baseUrl}/metrics`;
            const received = await metricSum(url, 'meetup_ingestor_records_received_total');
            let handled = 0;
            for (const metric of [
              'meetup_ingestor_records_produced_total',
              'meetup_ingestor_records_dlq_total',
              'meetup_ingestor_shard_skipped_total',
            ])
              handled += await metricSum(url, metric);
            return { name, received, handled };
          }),
        );
        [previous, state] = [state, `${clients} clients; ${JSON.stringify(counts)}`];
        return (
          clients === names.length &&
          counts.every((c) => c.handled >= c.received) &&
          state === previous
        );
      },
      () => `the ingestors to hand on everything (${state})`,
      DRAIN_MS,
      10_000,
    );
  }

  async function applyFault(fault: ScheduledFault, started: number): Promise<void> {
    await sleep(Math.max(0, started + fault.atMs - Date.now()));
    const pick = (app: string) => {
      const names = fleet.names(app);
      return names[fault.target % names.length] ?? `${app}-0`;
    };
    note(`fault ${fault.kind} (target ${fault.target}) begins`);
    switch (fault.kind) {
      case 'kill-ingestor':
      case 'kill-aggregator':
      case 'kill-alerting': {
        const name = pick(fault.kind.slice('kill-'.length));
        await fleet.kill(name);
        await sleep(fault.forMs);
        await fleet.restart(name);
        note(`${name} killed and restarted`);
        break;
      }
      case 'stall-aggregator': {
        const name = pick('aggregator');
        fleet.stall(name);
        await sleep(fault.forMs);
        fleet.resume(name);
        note(`${name} stalled for ${fault.forMs} ms`);
        break;
      }
      case 'kill-broker': {
        const broker = String(1 + (fault.target % 3));
        await runOnTestEngines(['kafka-node', broker, 'kill']);
        await sleep(fault.forMs);
        await runOnTestEngines(['kafka-node', broker, 'start']);
        note(`broker ${broker} killed and restarted`);
        break;
      }
      case 'kill-es-node': {
        await runOnTestEngines(['es-node', '2', 'kill']);
        await sleep(fault.forMs);
        await runOnTestEngines(['es-node', '2', 'start']);
        note('Elasticsearch node 2 killed and restarted');
        break;
      }
      case 'slow-elasticsearch': {
        proxy.setPlan([
          { path: /\/_bulk$/, action: { kind: 'delay', minMs: 10_000, maxMs: 30_000 } },
        ]);
        await sleep(fault.forMs);
        proxy.setPlan([]);
        note(
          `bulk requests held 10-30 s for ${fault.forMs} ms (${proxy.counts().delay} held so far)`,
        );
        break;
      }
      case 'add-ingestor': {
        // The redundant replica reads the same stream over HTTP (the first one over WebSocket).
        const env = fleet.envOf('ingestor-0');
        await fleet.start('ingestor-1', 'ingestor', {
          ...env,
          SOURCES: (env.SOURCES ?? '').replace('ws://', 'http://'),
          REPLICA_INDEX: '1',
        });
        note('a redundant ingestor added');
        break;
      }
      case 'add-aggregator': {
        const name = `aggregator-${fleet.names('aggregator').length + 10}`;
        await fleet.start(name, 'aggregator', { ...fleet.envOf('aggregator-0') });
        await sleep(fault.forMs);
        await fleet.stop(name);
        note(`${name} added and removed`);
        break;
      }
    }
  }
});

function idOf(value: Buffer): string {
  try {
    const { rsvp_id, mtime } = JSON.parse(value.toString()) as {
      rsvp_id?: unknown;
      mtime?: unknown;
    };
    return `${String(rsvp_id)}@${String(mtime)}`;
  } catch {
    return '(not json)';
  }
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * Records produced straight into the RSVP topic mid-run: hostile ones and ones past the lateness.
 * A broker may be down then, and a partition without a leader until its election ends: the
 * send is tried again (the idempotent producer keeps it from duplicating) for up to 5 minutes.
 */
async function produceStraightIn(
  kafka: Kafka,
  topic: string,
  input: ReturnType<typeof tortureInput>,
  note: (line: string) => void,
): Promise<void> {
  const messages = [
    ...input.straightIn.hostile.map((h) => ({ value: h.bytes })),
    ...input.straightIn.late.map((r) => ({ key: r.event.event_id, value: JSON.stringify(r) })),
  ];
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const deadline = Date.now() + 300_000;
  let sent = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await producer.connect();
      // In requests the broker accepts (its batch limit is 1 MiB), in order.
      for (const chunk of chunksOfBytes(messages.slice(sent))) {
        await producer.send({ topic, acks: -1, messages: chunk });
        sent += chunk.length;
      }
      note(`${messages.length} records produced straight into ${topic} (attempt ${attempt})`);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      note(`producing straight in, attempt ${attempt}: ${(error as Error).message}`);
      await sleep(5_000);
    }
  }
  await producer.disconnect();
}

/**
 * A rule that fires while more than 300 RSVPs were indexed in the last 10 s and resolves below
 * 100: the faults (a slow Elasticsearch, stalls, kills) make it flap.
 */
async function createRateRule(alertingUrl: string, prefix: string, webhook: string): Promise<void> {
  const response = await fetch(`${alertingUrl}/rules`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      id: 'torture-rate',
      name: 'Indexing rate',
      type: 'threshold',
      trigger: { interval: '2s' },
      input: { index: prefix + IndexAliases.rsvps, time_field: 'indexed_at', window: '10s' },
      condition: { op: 'gt', value: 300 },
      recovery: { op: 'lt', value: 100 },
      actions: [{ id: 'hook', type: 'webhook', url: webhook, secret: WEBHOOK_SECRET }],
    }),
  });
  if (response.status !== 201)
    throw new Error(`creating the rule: ${response.status} ${await response.text()}`);
}

/** The alert outbox once every entry is sent (none pending), by key. */
async function waitForSettledOutbox(
  es: Client,
  prefix: string,
): Promise<{ key: string; status: string }[]> {
  let entries: { key: string; status: string }[] = [];
  await waitFor(
    async () => {
      const index = prefix + IndexAliases.alertOutbox;
      await es.indices.refresh({ index });
      const found = await es.search<{ status: string }>({ index, size: 10_000 });
      entries = found.hits.hits.map((h) => ({ key: h._id ?? '', status: h._source?.status ?? '' }));
      return entries.every((e) => e.status === 'sent');
    },
    () =>
      `every alert notification sent (${JSON.stringify(entries.filter((e) => e.status !== 'sent'))})`,
    120_000,
    1_000,
  );
  return entries;
}
