import type { Client, estypes } from '@elastic/elasticsearch';
import { SpanKind, SpanStatusCode, withSpan, type Logger } from '@meetup/observability';
import { backoffDelay, sleep, type BackoffOptions } from '@meetup/retry';
import {
  chunkByBytes,
  encodeOperation,
  outcomeOf,
  type BulkOperation,
  type BulkRequestOutcome,
  type DroppedDocument,
  type EncodedOperation,
} from './bulk-operations';

export interface BulkWriteResult<Ref> {
  /** Stored, deleted, or answered "already newer" (409 on an external version). */
  stored: number;
  dropped: DroppedDocument<Ref>[];
}

/** What one bulk request did, for metrics (latency, failed requests, retried and dropped documents). */
export interface BulkRequestReport {
  target: string;
  seconds: number;
  documents: number;
  /** The request failed as a whole (no answer, or an error status): all its documents are retried. */
  failed: boolean;
  retried: number;
  dropped: number;
}

/** The names of `client.helpers.bulk`'s options, where this writer has the same knob. */
export interface BulkWriterOptions {
  client: Client;
  /** NDJSON bytes per request at most (a larger single document goes alone). */
  flushBytes?: number;
  /** Requests of one `write` in flight at once. */
  concurrency?: number;
  /**
   * Retries of a document whose request failed or that was answered 429/502/503/504, before
   * `write` gives up with a `BulkWriteError`; `Infinity`: until stored or `keepGoing` says stop.
   */
  retries?: number;
  /** Delay between retries (instead of the helper's fixed `wait`). */
  backoff?: BackoffOptions;
  /** Warned about every failed request (no document or secret in it). */
  logger?: Logger;
  onRequest?: (report: BulkRequestReport) => void;
}

export interface BulkWriteOptions {
  /** Make the documents searchable before returning, not at the next periodic refresh. */
  refresh?: boolean;
  /**
   * Asked after each backoff, before a retry: false abandons the write with a
   * `WriteAbandonedError` (the Kafka consumer says no once its
   * partition moved or it stops).
   */
  keepGoing?: () => Promise<boolean>;
  /** Cuts a backoff short and abandons the write, like `keepGoing` answering false. */
  signal?: AbortSignal;
}

/** The write was given up by its caller (partition revoked, service stopping). */
export class WriteAbandonedError extends Error {
  constructor() {
    super('bulk write abandoned: the caller stopped it');
    this.name = 'WriteAbandonedError';
  }
}

/** Documents still not stored after every retry. */
export class BulkWriteError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BulkWriteError';
  }
}

export const BULK_WRITER_DEFAULTS = {
  flushBytes: 5_000_000,
  concurrency: 1,
  retries: 3,
  backoff: { initialMs: 100, maxMs: 30_000, jitter: 0.5 },
} as const;

/**
 * The one way documents reach Elasticsearch in bulk: requests of at most `flushBytes`,
 * `concurrency` at once, documents answered 429/502/503/504 (or whose request failed as a
 * whole, whatever the cause: with ids from the data a retry rewrites the same documents)
 * retried with bounded exponential backoff,
 * and the documents Elasticsearch refuses for good handed back in the result (`dropped`)
 * for the caller to dead-letter or fail on. Not built on `client.helpers.bulk`: that one
 * retries only 429 after a fixed wait, ends the whole run when Elasticsearch does not
 * answer, counts a 409 on an external version as a failure, and cannot be asked between
 * retries whether to go on (the partition may have moved). One `elasticsearch.bulk` span per request.
 */
export class BulkWriter {
  private readonly flushBytes: number;
  private readonly concurrency: number;
  private readonly retries: number;
  private readonly backoff: BackoffOptions;

  constructor(private readonly options: BulkWriterOptions) {
    this.flushBytes = options.flushBytes ?? BULK_WRITER_DEFAULTS.flushBytes;
    this.concurrency = Math.max(1, options.concurrency ?? BULK_WRITER_DEFAULTS.concurrency);
    this.retries = options.retries ?? BULK_WRITER_DEFAULTS.retries;
    this.backoff = options.backoff ?? BULK_WRITER_DEFAULTS.backoff;
  }

  /** Writes every operation; `target` names the write in spans, metrics and errors. */
  async write<Ref>(
    target: string,
    operations: readonly BulkOperation<Ref>[],
    options: BulkWriteOptions = {},
  ): Promise<BulkWriteResult<Ref>> {
    const result: BulkWriteResult<Ref> = { stored: 0, dropped: [] };
    const chunks = chunkByBytes(operations.map(encodeOperation), this.flushBytes);
    let failure: Error | undefined;
    const worker = async () => {
      for (let chunk = chunks.shift(); chunk && failure === undefined; chunk = chunks.shift()) {
        await this.writeChunk(target, chunk, options, result).catch((error: unknown) => {
          failure ??=
            error instanceof Error
              ? error
              : new BulkWriteError(`bulk write into ${target} failed`, { cause: error });
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, chunks.length) }, worker));
    if (failure !== undefined) throw failure;
    return result;
  }

  private async writeChunk<Ref>(
    target: string,
    chunk: EncodedOperation<Ref>[],
    options: BulkWriteOptions,
    result: BulkWriteResult<Ref>,
  ): Promise<void> {
    let pending = chunk;
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.send(target, pending, options.refresh ?? false);
      result.stored += outcome.stored;
      result.dropped.push(...outcome.dropped);
      if (outcome.retry.length === 0) return;
      if (attempt >= this.retries) {
        throw new BulkWriteError(
          `bulk write into ${target}: ${outcome.retry.length} documents not stored after ${attempt} retries`,
          { cause: outcome.error },
        );
      }
      pending = outcome.retry;
      await sleep(backoffDelay(attempt, this.backoff), options.signal);
      if (options.signal?.aborted) throw new WriteAbandonedError();
      if (options.keepGoing && !(await options.keepGoing())) throw new WriteAbandonedError();
    }
  }

  /** One bulk request, one span (`elasticsearch.bulk`). */
  private send<Ref>(
    target: string,
    pending: readonly EncodedOperation<Ref>[],
    refresh: boolean,
  ): Promise<BulkRequestOutcome<Ref>> {
    const attributes = {
      'db.system.name': 'elasticsearch',
      'db.operation.name': 'bulk',
      'meetup.bulk.target': target,
      'meetup.bulk.documents': pending.length,
    };
    return withSpan('elasticsearch.bulk', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const started = performance.now();
      const outcome = await this.request(target, pending, refresh);
      this.options.onRequest?.({
        target,
        seconds: (performance.now() - started) / 1000,
        documents: pending.length,
        failed: outcome.error !== undefined,
        retried: outcome.retry.length,
        dropped: outcome.dropped.length,
      });
      if (outcome.error !== undefined) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'bulk request failed' });
      }
      span.setAttributes({
        'meetup.bulk.retried': outcome.retry.length,
        'meetup.bulk.rejected': outcome.dropped.length,
      });
      return outcome;
    });
  }

  private async request<Ref>(
    target: string,
    pending: readonly EncodedOperation<Ref>[],
    refresh: boolean,
  ): Promise<BulkRequestOutcome<Ref>> {
    let response: estypes.BulkResponse;
    try {
      // Pre-serialized lines go on the wire as they are; retries are this writer's, not the transport's.
      const operations = pending.flatMap((p) => p.lines);
      response = await this.options.client.bulk({ operations, refresh }, { maxRetries: 0 });
    } catch (error) {
      this.options.logger?.warn({ err: error, target }, 'bulk request failed, retrying');
      return { retry: [...pending], dropped: [], stored: 0, error };
    }
    return outcomeOf(response, pending);
  }
}
