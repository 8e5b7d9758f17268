import { SeededRandom } from '@meetup/rsvp-synthetic';
import type { PublishedMessage } from './message-source';

/** Mixes deliberately malformed lines into the stream at a ratio (fault injection for tests). */
export class MalformedLines {
  private readonly random = new SeededRandom(424242);
  private counter = 0;

  constructor(private readonly ratio: number) {}

  inject(messages: PublishedMessage[]): PublishedMessage[] {
    if (this.ratio === 0) return messages;
    return messages.flatMap((message) =>
      this.random.chance(this.ratio) ? [this.malformed(message.mtime), message] : [message],
    );
  }

  private malformed(mtime: number): PublishedMessage {
    this.counter += 1;
    const n = this.counter;
    const notJson = this.random.chance(0.5);
    const line = notJson
      ? `{"rsvp_id":${n},"mtime":${mtime},"response":"yes","event":{"event_id":"trunc-${n}"`
      : JSON.stringify({ rsvp_id: n, mtime: `not-a-number-${n}`, response: 'maybe' });
    return {
      line: Buffer.from(line),
      mtime,
      rsvpId: undefined,
      eventId: undefined,
      malformed: notJson ? 'not_json' : 'invalid_field',
    };
  }
}
