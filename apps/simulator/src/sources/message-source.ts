import type { StreamEntry } from '../stream/replay-buffer';

/** A message the simulator publishes, with what its manifest records about it. */
export interface PublishedMessage extends StreamEntry {
  rsvpId: number | undefined;
  /** The rejection code the contracts validator gives a deliberately malformed line. */
  malformed?: 'not_json' | 'invalid_field';
}

export interface MessageSource {
  /** Starts publishing; calls `finished` once a finite source has published everything. */
  start(publish: (messages: PublishedMessage[]) => void, finished: () => void): void;
  stop(): void;
}

/**
 * Reads what the stream needs from one raw line. An mtime or rsvp_id that is not a safe
 * non-negative integer is not trusted (a hostile line may claim 2^53 + 1, 1e400 or -1): the line
 * gets `fallbackMtime` and no id, so it neither paces a replay nor captures a `since_mtime`
 * resume (which starts at the first held message newer than the position). JSON.parse plus these
 * checks, not the whole contract: a replay reads every line of a recording up front.
 */
export function describeLine(line: Buffer, fallbackMtime: number): PublishedMessage {
  try {
    const value = JSON.parse(line.toString('utf8')) as {
      rsvp_id?: unknown;
      mtime?: unknown;
      event?: { event_id?: unknown };
    };
    return {
      line,
      mtime: isCount(value.mtime) ? value.mtime : fallbackMtime,
      rsvpId: isCount(value.rsvp_id) ? value.rsvp_id : undefined,
      eventId: typeof value.event?.event_id === 'string' ? value.event.event_id : undefined,
    };
  } catch {
    return { line, mtime: fallbackMtime, rsvpId: undefined, eventId: undefined };
  }
}

const isCount = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;
