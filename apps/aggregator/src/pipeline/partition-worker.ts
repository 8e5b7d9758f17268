import type { Producer } from 'kafkajs';
import type { Logger } from '@meetup/observability';
import type { AggregatorMetrics } from '../metrics/aggregator-metrics';
import type { BulkDocument, BulkWriter } from '../sink/bulk-writer';
import type { SnapshotStore } from '../state/snapshot-store';
import type { PartitionState } from './partition-state';
import {
  deadLetterHeaders,
  type DeadLetter,
  type InputRecord,
  type RecordProcessor,
} from './record-processor';

export interface PartitionWorkerOptions {
  processor: RecordProcessor;
  writer: BulkWriter;
  snapshots: SnapshotStore;
  producer: Producer;
  metrics: AggregatorMetrics;
  logger: Logger;
  topic: string;
  dlqTopic: string;
  rawIndex: string;
  /** The activity partition of an event time (`TimePartitionedIndex.indexFor`). */
  activityIndexFor: (mtimeMs: number) => string;
}

/**
 * Applies one batch of a partition: decide, write raw documents and counted
 * activity (idempotent ids), dead letters to the DLQ, and only then move the
 * partition's state forward for good.
 */
export class PartitionWorker {
  constructor(private readonly options: PartitionWorkerOptions) {}

  async apply(
    state: PartitionState,
    records: readonly InputRecord[],
    keepGoing: () => Promise<boolean>,
  ): Promise<void> {
    const { processor, writer, metrics, rawIndex, activityIndexFor } = this.options;
    const batch = processor.process(state, records);
    const documents: BulkDocument<InputRecord>[] = [
      ...batch.raw.map((r) => ({
        index: rawIndex,
        id: r.id,
        doc: r.doc,
        version: r.version,
        ref: r.record,
      })),
      ...batch.activity.map((a) => ({
        index: activityIndexFor(a.doc.mtime),
        id: a.id,
        doc: a.doc,
        ref: a.record,
      })),
    ];
    const rejected = await writer.write('rsvps', documents, keepGoing);
    const deadLetters: DeadLetter[] = [
      ...batch.deadLetters,
      ...rejected.map((r) => ({
        record: r.ref,
        rejection: {
          code: 'invalid_field' as const,
          field: '',
          message: `elasticsearch rejected the document (${r.status}): ${r.reason}`,
        },
      })),
    ];
    await this.sendDeadLetters(state.partition, deadLetters);
    metrics.recordsIn.inc(records.length);
    metrics.recordsCounted.inc(batch.counts.counted);
    metrics.recordsDuplicate.inc(batch.counts.duplicate);
    metrics.recordsLate.inc(batch.counts.late);
    metrics.stateSize.set({ partition: String(state.partition) }, state.dedup.size);
    if (Number.isFinite(state.watermark.value)) {
      metrics.watermarkDelay.set(
        { partition: String(state.partition) },
        (Date.now() - state.watermark.value) / 1000,
      );
    }
  }

  private async sendDeadLetters(partition: number, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const receivedAt = new Date();
    const source = `${this.options.topic}/${partition}`;
    await this.options.producer.send({
      topic: this.options.dlqTopic,
      acks: -1,
      messages: letters.map((letter) => ({
        key: letter.record.key,
        value: letter.record.value,
        headers: {
          ...deadLetterHeaders(letter, source, receivedAt),
          'dlq.source.offset': String(letter.record.offset),
        },
      })),
    });
    for (const letter of letters) {
      this.options.metrics.recordsDlq.inc({ reason: letter.rejection.code });
      this.options.logger.warn(
        {
          topic: this.options.topic,
          partition,
          offset: letter.record.offset,
          reason: letter.rejection.code,
        },
        'record sent to the dead-letter topic',
      );
    }
  }
}
