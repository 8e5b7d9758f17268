import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Consumer, IHeaders } from 'kafkajs';
import { ensureTopics } from '@meetup/kafka';
import {
  freePort,
  metricSum,
  waitFor,
  startService,
  testEngines,
  testKafka,
  uniqueName,
  type ServiceProcess,
} from '@meetup/test-support';

export interface ManifestEntry {
  rsvp_id?: number;
  mtime?: number;
  malformed?: string;
  raw?: string;
}

export interface ReadRecord {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export interface Simulator {
  service: ServiceProcess;
  streamUrl: (protocol: 'http' | 'ws') => string;
  manifest: () => ManifestEntry[];
}

export async function startSimulator(env: Record<string, string>): Promise<Simulator> {
  const port = await freePort();
  const manifestFile = join(tmpdir(), `${uniqueName('manifest')}.ndjson`);
  const service = await startService('simulator', {
    STREAM_PORT: String(port),
    STREAM_HOST: '127.0.0.1',
    MANIFEST_FILE: manifestFile,
    RATE_LOG_INTERVAL_MS: '0',
    ...env,
  });
  return {
    service,
    streamUrl: (protocol) => `${protocol}://127.0.0.1:${port}/2/rsvps`,
    manifest: () =>
      readFileSync(manifestFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ManifestEntry),
  };
}

export function startIngestor(env: Record<string, string>): Promise<ServiceProcess> {
  return startService('ingestor', {
    KAFKA_BROKERS: testEngines().kafkaBrokers.join(','),
    LOG_LEVEL: 'info',
    INITIAL_SINCE_MTIME: '0',
    RECONNECT_INITIAL_MS: '100',
    ...env,
  });
}

/** A metric's value summed over its label sets, from a service's /metrics. */
export function metric(service: ServiceProcess, name: string): Promise<number> {
  return metricSum(`${service.baseUrl}/metrics`, name);
}

export { waitFor };

export async function waitForSourceDone(simulator: Simulator): Promise<ManifestEntry[]> {
  await waitFor(
    async () => (await metric(simulator.service, 'meetup_simulator_source_done')) === 1,
    'the simulator to finish',
  );
  return simulator.manifest();
}

export async function createTopics(admin: Admin, ...names: string[]): Promise<void> {
  await ensureTopics(
    admin,
    names.map((name) => ({ name, partitions: 3, replicationFactor: 1 })),
  );
}

/** Reads a topic from the beginning until `done(records)` holds. */
export async function readTopicUntil(
  topic: string,
  done: (records: ReadRecord[]) => boolean,
  timeoutMs = 150_000,
): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  const consumer: Consumer = testKafka('ingestor-test-reader').consumer({
    groupId: uniqueName('reader'),
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`topic ${topic}: ${records.length} records, condition not met`));
      }, timeoutMs);
      void consumer.run({
        eachBatch: ({ batch }) => {
          for (const message of batch.messages) {
            records.push({
              key: message.key?.toString() ?? null,
              value: message.value ?? Buffer.alloc(0),
              headers: headersOf(message.headers),
            });
          }
          if (done(records)) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
}

export function idOf(rsvpId: number | undefined, mtime: number | undefined): string {
  return `${rsvpId}@${mtime}`;
}

export function recordIds(records: ReadRecord[]): Set<string> {
  return new Set(
    records.map((record) => {
      const { rsvp_id, mtime } = JSON.parse(record.value.toString()) as {
        rsvp_id: number;
        mtime: number;
      };
      return idOf(rsvp_id, mtime);
    }),
  );
}

/** The manifest's valid records missing from what was read. */
export function missingFrom(manifest: ManifestEntry[], records: ReadRecord[]): string[] {
  const seen = recordIds(records);
  return manifest
    .filter((e) => !e.malformed)
    .map((e) => idOf(e.rsvp_id, e.mtime))
    .filter((id) => !seen.has(id));
}

/** True once every valid manifest record was read; parses each record once. */
export function coversManifest(
  manifest: () => ManifestEntry[],
): (records: ReadRecord[]) => boolean {
  let expected: Set<string> | undefined;
  let parsed = 0;
  return (records) => {
    expected ??= new Set(
      manifest()
        .filter((e) => !e.malformed)
        .map((e) => idOf(e.rsvp_id, e.mtime)),
    );
    for (; parsed < records.length; parsed += 1) {
      const { rsvp_id, mtime } = JSON.parse(records[parsed]!.value.toString()) as {
        rsvp_id: number;
        mtime: number;
      };
      expected.delete(idOf(rsvp_id, mtime));
    }
    return expected.size === 0;
  };
}
