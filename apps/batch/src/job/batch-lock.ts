import { errors, type Client } from '@elastic/elasticsearch';
import type { BatchMode } from '@meetup/batch-stats';

const LOCK_ID = 'lock';

/** Another run holds the lock: this run must not start. */
export class BatchLockedError extends Error {
  constructor(
    readonly owner: string,
    readonly expiresAt: string,
  ) {
    super(`another batch run (${owner}) holds the lock until ${expiresAt}; not starting`);
    this.name = 'BatchLockedError';
  }
}

/** The lock was taken over while this run worked (it stalled past the expiry). */
export class BatchLockLostError extends Error {
  constructor(options?: ErrorOptions) {
    super('the batch lock was lost while running', options);
    this.name = 'BatchLockLostError';
  }
}

interface LockDocument {
  kind: 'lock';
  owner: string;
  mode: BatchMode;
  acquired_at: string;
  expires_at: string;
}

export interface BatchLockOptions {
  index: string;
  owner: string;
  ttlMs: number;
  now?: () => number;
}

const isConflict = (error: unknown): boolean =>
  error instanceof errors.ResponseError && error.statusCode === 409;

/**
 * A lock in Elasticsearch: a document created with `op_type: create`, holding
 * its owner and an expiry the holder extends while it runs (heartbeat). An
 * expired lock (a crashed run) is taken over with optimistic concurrency
 * (`if_seq_no`/`if_primary_term`), so two runs never both win it.
 */
export class BatchLock {
  private seqNo = 0;
  private primaryTerm = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private lost: Error | undefined;
  private readonly now: () => number;

  constructor(
    private readonly client: Client,
    private readonly options: BatchLockOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async acquire(mode: BatchMode): Promise<void> {
    const document = this.document(mode, this.now());
    try {
      this.keep(
        await this.client.index({
          index: this.options.index,
          id: LOCK_ID,
          op_type: 'create',
          document,
        }),
      );
    } catch (error) {
      if (!isConflict(error)) throw error;
      await this.takeOverIfExpired(document);
    }
    this.startHeartbeat(mode);
  }

  /** Throws when the heartbeat found the lock taken over. */
  assertHeld(): void {
    if (this.lost) throw this.lost;
  }

  async release(): Promise<void> {
    clearTimeout(this.heartbeat);
    await this.beating;
    clearTimeout(this.heartbeat);
    if (this.lost) return;
    await this.client.delete({
      index: this.options.index,
      id: LOCK_ID,
      if_seq_no: this.seqNo,
      if_primary_term: this.primaryTerm,
      refresh: true,
    });
  }

  private async takeOverIfExpired(document: LockDocument): Promise<void> {
    const current = await this.client.get<LockDocument>({ index: this.options.index, id: LOCK_ID });
    const held = current._source;
    if (held && Date.parse(held.expires_at) > this.now()) {
      throw new BatchLockedError(held.owner, held.expires_at);
    }
    try {
      this.keep(
        await this.client.index({
          index: this.options.index,
          id: LOCK_ID,
          document,
          if_seq_no: current._seq_no,
          if_primary_term: current._primary_term,
        }),
      );
    } catch (error) {
      if (!isConflict(error)) throw error;
      throw new BatchLockedError('another run taking over the expired lock', document.expires_at);
    }
  }

  /** One extension at a time (a chained timer, not an interval), so two never race each other. */
  private startHeartbeat(mode: BatchMode): void {
    const beat = () => {
      this.heartbeat = setTimeout(
        () => {
          this.beating = this.extend(mode).then(beat, (error: unknown) => {
            this.lost = new BatchLockLostError({ cause: error });
          });
        },
        Math.max(this.options.ttlMs / 3, 100),
      );
      this.heartbeat.unref();
    };
    beat();
  }

  private async extend(mode: BatchMode): Promise<void> {
    try {
      this.keep(
        await this.client.index({
          index: this.options.index,
          id: LOCK_ID,
          document: this.document(mode, this.now()),
          if_seq_no: this.seqNo,
          if_primary_term: this.primaryTerm,
        }),
      );
    } catch (error) {
      if (!isConflict(error)) return; // transient: the next beat tries again before expiry
      // A retried request may have written before it failed: still ours if the owner is.
      const current = await this.client.get<LockDocument>({
        index: this.options.index,
        id: LOCK_ID,
      });
      if (current._source?.owner !== this.options.owner) throw error;
      this.keep(current);
    }
  }

  private keep(written: { _seq_no?: number; _primary_term?: number }): void {
    this.seqNo = written._seq_no ?? this.seqNo;
    this.primaryTerm = written._primary_term ?? this.primaryTerm;
  }

  private document(mode: BatchMode, now: number): LockDocument {
    return {
      kind: 'lock',
      owner: this.options.owner,
      mode,
      acquired_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.options.ttlMs).toISOString(),
    };
  }
}
