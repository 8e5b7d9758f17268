/**
 * The chart and the code together: each profile is rendered with the
 * project's helm and run as the rendered objects configure it — Kafka with
 * the rendered SCRAM users and ACLs and nothing else allowed, Elasticsearch
 * behind the rendered users and roles, every workload with its rendered env,
 * Secrets and mounts — and a recorded stream goes through it end to end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import type { LiveSnapshot } from '@meetup/console-views';
import { RsvpValidator, type Rsvp } from '@meetup/contracts';
import { SHARED_DATA_DIR } from '@meetup/fixtures';
import {
  authorizerDenials,
  freePort,
  metricSum,
  startService,
  testElasticsearch,
  testKafka,
  uniqueName,
  waitFor,
  type ServiceProcess,
} from '@meetup/test-support';
import { parse, stringify } from 'yaml';
import {
  combinedThrough,
  readOutputs,
} from '../../../apps/aggregator/test/support/aggregation-harness';
import { expectOutputsToEqualReference } from '../../../apps/aggregator/test/support/expect-outputs';
import {
  computeReference,
  type ProducedRecord,
} from '../../../apps/aggregator/test/support/reference';
import { BatchTestIndices } from '../../../apps/batch/test/support/batch-env';
import { referenceStats } from '../../../apps/batch/test/support/reference-stats';
import { chartDir as repoChartDir } from '../tests/support/helm';
import { LocalRelease } from './support/local-release';
import type { LocalPod } from './support/local-pods';
import { consumeAll } from './support/observe';

const RECORDING = join(SHARED_DATA_DIR, 'rsvps-2017-03.ndjson');
// E2E_CHART_DIR runs the same test on another copy of the chart (e.g. an older commit's).
const CHART_DIR = process.env.E2E_CHART_DIR ?? repoChartDir;
// The services' own failure lines (libs/kafka, libs/elasticsearch: `kafka authorization denied`,
// `elasticsearch authentication failed`, `… tls verification failed`) and the engines' words.
const AUTH_FAILURE =
  /authorization denied|authentication failed|tls verification failed|AUTHORIZATION_FAILED|security_exception|unable to authenticate/i;

/** Secret keys whose values must never reach a log (Strimzi's and ECK's, the chart's own). */
const SECRET_KEY = /password|token|secret|^elastic$|\.key$|jaas/i;

interface ProfileRun {
  profile: 'kind' | 'production';
  /** The stream: the release's own simulator (kind) or one outside the cluster (production). */
  ownSimulator: boolean;
}

const chartValues = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as {
  topics: Record<string, { name?: string }>;
};

interface ProfileValues {
  alerting?: { rules?: Record<string, { input?: { index?: string } }> };
}

function testValues(
  id: string,
  profile: string,
  sourceUrl: string | undefined,
): Record<string, unknown> {
  const profileValues = parse(
    readFileSync(join(CHART_DIR, 'profiles', `${profile}.yaml`), 'utf8'),
  ) as ProfileValues;
  // The profile's alert rules query its indices: under the test's prefix, as a user's would.
  const rules = Object.fromEntries(
    Object.entries(profileValues.alerting?.rules ?? {}).map(([file, rule]) => [
      file,
      { input: { index: `${id}-${rule.input?.index ?? ''}` } },
    ]),
  );
  // The test owns its names wherever the chart lets them be set.
  const topics = Object.fromEntries(
    Object.entries(chartValues.topics)
      .filter(([, topic]) => topic.name !== undefined)
      .map(([key]) => [key, { name: `${id}.${key}` }]),
  );
  return {
    index: { prefix: `${id}-` },
    topics,
    aggregator: {
      consumerGroup: `${id}-aggregator`,
      // The reference stops at the stream's last record: the stream turns quiet long after it
      // is compared (the windows closed then are apps/aggregator/test/stream-idleness.int-spec.ts's).
      env: [{ name: 'STREAM_IDLE_MS', value: '60000' }],
    },
    alerting: { rules },
    // The recording is from 2017: read the stream from its beginning.
    ingestor: {
      env: [{ name: 'INITIAL_SINCE_MTIME', value: '0' }],
      ...(sourceUrl ? { sourceUrl } : {}),
    },
    ...(sourceUrl ? {} : { simulator: { args: ['--replay', RECORDING, '--speed', 'max'] } }),
  };
}

const validRecords = (): Rsvp[] => {
  const validator = new RsvpValidator();
  return readFileSync(RECORDING, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      const result = validator.validateRaw(line);
      return result.ok ? [result.rsvp] : [];
    });
};

describe('the chart installed as a cluster would run it', () => {
  let es: Client;
  let admin: Admin;

  beforeAll(async () => {
    es = testElasticsearch();
    admin = testKafka('chart-e2e').admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await es.close();
  });

  it.each<ProfileRun>([
    { profile: 'kind', ownSimulator: true },
    { profile: 'production', ownSimulator: false },
  ])(
    'the $profile profile ingests, aggregates and batches a recorded stream exactly, with no denied operation',
    async ({ profile, ownSimulator }) => {
      const id = uniqueName(`e2e-${profile}`);
      const lines = readFileSync(RECORDING, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      let outside: ServiceProcess | undefined;
      let sourceUrl: string | undefined;
      let release: LocalRelease | undefined;
      const denied = () => describeDenials(release);
      try {
        if (!ownSimulator) {
          const streamPort = await freePort();
          outside = await startService('simulator', {
            STREAM_HOST: '127.0.0.1',
            STREAM_PORT: String(streamPort),
            SOURCE: 'replay',
            REPLAY_FILES: RECORDING,
            REPLAY_SPEED: 'max',
            RATE_LOG_INTERVAL_MS: '0',
          });
          sourceUrl = `ws://127.0.0.1:${streamPort}/2/rsvps`;
        }
        release = await LocalRelease.install({
          release: `e2e-${profile === 'production' ? 'prod' : profile}`,
          namespace: 'meetup',
          profile,
          values: testValues(id, profile, sourceUrl),
          chartDir: CHART_DIR,
          es,
          admin,
          // The production profile names a Secret its user creates before installing.
          userSecrets: { 'meetup-alerting-api-token': { token: 'e2e-token-0123456789abcdef' } },
        });
        await release.waitUntilReady(180_000, denied);

        // Every shard has read the whole recording and handed each record on.
        const ingestors = release.podsOf('ingestor');
        expect(ingestors.length).toBeGreaterThan(0);
        await waitFor(
          async () => {
            for (const pod of ingestors) {
              const url = `http://127.0.0.1:${pod.port('http')}/metrics`;
              const received = await metricSum(url, 'meetup_ingestor_records_received_total');
              const handled =
                (await metricSum(url, 'meetup_ingestor_records_produced_total')) +
                (await metricSum(url, 'meetup_ingestor_records_dlq_total')) +
                (await metricSum(url, 'meetup_ingestor_shard_skipped_total'));
              if (received < lines.length || handled < received) return false;
            }
            return true;
          },
          () => `every ingestor shard to hand on ${lines.length} records\n${denied()}`,
          180_000,
          500,
        );

        const topic =
          release.strimzi.topics.find((t) => t.name.endsWith('.rsvps'))?.name ?? 'meetup.rsvps';
        const produced: ProducedRecord[] = await consumeAll(testKafka('chart-e2e-reader'), topic);
        const reference = computeReference(produced);
        const valid = validRecords();
        expect(
          new Set(produced.map((r) => rsvpKey(JSON.parse(r.value.toString()) as Rsvp))),
        ).toEqual(new Set(valid.map(rsvpKey)));

        const ends = await admin.fetchTopicOffsets(topic);
        const where = { prefix: `${id}-`, group: `${id}-aggregator`, topic };
        await waitFor(
          () => combinedThrough(es, where, ends),
          () => `the aggregator to combine ${topic}\n${denied()}`,
          180_000,
          500,
        );
        expectOutputsToEqualReference(await readOutputs(es, where.prefix), reference);

        // The console shows what the aggregator wrote, read with its own users and grants.
        const seen = await consoleSnapshot(release, denied);
        expect(seen.status).toBe(200);
        expect(seen.countries).toBeGreaterThan(0);

        const batch = await release.runCronJob('batch');
        expect(batch.exits.at(-1)).toBe(0);
        const batchReference = referenceStats(valid);
        const indices = new BatchTestIndices(es);
        expect(Object.fromEntries(await indices.contents(`${id}-meetup_groups`))).toEqual(
          Object.fromEntries(batchReference.groups),
        );
        expect(Object.fromEntries(await indices.contents(`${id}-meetup_events`))).toEqual(
          Object.fromEntries(batchReference.events),
        );

        // The stream has been quiet for a minute: the aggregator writes its idle markers into
        // the raw topic, with its own Kafka user (the authorizer's denials are checked below).
        const aggregators = release.podsOf('aggregator');
        await waitFor(
          async () => {
            let written = 0;
            for (const pod of aggregators) {
              const url = `http://127.0.0.1:${pod.port('http')}/metrics`;
              written += await metricSum(url, 'meetup_aggregator_idle_markers_total');
            }
            return written > 0;
          },
          () => `the aggregator's idle markers once the stream is quiet\n${denied()}`,
          180_000,
          1_000,
        );

        const tests = await release.helmTest();
        expect(tests.length).toBeGreaterThan(0);
        expect(tests.map((pod) => [pod.name, pod.exits.at(-1)])).toEqual(
          tests.map((pod) => [pod.name, 0]),
        );

        // Nothing was denied, nobody crashed, nobody logged an authorization failure.
        expect(release.eck?.proxy.denials ?? []).toEqual([]);
        expect(authorizerDenials(release.strimzi.principals)).toEqual([]);
        expect(restarts(release.servicePods())).toEqual(
          release.servicePods().map((pod) => [pod.name, 0]),
        );
        expect(
          release.pods.flatMap((pod) =>
            pod
              .output()
              .split('\n')
              .filter((line) => AUTH_FAILURE.test(line))
              .map((line) => `${pod.name}: ${line}`),
          ),
        ).toEqual([]);
        // No secret of the release is in any log: the SCRAM passwords of the Kafka users, the
        // Elasticsearch passwords, the alerting API token, private keys.
        const secrets = [...release.model.secrets.values()].flatMap((data) =>
          Object.entries(data)
            .filter(([key, value]) => SECRET_KEY.test(key) && value.length >= 8)
            .map(([, value]) => value),
        );
        expect(secrets.length).toBeGreaterThan(3);
        expect(
          release.pods.flatMap((pod) =>
            secrets
              .filter((secret) => pod.output().includes(secret))
              .map((secret) => `${pod.name}: ${secret.slice(0, 3)}…`),
          ),
        ).toEqual([]);
      } finally {
        await release?.uninstall();
        await outside?.stop('SIGKILL');
      }
    },
    // Rendering, the operators' part, ~10 processes starting and a replay through all of them.
    600_000,
  );

  it('fails naming the denied operation, the principal and the resource when the chart lacks a grant', async () => {
    const id = uniqueName('e2e-denied');
    let release: LocalRelease | undefined;
    try {
      release = await LocalRelease.install({
        release: 'e2e-denied',
        namespace: 'meetup',
        profile: 'kind',
        values: testValues(id, 'kind', undefined),
        chartDir: CHART_DIR,
        es,
        admin,
        mutate: (model) => {
          // The ingestor's grants on its checkpoint topic, and the alerting role's on its rules index.
          for (const user of model.users)
            user.acls = user.acls.filter((acl) => !acl.name.endsWith('.checkpoints'));
          for (const [name, secret] of model.secrets) {
            if (!name.endsWith('-es-roles') || !secret['roles.yml']) continue;
            const roles = parse(secret['roles.yml']) as Record<
              string,
              { indices?: { names: string[] }[] }
            >;
            for (const role of Object.values(roles))
              role.indices = role.indices?.filter(
                (i) => !i.names.some((n) => n.includes('alert_rules')),
              );
            secret['roles.yml'] = stringify(roles);
          }
        },
      });
      const ready = release.waitUntilReady(45_000, () => describeDenials(release));
      await expect(ready).rejects.toThrow(
        new RegExp(
          `kafka: User:e2e-denied-meetup-analytics-ingestor denied \\w+ on Topic:LITERAL:${id}\\.checkpoints`,
        ),
      );
      await expect(ready).rejects.toThrow(
        new RegExp(
          `elasticsearch: meetup-alerting denied indices:[\\w/:\\[\\]]+ on \\[[^\\]]*${id}-meetup_alert_rules`,
        ),
      );
    } finally {
      await release?.uninstall();
    }
  }, 300_000);
});

const rsvpKey = (r: Rsvp) => `${r.rsvp_id}@${r.mtime}`;

/**
 * The console's `/api/snapshot` (the widest range: the recording is old, ranges count back from
 * its newest bucket) once its responses view lists countries; what it answered last otherwise.
 */
async function consoleSnapshot(
  release: LocalRelease,
  denied: () => string,
): Promise<{ status: number; countries: number }> {
  const [pod] = release.podsOf('console');
  if (!pod) throw new Error(`the release runs no console pod (${release.notRun.join(', ')})`);
  const url = `http://127.0.0.1:${pod.port('http')}/api/snapshot?range=24h`;
  let last = { status: 0, countries: 0, error: '' };
  await waitFor(
    async () => {
      last = await fetch(url).then(
        async (response) => {
          const text = await response.text();
          if (!response.ok) return { status: response.status, countries: 0, error: text };
          const snapshot = JSON.parse(text) as LiveSnapshot;
          return {
            status: response.status,
            countries: snapshot.responses.countries.length,
            error: '',
          };
        },
        (error: unknown) => ({ status: 0, countries: 0, error: String(error) }),
      );
      return last.status === 200 && last.countries > 0;
    },
    () =>
      `the console's snapshot to list countries (last: ${JSON.stringify(last)})\n${denied()}\n${pod.output().slice(-2500)}`,
    30_000,
    500,
  );
  return { status: last.status, countries: last.countries };
}

const restarts = (pods: LocalPod[]) => pods.map((pod) => [pod.name, pod.restarts]);

/** Every denied Kafka operation and Elasticsearch request, for a failure message. */
function describeDenials(release: LocalRelease | undefined): string {
  if (!release) return '';
  const kafka = authorizerDenials(release.strimzi.principals).map(
    (d) => `kafka: ${d.principal} denied ${d.operation} on ${d.resource}`,
  );
  const elastic = (release.eck?.proxy.denials ?? []).map(
    (d) =>
      `elasticsearch: ${d.user} denied ${d.action} on [${d.indices.join(',')}] (${d.status} ${d.method} ${d.path})`,
  );
  const counts = new Map<string, number>();
  for (const line of [...kafka, ...elastic]) counts.set(line, (counts.get(line) ?? 0) + 1);
  const lines = [...counts].map(([line, n]) => (n > 1 ? `${line} (×${n})` : line));
  return lines.join('\n') || '(no denied operation)';
}
