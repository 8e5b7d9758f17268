import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { IndexAliases, RsvpValidator, type Rsvp } from '@meetup/contracts';
import { analyticsIndexSpecs, IndexBootstrapper } from '@meetup/elasticsearch';
import { recordedLines } from '@meetup/fixtures';
import { toRsvpDocument } from '@meetup/rsvp-document';
import { runToCompletion, testEngines, uniqueName } from '@meetup/test-support';

const BATCH_MAIN = resolve(__dirname, '../../dist/main.js');

export interface RunningBatch {
  child: ChildProcess;
  output(): string;
  exit: Promise<[number | null, NodeJS.Signals | null]>;
}

const BATCH_ALIASES: readonly string[] = [
  IndexAliases.rsvps,
  IndexAliases.groups,
  IndexAliases.events,
  IndexAliases.batchState,
];

/** Indices of one test: the raw index, the two batch indices and the batch state, under a prefix. */
export class BatchTestIndices {
  readonly prefix = `${uniqueName('batch')}-`;
  readonly raw = this.prefix + IndexAliases.rsvps;
  readonly groups = this.prefix + IndexAliases.groups;
  readonly events = this.prefix + IndexAliases.events;
  readonly state = this.prefix + IndexAliases.batchState;

  constructor(private readonly es: Client) {}

  async bootstrap(): Promise<void> {
    await new IndexBootstrapper(this.es, { prefix: this.prefix }).apply(
      analyticsIndexSpecs.filter((spec) => BATCH_ALIASES.includes(spec.alias)),
    );
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ES_URL: testEngines().elasticsearchUrl,
      INDEX_PREFIX: this.prefix,
      BATCH_CHECKPOINT_OVERLAP_SECONDS: '0',
      BATCH_PROGRESS_INTERVAL_MS: '200',
      ...extra,
    };
  }

  runBatch(args: string[] = [], extra: Record<string, string> = {}) {
    return runToCompletion('batch', this.env(extra), args);
  }

  /** Starts a batch run without waiting for it (for tests that kill it or race it). */
  startBatch(args: string[] = [], extra: Record<string, string> = {}): RunningBatch {
    const child = spawn(process.execPath, [BATCH_MAIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...this.env(extra) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    return { child, output: () => output, exit };
  }

  /**
   * Bulk-loads records into the raw index as the aggregator writes them:
   * id rsvp_id, external version mtime (a later mtime wins, whatever the order).
   * Requests run a few at a time, with refresh off, to keep large loads short.
   */
  async load(records: readonly Rsvp[], indexedAt: Date, concurrency = 3): Promise<void> {
    await this.es.indices.putSettings({ index: this.raw, settings: { refresh_interval: '-1' } });
    const batches: Rsvp[][] = [];
    for (let i = 0; i < records.length; i += 5_000) batches.push(records.slice(i, i + 5_000));
    const worker = async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift())
        await this.bulk(batch, indexedAt);
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await this.es.indices.putSettings({ index: this.raw, settings: { refresh_interval: '1s' } });
    await this.es.indices.refresh({ index: this.raw });
  }

  private async bulk(records: readonly Rsvp[], indexedAt: Date): Promise<void> {
    const operations = records.flatMap((rsvp) => [
      {
        index: {
          _index: this.raw,
          _id: String(rsvp.rsvp_id),
          version: rsvp.mtime,
          version_type: 'external' as const,
        },
      },
      toRsvpDocument(rsvp, indexedAt),
    ]);
    const response = await this.es.bulk({ operations });
    const failed = response.items.find((item) => {
      const status = item.index?.status ?? 0;
      return status >= 300 && status !== 409;
    });
    if (failed) throw new Error(`raw load failed: ${JSON.stringify(failed)}`);
  }

  /** Every document behind an alias, by id, without the run-dependent `computed_at`. */
  async contents(alias: string): Promise<Map<string, Record<string, unknown>>> {
    const docs = new Map<string, Record<string, unknown>>();
    for await (const page of this.es.helpers.scrollSearch<Record<string, unknown>>({
      index: alias,
      size: 5_000,
    })) {
      for (const hit of page.body.hits.hits) {
        const document = { ...hit._source };
        delete document.computed_at;
        docs.set(hit._id ?? '', document);
      }
    }
    return docs;
  }
}

/** Every valid record of ../shared/data, in arrival order. */
export function recordedRsvps(): Rsvp[] {
  const validator = new RsvpValidator();
  const records: Rsvp[] = [];
  for (const line of recordedLines()) {
    const result = validator.validateRaw(line.raw);
    if (result.ok) records.push(result.rsvp);
  }
  return records;
}

/** The JSON log lines of a run's output. */
export function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
