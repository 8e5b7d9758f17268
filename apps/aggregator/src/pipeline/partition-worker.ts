import type { Message, Producer } from 'kafkajs';
import { deadLetterHeaders, DlqReason } from '@meetup/contracts';
import type { BulkDocument, BulkWriter, DroppedDocument } from '@meetup/elasticsearch';
import { chunksOfBytes, KAFKA_REQUEST_BYTES } from '@meetup/kafka';
import {
  contextWithParent,
  injectTraceContext,
  linksTo,
  SpanKind,
  withSpan,
  type Logger,
} from '@meetup/observability';
import type { AggregatorMetrics } from '../aggregator.metrics';
import { partialDocumentsOf } from './partial-documents';
import type { PartitionState } from './partition-state';
import type { DeadLetter, InputRecord, ProcessedBatch, RecordProcessor } from './record-processor';

/** The dead-letter topic: `send` is one produce request, acknowledged by every in-sync replica. */
export interface DeadLetterTopic {
  send(messages: Message[]): Promise<void>;
}

/** The DLQ topic through a kafkajs producer. */
export function kafkaDeadLetterTopic(producer: Producer, topic: string): DeadLetterTopic {
  return {
    send: async (messages) => {
      await producer.send({ topic, acks: -1, messages });
    },
  };
}

/** The raw documents of a processed batch, versioned by `mtime`. */
export function bulkDocumentsOf(
  batch: Pick<ProcessedBatch, 'raw'>,
  rawIndex: string,
): BulkDocument<InputRecord>[] {
  return batch.raw.map((r) => ({
    index: rawIndex,
    id: r.id,
    doc: r.doc,
    version: r.version,
    ref: r.record,
  }));
}

/**
 * Valid records whose raw document Elasticsearch refused for good (a mapping error): retrying
 * cannot help, and the partition must go on; each goes to the DLQ once.
 */
export function refusedDeadLetters(
  dropped: readonly DroppedDocument<InputRecord | undefined>[],
): DeadLetter[] {
  return dropped.map(({ ref: record, ...d }) => {
    // A partial document stands for many records: refused, the partition cannot go on.
    if (record === undefined) {
      throw new Error(
        `elasticsearch refused a partial document for ${d.operation.index} (${d.status}): ${d.reason}`,
      );
    }
    return {
      record,
      rejection: {
        code: DlqReason.EsRejected,
        field: '',
        message: `elasticsearch refused the document for ${d.operation.index} (${d.status}): ${d.reason}`,
      },
    };
  });
}

export interface PartitionWorkerOptions {
  processor: RecordProcessor;
  /** The bulk writer (`BulkWriter`): documents in, those refused for good handed back. */
  writer: Pick<BulkWriter, 'write'>;
  dlq: DeadLetterTopic;
  metrics: AggregatorMetrics;
  logger: Logger;
  topic: string;
  dlqTopic: string;
  rawIndex: string;
  /** The partials partition of a bucket's or pane's start (`TimePartitionedIndex.indexFor`). */
  partialsIndexFor: (startMs: number) => string;
  /** A batch writes the partials that changed when they were last written at least this long ago. */
  partialsIntervalMs: number;
}

/**
 * Applies one batch of a partition: decide, write raw documents (idempotent ids) and, when
 * due, the partials, dead letters to the DLQ, and only then move the partition's state
 * forward for good.
 */
export class PartitionWorker {
  constructor(private readonly options: PartitionWorkerOptions) {}

  /**
   * The batch is one span (`aggregator.batch`): it continues the trace of its first record
   * that carries one (its parent) and links to the other records' contexts (distinct, at
   * most MAX_SPAN_LINKS; the rest are counted in `meetup.links.dropped`).
   */
  apply(
    state: PartitionState,
    records: readonly InputRecord[],
    keepGoing: () => Promise<boolean>,
  ): Promise<void> {
    const parent = records.find((r) => r.trace !== undefined)?.trace;
    const { links, dropped } = linksTo(
      records.map((r) => r.trace),
      parent,
    );
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'process',
      'messaging.destination.name': this.options.topic,
      'messaging.destination.partition.id': String(state.partition),
      'messaging.batch.message_count': records.length,
      'meetup.kafka.offset.first': records[0]?.offset ?? -1,
      'meetup.kafka.offset.last': records.at(-1)?.offset ?? -1,
      'meetup.links.dropped': dropped,
    };
    return withSpan(
      'aggregator.batch',
      { kind: SpanKind.CONSUMER, links, attributes },
      () => this.applyTraced(state, records, keepGoing),
      contextWithParent(parent),
    );
  }

  private async applyTraced(
    state: PartitionState,
    records: readonly InputRecord[],
    keepGoing: () => Promise<boolean>,
  ): Promise<void> {
    const { processor, writer, metrics, rawIndex } = this.options;
    const batch = withSpan('aggregator.validate', {}, (span) => {
      const processed = processor.process(state, records);
      span.setAttributes({
        'meetup.records.valid': processed.counts.valid,
        'meetup.records.counted': processed.counts.counted,
        'meetup.records.duplicate': processed.counts.duplicate,
        'meetup.records.late': processed.counts.late,
        'meetup.records.invalid': processed.deadLetters.length,
      });
      return processed;
    });
    const partials = this.partialsDue(state);
    const documents = [...bulkDocumentsOf(batch, rawIndex), ...partials];
    const { dropped } = await withSpan(
      'aggregator.write',
      {
        attributes: {
          'meetup.documents.raw': batch.raw.length,
          'meetup.documents.partials': partials.length,
        },
      },
      () => writer.write('rsvps', documents, { keepGoing }),
    );
    const deadLetters = [...batch.deadLetters, ...refusedDeadLetters(dropped)];
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

  /**
   * Writes the partials that closed or changed since they were last written, whatever the
   * interval: before a snapshot (which holds only the open ones, as of its offset), and on
   * a timer so a partition that stopped receiving records shows its last counts.
   */
  async publishPartials(state: PartitionState, keepGoing: () => Promise<boolean>): Promise<void> {
    const documents = this.partialsOf(state);
    if (documents.length === 0) return;
    const { dropped } = await this.options.writer.write('partials', documents, { keepGoing });
    refusedDeadLetters(dropped);
  }

  /** The partials to write with a batch: those that changed, once the interval has passed. */
  private partialsDue(state: PartitionState): BulkDocument<undefined>[] {
    if (Date.now() - state.partialsPublishedAt < this.options.partialsIntervalMs) {
      state.partialsPending = true;
      return [];
    }
    return this.partialsOf(state);
  }

  /** The partials' documents; from here on the state holds them as written. */
  private partialsOf(state: PartitionState): BulkDocument<undefined>[] {
    state.partialsPublishedAt = Date.now();
    state.partialsPending = false;
    return partialDocumentsOf(state, this.options.partialsIndexFor);
  }

  private async sendDeadLetters(partition: number, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const receivedAt = new Date();
    const source = `${this.options.topic}/${partition}`;
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.destination.name': this.options.dlqTopic,
      'messaging.batch.message_count': letters.length,
    };
    await withSpan('aggregator.dlq', { kind: SpanKind.PRODUCER, attributes }, async () => {
      const messages = letters.map((letter) => {
        const headers: Record<string, string> = {
          ...deadLetterHeaders(letter.rejection, source, receivedAt),
          'dlq.source.offset': String(letter.record.offset),
        };
        injectTraceContext(headers);
        return { key: letter.record.key, value: letter.record.value, headers };
      });
      // Requests of at most KAFKA_REQUEST_BYTES, in order: the broker refuses a record batch over
      // its limit for good, and one batch of large dead letters stalled the partition forever.
      for (const chunk of chunksOfBytes(messages, KAFKA_REQUEST_BYTES)) {
        await this.options.dlq.send(chunk);
      }
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
