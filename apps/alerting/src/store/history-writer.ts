import type { Client } from '@elastic/elasticsearch';

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

export class HistoryWriter {
  constructor(
    private readonly es: Client,
    private readonly index: string,
  ) {}

  async write(records: HistoryRecord[]): Promise<void> {
    if (records.length === 0) return;
    const result = await this.es.bulk({
      operations: records.flatMap((r) => [{ index: { _index: this.index } }, r]),
    });
    if (result.errors) {
      const reason = result.items.find((i) => i.index?.error)?.index?.error?.reason;
      throw new Error(`writing alert history failed: ${reason ?? 'unknown'}`);
    }
  }
}
