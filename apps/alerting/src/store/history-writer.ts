import type { Client } from '@elastic/elasticsearch';
import { BulkWriteError, BulkWriter } from '@meetup/elasticsearch';

/** A line of meetup_alert_history: an evaluation, or one notification attempt. Never holds secrets. */
export interface HistoryRecord {
  '@timestamp': string;
  kind: 'evaluation' | 'notification_attempt' | 'notification';
  rule_id: string;
  group?: string;
  state_before?: string;
  state_after?: string;
  condition_met?: boolean;
  values?: unknown;
  input_summary?: unknown;
  action_id?: string;
  idempotency_key?: string;
  outcome?: string;
  attempts?: number;
  latency_ms?: number;
  error?: string;
  replica: string;
}

/** Appends history lines (ids chosen by Elasticsearch: a line is never rewritten). */
export class HistoryWriter {
  private readonly writer: BulkWriter;

  constructor(
    es: Client,
    private readonly index: string,
  ) {
    this.writer = new BulkWriter({ client: es });
  }

  /** Rejects when a line is refused or not stored after the writer's retries. */
  async write(records: HistoryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { dropped } = await this.writer.write(
      'alert-history',
      records.map((doc) => ({ index: this.index, doc, ref: null })),
    );
    const [first] = dropped;
    if (first) {
      throw new BulkWriteError(`writing alert history failed: ${first.reason}`);
    }
  }
}
