import { SyntheticRsvpStream, type BurstOptions } from '@meetup/rsvp-synthetic';
import type { MessageSource, PublishedMessage } from './message-source';

export interface SyntheticSourceOptions {
  rate: number;
  seed: number;
  count: number | undefined;
  firstRsvpId: number | undefined;
  bursts: BurstOptions[];
  /** How far (ms) out-of-order mtimes lag behind the clock. */
  maxDisorderMs: number;
}

const TICK_MS = 10;

/** Synthetic RSVPs at a steady rate, mtimes from the wall clock. */
export class SyntheticSource implements MessageSource {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SyntheticSourceOptions) {}

  start(publish: (messages: PublishedMessage[]) => void, finished: () => void): void {
    const { rate, seed, count, firstRsvpId, bursts, maxDisorderMs } = this.options;
    const stream = new SyntheticRsvpStream({
      seed,
      firstRsvpId,
      bursts,
      outOfOrderMaxMs: maxDisorderMs,
    });
    const startedAt = Date.now();
    let published = 0;
    this.timer = setInterval(() => {
      const now = Date.now();
      const due = Math.min(count ?? Infinity, Math.floor(((now - startedAt) * rate) / 1_000));
      const batch: PublishedMessage[] = [];
      for (; published < due; published += 1) {
        const rsvp = stream.next(now);
        batch.push({
          line: Buffer.from(JSON.stringify(rsvp)),
          mtime: rsvp.mtime,
          rsvpId: rsvp.rsvp_id,
          eventId: rsvp.event.event_id,
        });
      }
      if (batch.length > 0) publish(batch);
      if (count !== undefined && published >= count) {
        this.stop();
        finished();
      }
    }, TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
