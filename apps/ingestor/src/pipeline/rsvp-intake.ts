import { deadLetterHeaders, type RsvpValidator } from '@meetup/contracts';
import type { SourceSpec } from '../config/ingestor.config';
import type { IngestorMetrics } from '../ingestor.metrics';
import type { ShardFilter } from '../sharding/shard-filter';
import type { IngestBuffer } from './ingest-buffer';
import type { SourcePosition } from './source-position';

/** Headers of every valid record the ingestor produces. */
export const Headers = { source: 'ingestor.source', replica: 'ingestor.replica' } as const;

export interface RsvpIntakeOptions {
  validator: RsvpValidator;
  shard: ShardFilter;
  buffer: IngestBuffer;
  dlqTopic: string;
  /** This replica's index, written into each record's headers. */
  replica: number;
  metrics: IngestorMetrics;
  /** When a dead letter was received (its `dlq.received.at` header). */
  now?: () => Date;
}

/**
 * One message from a source: validated, then queued for the source's topic (key: the event id,
 * value: the bytes as received), queued for the DLQ with the rejection, or left to the replicas
 * that own its shard. The source's position learns of each, so its checkpoint moves on.
 */
export class RsvpIntake {
  private readonly now: () => Date;

  constructor(private readonly options: RsvpIntakeOptions) {
    this.now = options.now ?? (() => new Date());
  }

  accept(source: SourceSpec, position: SourcePosition, raw: Buffer): void {
    const { validator, shard, buffer, metrics } = this.options;
    metrics.received.inc({ source: source.name });
    const result = validator.validateRaw(raw);
    if (!result.ok) {
      // Not sharded by rsvp_id: a rejected message has none to trust.
      if (!shard.keepsBytes(raw)) {
        this.skip(source, position);
        return;
      }
      position.enqueued();
      buffer.push({
        topic: this.options.dlqTopic,
        key: null,
        value: raw,
        headers: deadLetterHeaders(result.rejection, source.name, this.now()),
        source: source.name,
        watermark: position.received,
        dlqReason: result.rejection.code,
      });
      return;
    }
    const watermark = position.observe(result.rsvp.mtime);
    if (!shard.keeps(result.rsvp.rsvp_id)) {
      this.skip(source, position);
      return;
    }
    position.enqueued();
    buffer.push({
      topic: source.topic,
      key: result.rsvp.event.event_id,
      value: raw,
      headers: { [Headers.source]: source.name, [Headers.replica]: String(this.options.replica) },
      source: source.name,
      watermark,
    });
  }

  private skip(source: SourceSpec, position: SourcePosition): void {
    this.options.metrics.shardSkipped.inc({ source: source.name });
    position.handledAtOnce();
  }
}
