import type { Client } from '@elastic/elasticsearch';
import type { Notification, NotificationView } from '@meetup/alert-rules';
import { isConflict, type DocVersion } from './es-errors';

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxDoc {
  rule_id: string;
  group: string;
  kind: string;
  action_id: string;
  status: OutboxStatus;
  /** Delivery rounds tried (each round is one send with its own retries). */
  rounds: number;
  view: NotificationView;
  created_at: number;
  sent_at?: number;
  replica: string;
}

export interface OutboxEntry {
  key: string;
  doc: OutboxDoc;
  version: DocVersion;
}

/** The outbox entry of a notification when it is first recorded: pending, not yet tried. */
export function outboxDocOf(notification: Notification, replica: string, now: number): OutboxDoc {
  return {
    rule_id: notification.rule_id,
    group: notification.group,
    kind: notification.kind,
    action_id: notification.action_id,
    status: 'pending',
    rounds: 0,
    view: notification.view,
    created_at: now,
    replica,
  };
}

/**
 * Notifications are recorded here, under their idempotency key as document
 * id, BEFORE they are sent: a crash mid-send leaves a pending entry that the
 * next owner of the rule sends again with the same key, and an entry marked
 * sent is never sent again.
 */
export class OutboxStore {
  constructor(
    private readonly es: Client,
    private readonly index: string,
  ) {}

  /** Records a notification; when its key exists already, answers the stored entry instead. */
  async record(
    notification: Notification,
    replica: string,
    now: number,
  ): Promise<OutboxEntry | undefined> {
    const doc = outboxDocOf(notification, replica, now);
    try {
      const written = await this.es.index({
        index: this.index,
        id: notification.key,
        op_type: 'create',
        document: doc,
      });
      return {
        key: notification.key,
        doc,
        version: { seqNo: written._seq_no ?? 0, primaryTerm: written._primary_term ?? 0 },
      };
    } catch (error) {
      if (!isConflict(error)) throw error;
      return this.get(notification.key);
    }
  }

  async get(key: string): Promise<OutboxEntry | undefined> {
    const found = await this.es.get<OutboxDoc>({ index: this.index, id: key });
    if (!found.found || !found._source) return undefined;
    return {
      key,
      doc: found._source,
      version: { seqNo: found._seq_no ?? 0, primaryTerm: found._primary_term ?? 0 },
    };
  }

  /** Pending entries of a rule left by an earlier run (searched: recent ones are known in memory). */
  async pending(ruleId: string): Promise<OutboxEntry[]> {
    const result = await this.es.search<OutboxDoc>({
      index: this.index,
      size: 1_000,
      seq_no_primary_term: true,
      query: { bool: { filter: [{ term: { rule_id: ruleId } }, { term: { status: 'pending' } }] } },
      sort: [{ created_at: 'asc' }],
    });
    return result.hits.hits.flatMap((hit) =>
      hit._source && hit._id
        ? [
            {
              key: hit._id,
              doc: hit._source,
              version: { seqNo: hit._seq_no ?? 0, primaryTerm: hit._primary_term ?? 0 },
            },
          ]
        : [],
    );
  }

  /** Updates an entry at the version read; false when another replica updated it first. */
  async update(entry: OutboxEntry, changes: Partial<OutboxDoc>): Promise<boolean> {
    try {
      await this.es.index({
        index: this.index,
        id: entry.key,
        document: { ...entry.doc, ...changes },
        if_seq_no: entry.version.seqNo,
        if_primary_term: entry.version.primaryTerm,
      });
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }
}
