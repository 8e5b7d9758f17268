import type { Client } from '@elastic/elasticsearch';
import { BulkWriter, type BulkRequestReport } from '@meetup/elasticsearch';
import type { Logger } from '@meetup/observability';
import type { AggregatorMetrics } from '../aggregator.metrics';

export interface AggregatorBulkWriterOptions {
  es: Client;
  metrics: AggregatorMetrics;
  logger: Logger;
  /** Longest wait between two attempts while Elasticsearch is away or pushes back. */
  maxRetryDelayMs: number;
}

/**
 * The aggregator's writer: it never gives a document up while Elasticsearch is away — the
 * batch waits, the consumer heartbeats through `keepGoing` and fetches nothing else (the
 * backpressure), and only a revoked partition or a stop abandons the write. Requests,
 * retried and rejected documents go to `meetup_aggregator_bulk_*`.
 */
export function aggregatorBulkWriter(options: AggregatorBulkWriterOptions): BulkWriter {
  return new BulkWriter({
    client: options.es,
    retries: Infinity,
    backoff: { initialMs: 100, maxMs: options.maxRetryDelayMs, jitter: 0.5 },
    logger: options.logger,
    onRequest: bulkRequestMetrics(options.metrics),
  });
}

/**
 * Each bulk request into `meetup_aggregator_bulk_*`: its latency, and a failed request, or
 * else its retried documents, plus its documents refused for good.
 */
export function bulkRequestMetrics(
  metrics: Pick<AggregatorMetrics, 'bulkLatency' | 'bulkFailures'>,
): (report: BulkRequestReport) => void {
  return ({ target, seconds, failed, retried, dropped }) => {
    metrics.bulkLatency.observe({ target }, seconds);
    if (failed) metrics.bulkFailures.inc({ target, kind: 'request' });
    else if (retried > 0) metrics.bulkFailures.inc({ target, kind: 'retried' }, retried);
    if (dropped > 0) metrics.bulkFailures.inc({ target, kind: 'rejected' }, dropped);
  };
}
