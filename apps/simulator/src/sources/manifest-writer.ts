import { appendFileSync, writeFileSync } from 'node:fs';
import type { PublishedMessage } from './message-source';

const FLUSH_MS = 200;

/**
 * Records every published message, one JSON line each: `{rsvp_id, mtime}`
 * for records, `{malformed, raw}` for injected bad lines. Tests compare it
 * with what reached Kafka.
 */
export class ManifestWriter {
  private pending: string[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly file: string) {
    writeFileSync(file, '');
    this.timer = setInterval(() => {
      this.flush();
    }, FLUSH_MS);
  }

  record(messages: readonly PublishedMessage[]): void {
    for (const message of messages) {
      this.pending.push(
        message.malformed
          ? JSON.stringify({ malformed: message.malformed, raw: message.line.toString('utf8') })
          : JSON.stringify({ rsvp_id: message.rsvpId, mtime: message.mtime }),
      );
    }
  }

  flush(): void {
    if (this.pending.length === 0) return;
    appendFileSync(this.file, this.pending.join('\n') + '\n');
    this.pending = [];
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
