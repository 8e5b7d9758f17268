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

/** Reads what the stream needs from one raw line; malformed lines get the given mtime. */
export function describeLine(line: Buffer, fallbackMtime: number): PublishedMessage {
  try {
    const value = JSON.parse(line.toString('utf8')) as {
      rsvp_id?: unknown;
      mtime?: unknown;
      event?: { event_id?: unknown };
    };
    return {
      line,
      mtime: typeof value.mtime === 'number' ? value.mtime : fallbackMtime,
      rsvpId: typeof value.rsvp_id === 'number' ? value.rsvp_id : undefined,
      eventId: typeof value.event?.event_id === 'string' ? value.event.event_id : undefined,
    };
  } catch {
    return { line, mtime: fallbackMtime, rsvpId: undefined, eventId: undefined };
  }
}
