import type { BatchMode } from '@meetup/batch-stats';

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

/** The lock document exists already, or changed since the version read. */
export class LockConflictError extends Error {
  constructor(options?: ErrorOptions) {
    super('the batch lock document exists or changed since it was read', options);
    this.name = 'LockConflictError';
  }
}

export interface LockDocument {
  kind: 'lock';
  owner: string;
  mode: BatchMode;
  acquired_at: string;
  expires_at: string;
}

/** Optimistic concurrency: the version a write must find (absent parts: not checked). */
export interface LockVersion {
  seqNo?: number;
  primaryTerm?: number;
}

export interface StoredLock extends LockVersion {
  document?: LockDocument;
}

/** The one lock document; writes at a version throw LockConflictError when it moved. */
export interface LockDocuments {
  /** Throws LockConflictError when a lock document exists. */
  create(document: LockDocument): Promise<LockVersion>;
  read(): Promise<StoredLock>;
  replace(document: LockDocument, expected: LockVersion): Promise<LockVersion>;
  delete(expected: LockVersion): Promise<void>;
}

export interface BatchLockOptions {
  owner: string;
  ttlMs: number;
  now?: () => number;
}

/** The lock document of `owner`, valid for `ttlMs` from `now`. */
export function lockDocument(owner: string, mode: BatchMode, now: number, ttlMs: number) {
  return {
    kind: 'lock',
    owner,
    mode,
    acquired_at: new Date(now).toISOString(),
    expires_at: new Date(now + ttlMs).toISOString(),
  } satisfies LockDocument;
}

/** A lock whose expiry has not passed is held (by a live run); an expired one may be taken over. */
export const isHeld = (held: LockDocument | undefined, now: number): held is LockDocument =>
  held !== undefined && Date.parse(held.expires_at) > now;

/** Extensions come three times per lease (so two may fail before it expires), at most 10 a second. */
export const heartbeatDelayMs = (ttlMs: number): number => Math.max(ttlMs / 3, 100);

const isConflict = (error: unknown): boolean => error instanceof LockConflictError;

/**
 * A lock document created only when none exists, holding its owner and an
 * expiry the holder extends while it runs (heartbeat). An expired lock (a
 * crashed run) is taken over at the version read (optimistic concurrency),
 * so two runs never both win it.
 */
export class BatchLock {
  private version: LockVersion = { seqNo: 0, primaryTerm: 0 };
  private heartbeat: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private lost: Error | undefined;
  private readonly now: () => number;

  constructor(
    private readonly documents: LockDocuments,
    private readonly options: BatchLockOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async acquire(mode: BatchMode): Promise<void> {
    const document = this.document(mode);
    try {
      this.keep(await this.documents.create(document));
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
    await this.documents.delete(this.version);
  }

  private async takeOverIfExpired(document: LockDocument): Promise<void> {
    const current = await this.documents.read();
    if (isHeld(current.document, this.now())) {
      throw new BatchLockedError(current.document.owner, current.document.expires_at);
    }
    try {
      this.keep(await this.documents.replace(document, current));
    } catch (error) {
      if (!isConflict(error)) throw error;
      throw new BatchLockedError('another run taking over the expired lock', document.expires_at);
    }
  }

  /** One extension at a time (a chained timer, not an interval), so two never race each other. */
  private startHeartbeat(mode: BatchMode): void {
    const beat = () => {
      this.heartbeat = setTimeout(() => {
        this.beating = this.extend(mode).then(beat, (error: unknown) => {
          this.lost = new BatchLockLostError({ cause: error });
        });
      }, heartbeatDelayMs(this.options.ttlMs));
      this.heartbeat.unref();
    };
    beat();
  }

  private async extend(mode: BatchMode): Promise<void> {
    try {
      this.keep(await this.documents.replace(this.document(mode), this.version));
    } catch (error) {
      if (!isConflict(error)) return; // transient: the next beat tries again before expiry
      // A retried request may have written before it failed: still ours if the owner is.
      const current = await this.documents.read();
      if (current.document?.owner !== this.options.owner) throw error;
      this.keep(current);
    }
  }

  private keep(written: LockVersion): void {
    this.version = {
      seqNo: written.seqNo ?? this.version.seqNo,
      primaryTerm: written.primaryTerm ?? this.version.primaryTerm,
    };
  }

  private document(mode: BatchMode): LockDocument {
    return lockDocument(this.options.owner, mode, this.now(), this.options.ttlMs);
  }
}
