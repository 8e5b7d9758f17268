import { Counter, Gauge, Histogram, type Registry } from '@meetup/observability';
import type { PendingRecord } from './pipeline/ingest-buffer';

export function createIngestorMetrics(registry: Registry) {
  const registers = [registry];
  return {
    received: new Counter({
      name: 'meetup_ingestor_records_received_total',
      help: 'Messages received from the sources',
      labelNames: ['source'],
      registers,
    }),
    produced: new Counter({
      name: 'meetup_ingestor_records_produced_total',
      help: 'Valid records acknowledged by Kafka (acks=all)',
      labelNames: ['source'],
      registers,
    }),
    dlq: new Counter({
      name: 'meetup_ingestor_records_dlq_total',
      help: 'Invalid messages acknowledged into the DLQ, by rejection reason',
      labelNames: ['reason'],
      registers,
    }),
    shardSkipped: new Counter({
      name: 'meetup_ingestor_shard_skipped_total',
      help: 'Messages left to the replicas that own their shard',
      labelNames: ['source'],
      registers,
    }),
    reconnects: new Counter({
      name: 'meetup_ingestor_reconnects_total',
      help: 'Reconnections to a source',
      labelNames: ['source'],
      registers,
    }),
    produceErrors: new Counter({
      name: 'meetup_ingestor_produce_errors_total',
      help: 'Failed produce attempts (the batch is retried, never dropped)',
      registers,
    }),
    bufferFill: new Gauge({
      name: 'meetup_ingestor_buffer_fill_ratio',
      help: 'Records waiting for Kafka / buffer capacity (reading pauses at 1)',
      registers,
    }),
    sourceLag: new Gauge({
      name: 'meetup_ingestor_source_lag_seconds',
      help: 'Now minus the newest mtime received from the source',
      labelNames: ['source'],
      registers,
    }),
    produceLatency: new Histogram({
      name: 'meetup_ingestor_produce_latency_seconds',
      help: 'Time for one batch to be acknowledged by Kafka',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}

export type IngestorMetrics = ReturnType<typeof createIngestorMetrics>;

/** Counts a batch Kafka acknowledged: valid records by source, dead letters by reason. */
export function countAcknowledged(
  metrics: IngestorMetrics,
  records: readonly PendingRecord[],
): void {
  for (const record of records) {
    if (record.dlqReason !== undefined) metrics.dlq.inc({ reason: record.dlqReason });
    else metrics.produced.inc({ source: record.source });
  }
}
