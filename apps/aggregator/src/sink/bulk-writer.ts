import type { Client, estypes } from '@elastic/elasticsearch';
import { SpanKind, SpanStatusCode, withSpan, type Logger } from '@meetup/observability';
import type { AggregatorMetrics } from '../aggregator.metrics';

export interface BulkDocument<Ref> {
  index: string;
  id: string;
  doc: object;
  /** External version: an older or equal one is answered 409, which then means "already newer". */
  version?: number;
  ref: Ref;
}

export interface RejectedDocument<Ref> {
  ref: Ref;
  status: number;
  reason: string;
}

/** The batch was given up because the partition moved or the service stops. */
export class WriteAbandonedError extends Error {
  constructor() {
    super('bulk write abandoned: partition revoked or service stopping');
    this.name = 'WriteAbandonedError';
  }
}

type BulkOutcome<Ref> =
  'unavailable' | { retry: BulkDocument<Ref>[]; rejected: RejectedDocument<Ref>[] };

export interface BulkWriterOptions {
  es: Client;
  metrics: AggregatorMetrics;
  logger: Logger;
  maxRetryDelayMs: number;
}

/**
 * Writes documents with bulk requests until every one is stored, answered
 * "already newer" (409 on an external version) or rejected for good (4xx).
 * While Elasticsearch is down or pushes back (429, 5xx) it retries with
 * bounded exponential backoff and jitter; the caller keeps the Kafka
 * consumer alive through `keepGoing` and stops consuming meanwhile.
 */
/** Documents per bulk request at most. */
const MAX_DOCUMENTS_PER_REQUEST = 5_000;

export class BulkWriter {
  constructor(private readonly options: BulkWriterOptions) {}

  async write<Ref>(
    target: string,
    documents: readonly BulkDocument<Ref>[],
    keepGoing: () => Promise<boolean>,
    /** Make the documents searchable before returning (live aggregates), not at the next refresh. */
    refresh = false,
  ): Promise<RejectedDocument<Ref>[]> {
    const rejected: RejectedDocument<Ref>[] = [];
    // Requests of bounded size: a large write (a backlog's aggregates) goes in slices.
    for (let start = 0; start < documents.length; start += MAX_DOCUMENTS_PER_REQUEST) {
      const slice = documents.slice(start, start + MAX_DOCUMENTS_PER_REQUEST);
      rejected.push(...(await this.writeAll(target, slice, keepGoing, refresh)));
    }
    return rejected;
  }

  private async writeAll<Ref>(
    target: string,
    documents: readonly BulkDocument<Ref>[],
    keepGoing: () => Promise<boolean>,
    refresh: boolean,
  ): Promise<RejectedDocument<Ref>[]> {
    let pending = documents;
    const rejected: RejectedDocument<Ref>[] = [];
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        await sleep(backoff(attempt, this.options.maxRetryDelayMs));
        if (!(await keepGoing())) throw new WriteAbandonedError();
      }
      const outcome = await this.send(target, pending, refresh);
      if (outcome === 'unavailable') continue;
      pending = outcome.retry;
      rejected.push(...outcome.rejected);
    }
    return rejected;
  }

  /** One bulk request, one span (`elasticsearch.bulk`). */
  private send<Ref>(
    target: string,
    documents: readonly BulkDocument<Ref>[],
    refresh: boolean,
  ): Promise<BulkOutcome<Ref>> {
    const attributes = {
      'db.system.name': 'elasticsearch',
      'db.operation.name': 'bulk',
      'meetup.bulk.target': target,
      'meetup.bulk.documents': documents.length,
    };
    return withSpan('elasticsearch.bulk', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const outcome = await this.sendOnce(target, documents, refresh);
      if (outcome === 'unavailable') {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'bulk request failed' });
      } else {
        span.setAttributes({
          'meetup.bulk.retried': outcome.retry.length,
          'meetup.bulk.rejected': outcome.rejected.length,
        });
      }
      return outcome;
    });
  }

  private async sendOnce<Ref>(
    target: string,
    documents: readonly BulkDocument<Ref>[],
    refresh: boolean,
  ): Promise<BulkOutcome<Ref>> {
    const operations: object[] = [];
    for (const d of documents) {
      const action =
        d.version === undefined
          ? { _index: d.index, _id: d.id }
          : { _index: d.index, _id: d.id, version: d.version, version_type: 'external' as const };
      operations.push({ index: action }, d.doc);
    }
    const stop = this.options.metrics.bulkLatency.startTimer({ target });
    let response: estypes.BulkResponse;
    try {
      response = await this.options.es.bulk({ operations, refresh }, { maxRetries: 0 });
    } catch (error) {
      this.options.metrics.bulkFailures.inc({ target, kind: 'request' });
      this.options.logger.warn({ err: error, target }, 'bulk request failed, retrying');
      return 'unavailable';
    } finally {
      stop();
    }
    const retry: BulkDocument<Ref>[] = [];
    const rejected: RejectedDocument<Ref>[] = [];
    response.items.forEach((item, i) => {
      const result = item.index;
      const document = documents[i];
      if (!result || !document || result.status < 300) return;
      if (result.status === 409 && document.version !== undefined) return;
      if (result.status === 429 || result.status >= 500) {
        retry.push(document);
        return;
      }
      rejected.push({
        ref: document.ref,
        status: result.status,
        reason: result.error?.reason ?? result.error?.type ?? 'rejected',
      });
    });
    if (retry.length > 0) {
      this.options.metrics.bulkFailures.inc({ target, kind: 'retried' }, retry.length);
    }
    if (rejected.length > 0) {
      this.options.metrics.bulkFailures.inc({ target, kind: 'rejected' }, rejected.length);
    }
    return { retry, rejected };
  }
}

function backoff(attempt: number, maxMs: number): number {
  const base = Math.min(maxMs, 100 * 2 ** Math.min(attempt, 10));
  return base / 2 + Math.random() * (base / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
