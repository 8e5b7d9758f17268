/** What the real-time aggregates do with a message. */
export type DedupVerdict =
  /** No state known for the rsvp_id (or it is beyond the horizon): counts. */
  | 'first'
  /** Newer than the known state and changes `response` or `guests`: counts. */
  | 'changed'
  /** Newer than the known state, same answer: a resend, does not count. */
  | 'resend'
  /** Not newer than the known state (reordered or replayed): does not count. */
  | 'stale';

export interface RsvpAnswer {
  rsvp_id: number;
  mtime: number;
  response: 'yes' | 'no';
  guests: number;
}

interface KnownState {
  mtime: number;
  yes: boolean;
  guests: number;
}

export interface RsvpDedupOptions {
  /** State older than the watermark minus this (event time) is forgotten. Default 24 h. */
  horizonMs?: number;
}

export const DEFAULT_DEDUP_HORIZON_MS = 24 * 3600 * 1000;

/**
 * "Which messages count": the latest known answer of every rsvp_id seen
 * within the horizon. Decisions depend only on the messages' order and the
 * watermark, so replaying from a snapshot decides exactly as the first run.
 */
export class RsvpDedupState {
  readonly horizonMs: number;
  private readonly known = new Map<number, KnownState>();

  constructor(options: RsvpDedupOptions = {}) {
    this.horizonMs = options.horizonMs ?? DEFAULT_DEDUP_HORIZON_MS;
  }

  get size(): number {
    return this.known.size;
  }

  /** Decides for `answer` given the partition's watermark before it, and records it when newer. */
  apply(answer: RsvpAnswer, watermark: number): DedupVerdict {
    const state = this.known.get(answer.rsvp_id);
    const current = state && !this.beyondHorizon(state.mtime, watermark) ? state : undefined;
    const yes = answer.response === 'yes';
    if (current && answer.mtime <= current.mtime) return 'stale';
    this.known.set(answer.rsvp_id, { mtime: answer.mtime, yes, guests: answer.guests });
    if (!current) return 'first';
    return current.yes === yes && current.guests === answer.guests ? 'resend' : 'changed';
  }

  /** Forgets state beyond the horizon; the same as leaving it, since `apply` ignores it. */
  evict(watermark: number): number {
    let evicted = 0;
    for (const [id, state] of this.known) {
      if (this.beyondHorizon(state.mtime, watermark)) {
        this.known.delete(id);
        evicted += 1;
      }
    }
    return evicted;
  }

  /** A compact, deterministic text form: `id,mtime,y|n,guests` per line. */
  serialize(): string {
    const lines: string[] = [];
    for (const [id, s] of this.known)
      lines.push(`${id},${s.mtime},${s.yes ? 'y' : 'n'},${s.guests}`);
    return lines.join('\n');
  }

  static deserialize(text: string, options: RsvpDedupOptions = {}): RsvpDedupState {
    const state = new RsvpDedupState(options);
    if (text === '') return state;
    for (const line of text.split('\n')) {
      const [id, mtime, yes, guests] = line.split(',');
      state.known.set(Number(id), {
        mtime: Number(mtime),
        yes: yes === 'y',
        guests: Number(guests),
      });
    }
    return state;
  }

  private beyondHorizon(mtime: number, watermark: number): boolean {
    return mtime < watermark - this.horizonMs;
  }
}
