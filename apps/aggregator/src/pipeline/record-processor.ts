import {
  attendeesOf,
  type DeadLetterReason,
  type RsvpValidator,
  type Rsvp,
} from '@meetup/contracts';
import type { SpanContext } from '@meetup/observability';
import type { CountedMessage } from '@meetup/partition-partials';
import { toRsvpDocument } from '@meetup/rsvp-document';
import type { PartitionState } from './partition-state';

export interface InputRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** The trace context its producer put in its headers (the ingestor's batch span). */
  trace?: SpanContext;
  /** An idle marker's event time (`idle-marker.ts`): the record only advances the watermark. */
  idleWatermark?: number;
}

export interface DeadLetter {
  record: InputRecord;
  rejection: DeadLetterReason;
}

export interface ProcessedBatch {
  raw: { id: string; version: number; doc: object; record: InputRecord }[];
  deadLetters: DeadLetter[];
  counts: { valid: number; counted: number; duplicate: number; late: number; idle: number };
}

export interface RecordProcessorOptions {
  validator: RsvpValidator;
  /** false: raw index only (no dedup, no aggregates). */
  aggregates: boolean;
  now?: () => Date;
}

/**
 * Turns a partition's records, in offset order, into raw documents and dead
 * letters, advancing the partition's dedup state and watermark, and adding
 * each counted message to its partials. Deterministic apart from `indexed_at`.
 */
export class RecordProcessor {
  constructor(private readonly options: RecordProcessorOptions) {}

  process(state: PartitionState, records: readonly InputRecord[]): ProcessedBatch {
    const out: ProcessedBatch = {
      raw: [],
      deadLetters: [],
      counts: { valid: 0, counted: 0, duplicate: 0, late: 0, idle: 0 },
    };
    const indexedAt = (this.options.now ?? (() => new Date()))();
    for (const record of records) {
      if (record.idleWatermark !== undefined) {
        // The stream was quiet: its event time ran on (`StreamIdleness`), at this offset.
        state.watermark.advance(record.idleWatermark);
        out.counts.idle += 1;
      } else {
        this.decide(state, record, indexedAt, out);
      }
      state.nextOffset = record.offset + 1;
    }
    state.dirty = true;
    return out;
  }

  /** A record that is not an idle marker: a dead letter, or a raw document (and maybe counted). */
  private decide(state: PartitionState, record: InputRecord, indexedAt: Date, out: ProcessedBatch) {
    const validation = record.value
      ? this.options.validator.validateRaw(record.value)
      : ({
          ok: false,
          rejection: { code: 'not_json', field: '', message: 'record has no value' },
        } as const);
    if (!validation.ok) {
      out.deadLetters.push({ record, rejection: validation.rejection });
    } else {
      this.apply(state, validation.rsvp, record, indexedAt, out);
    }
  }

  private apply(
    state: PartitionState,
    rsvp: Rsvp,
    record: InputRecord,
    indexedAt: Date,
    out: ProcessedBatch,
  ): void {
    out.counts.valid += 1;
    out.raw.push({
      id: String(rsvp.rsvp_id),
      version: rsvp.mtime,
      doc: toRsvpDocument(rsvp, indexedAt),
      record,
    });
    if (!this.options.aggregates) return;
    // Each record lands in one count: duplicate (it changes nothing, however late), late (a
    // new answer past the allowed lateness, kept out of the aggregates), or counted.
    const late = state.watermark.isLate(rsvp.mtime);
    const verdict = state.dedup.apply(rsvp, state.watermark.value);
    state.watermark.advance(rsvp.mtime);
    if (verdict !== 'first' && verdict !== 'changed') {
      out.counts.duplicate += 1;
      return;
    }
    if (late) {
      out.counts.late += 1;
      return;
    }
    out.counts.counted += 1;
    state.partials.add(countedOf(rsvp));
  }
}

/** What the partials count of a message: its time, place, answer, and topics by distinct urlkey. */
function countedOf(rsvp: Rsvp): CountedMessage {
  const seen = new Set<string>();
  const topics: string[] = [];
  for (const topic of rsvp.group.group_topics) {
    if (seen.has(topic.urlkey)) continue;
    seen.add(topic.urlkey);
    topics.push(`${topic.urlkey}\t${topic.topic_name.slice(0, 200)}`);
  }
  return {
    mtime: rsvp.mtime,
    country: rsvp.group.group_country,
    response: rsvp.response,
    guests: rsvp.guests,
    attendees: attendeesOf(rsvp),
    topics,
  };
}
