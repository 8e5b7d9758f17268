import { readFileSync } from 'node:fs';
import { describeLine, type MessageSource, type PublishedMessage } from './message-source';

export interface ReplaySourceOptions {
  files: string[];
  /** ×speed of the recorded pace, or 'max' for as fast as possible. */
  speed: number | 'max';
  /** Start over when done, with fresh rsvp_ids and shifted mtimes. */
  loop: boolean;
}

// The recordings hold no arrival times: pace follows mtime steps, capped so
// an out-of-order jump of weeks does not stall the replay.
const MAX_GAP_MS = 10_000;
const MAX_BATCH = 1_000;
const LOOP_ID_OFFSET = 10_000_000_000;

/** Replays NDJSON recordings in arrival order, lines byte for byte (the first pass). */
export class ReplaySource implements MessageSource {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ReplaySourceOptions) {}

  start(publish: (messages: PublishedMessage[]) => void, finished: () => void): void {
    const recorded = this.options.files.flatMap((file) => splitLines(readFileSync(file)));
    const span = mtimeSpan(recorded);
    let index = 0;
    let round = 0;
    let newest = 0;
    const step = (): void => {
      if (this.stopped) return;
      const batch: PublishedMessage[] = [];
      let delay = 0;
      while (index < recorded.length && batch.length < MAX_BATCH && delay === 0) {
        const message = this.nextMessage(recorded[index] ?? Buffer.alloc(0), round, span, newest);
        index += 1;
        batch.push(message);
        if (this.options.speed !== 'max' && newest > 0) {
          delay = Math.min(MAX_GAP_MS, Math.max(0, message.mtime - newest)) / this.options.speed;
        }
        newest = Math.max(newest, message.mtime);
      }
      publish(batch);
      if (index >= recorded.length) {
        if (!this.options.loop) {
          finished();
          return;
        }
        index = 0;
        round += 1;
      }
      this.timer = setTimeout(step, delay);
    };
    step();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private nextMessage(line: Buffer, round: number, span: number, newest: number): PublishedMessage {
    const message = describeLine(line, newest);
    if (round === 0 || message.rsvpId === undefined) return message;
    const value = JSON.parse(line.toString('utf8')) as { rsvp_id: number; mtime: number };
    value.rsvp_id += round * LOOP_ID_OFFSET;
    value.mtime += round * span;
    return {
      ...message,
      line: Buffer.from(JSON.stringify(value)),
      rsvpId: value.rsvp_id,
      mtime: value.mtime,
    };
  }
}

/**
 * The recorded mtimes' range plus a second: how far a loop's round shifts them. A fold, not
 * `Math.max(...mtimes)`: spread arguments overflow the stack past ~100,000 lines.
 */
export function mtimeSpan(lines: readonly Buffer[]): number {
  let oldest = Infinity;
  let newest = -Infinity;
  for (const line of lines) {
    const { mtime } = describeLine(line, 0);
    if (mtime <= 0) continue;
    oldest = Math.min(oldest, mtime);
    newest = Math.max(newest, mtime);
  }
  return newest >= oldest ? newest - oldest + 1_000 : 1_000;
}

function splitLines(content: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let end = content.indexOf(0x0a); end !== -1; end = content.indexOf(0x0a, start)) {
    lines.push(content.subarray(start, end));
    start = end + 1;
  }
  lines.push(content.subarray(start));
  return lines.filter((line) => line.toString('utf8').trim() !== '');
}
