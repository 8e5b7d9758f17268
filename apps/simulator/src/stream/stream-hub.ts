import type { StreamQuery } from '@meetup/meetup-stream';
import type { ClientSink } from './client-sink';
import { ReplayBuffer, type StreamEntry } from './replay-buffer';

export interface ClientFaults {
  /** Close each connection after this many messages (0: never). */
  dropEvery: number;
  /** Pause sending for `stallMs` after every this many messages (0: never). */
  stallEvery: number;
  stallMs: number;
}

export interface HubEvents {
  sent(count: number): void;
  dropped(reason: 'fault' | 'lagged'): void;
  /** A client attached; `clients` counts it. */
  attached?(clients: number): void;
}

interface Client {
  sink: ClientSink;
  cursor: number;
  eventId: string | undefined;
  sent: number;
  waiting: boolean;
  closed: boolean;
}

// Bounds the work of one pump turn so a long replay never blocks the event loop.
const PUMP_SLICE = 2_000;

/** Fans the stream out to its clients, each from its own position in the replay buffer. */
export class StreamHub {
  private readonly buffer: ReplayBuffer;
  private readonly clients = new Set<Client>();

  constructor(
    capacity: number,
    private readonly faults: ClientFaults,
    private readonly events: HubEvents,
  ) {
    this.buffer = new ReplayBuffer(capacity);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  publish(entries: readonly StreamEntry[]): void {
    for (const entry of entries) this.buffer.append(entry);
    for (const client of this.clients) this.pump(client);
  }

  attach(sink: ClientSink, query: StreamQuery): void {
    const { position } = query;
    const cursor =
      position.kind === 'since_mtime'
        ? this.buffer.seqAfterMtime(position.mtime)
        : position.kind === 'since_count'
          ? this.buffer.seqOfLast(position.count)
          : this.buffer.next;
    const client: Client = {
      sink,
      cursor,
      eventId: query.eventId,
      sent: 0,
      waiting: false,
      closed: false,
    };
    this.clients.add(client);
    sink.onClose(() => {
      this.detach(client);
    });
    this.pump(client);
    this.events.attached?.(this.clients.size);
  }

  closeAll(): void {
    for (const client of this.clients) client.sink.close();
    this.clients.clear();
  }

  private detach(client: Client): void {
    client.closed = true;
    this.clients.delete(client);
  }

  private pump(client: Client): void {
    if (client.waiting || client.closed) return;
    if (client.cursor < this.buffer.start) {
      this.events.dropped('lagged');
      this.drop(client);
      return;
    }
    let sent = 0;
    while (client.cursor < this.buffer.next && sent < PUMP_SLICE) {
      const entry = this.buffer.get(client.cursor);
      client.cursor += 1;
      if (!entry || (client.eventId !== undefined && entry.eventId !== client.eventId)) continue;
      const writable = client.sink.write(entry.line);
      sent += 1;
      client.sent += 1;
      if (this.faults.dropEvery > 0 && client.sent % this.faults.dropEvery === 0) {
        this.events.sent(sent);
        this.events.dropped('fault');
        this.drop(client);
        return;
      }
      if (this.faults.stallEvery > 0 && client.sent % this.faults.stallEvery === 0) {
        this.wait(client, (resume) => setTimeout(resume, this.faults.stallMs));
        break;
      }
      if (!writable) {
        this.wait(client, (resume) => {
          client.sink.whenWritable(resume);
        });
        break;
      }
    }
    this.events.sent(sent);
    if (!isWaiting(client) && client.cursor < this.buffer.next) {
      this.wait(client, (resume) => setImmediate(resume));
    }
  }

  private wait(client: Client, schedule: (resume: () => void) => void): void {
    client.waiting = true;
    schedule(() => {
      client.waiting = false;
      this.pump(client);
    });
  }

  private drop(client: Client): void {
    this.detach(client);
    client.sink.close();
  }
}

/** Read through a function: `wait` changes the flag behind the compiler's narrowing. */
function isWaiting(client: Client): boolean {
  return client.waiting;
}
