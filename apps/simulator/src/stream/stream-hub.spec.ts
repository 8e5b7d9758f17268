import type { StreamQuery } from '@meetup/meetup-stream';
import type { ClientSink } from './client-sink';
import type { StreamEntry } from './replay-buffer';
import { StreamHub, type ClientFaults } from './stream-hub';

/** A client that records what it gets and says it is full after `room` lines (until drained). */
class RecordingSink implements ClientSink {
  readonly protocol = 'http';
  readonly lines: string[] = [];
  closed = false;
  private resume: (() => void) | undefined;
  private readonly closeListeners: (() => void)[] = [];

  constructor(private room = Number.POSITIVE_INFINITY) {}

  write(line: Buffer): boolean {
    this.lines.push(line.toString());
    this.room -= 1;
    return this.room > 0;
  }

  whenWritable(resume: () => void): void {
    this.resume = resume;
  }

  /** The client read everything: it has `room` lines of space again. */
  drain(room = Number.POSITIVE_INFINITY): void {
    this.room = room;
    const resume = this.resume;
    this.resume = undefined;
    resume?.();
  }

  close(): void {
    this.closed = true;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** The client hangs up by itself. */
  hangUp(): void {
    for (const listener of this.closeListeners) listener();
  }
}

const NO_FAULTS: ClientFaults = { dropEvery: 0, stallEvery: 0, stallMs: 0 };
const LIVE: StreamQuery = { position: { kind: 'live' } };

function entry(mtime: number, eventId = 'e1'): StreamEntry {
  return { mtime, eventId, line: Buffer.from(String(mtime)) };
}

function entries(from: number, to: number, eventId?: string): StreamEntry[] {
  return Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, eventId));
}

function hub(capacity: number, faults: Partial<ClientFaults> = {}) {
  const events = { sent: 0, dropped: [] as string[] };
  const streamHub = new StreamHub(
    capacity,
    { ...NO_FAULTS, ...faults },
    {
      sent: (count) => (events.sent += count),
      dropped: (reason) => events.dropped.push(reason),
    },
  );
  return { hub: streamHub, events };
}

/** Lets queued setImmediate continuations (the pump's next slice) run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('StreamHub', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('sends a live client only what is published after it attached, in order', () => {
    const { hub: streamHub, events } = hub(100);
    streamHub.publish(entries(1, 3));
    const sink = new RecordingSink();
    streamHub.attach(sink, LIVE);
    streamHub.publish(entries(4, 6));
    expect(sink.lines).toEqual(['4', '5', '6']);
    expect(events.sent).toBe(3);
  });

  it('replays from since_mtime and since_count, each client from its own position', () => {
    const { hub: streamHub } = hub(100);
    streamHub.publish([entry(10), entry(30), entry(20), entry(40)]);
    const byMtime = new RecordingSink();
    const byCount = new RecordingSink();
    streamHub.attach(byMtime, { position: { kind: 'since_mtime', mtime: 25 } });
    streamHub.attach(byCount, { position: { kind: 'since_count', count: 1 } });
    expect(byMtime.lines).toEqual(['30', '20', '40']);
    expect(byCount.lines).toEqual(['40']);
    streamHub.publish([entry(50)]);
    expect(byMtime.lines.at(-1)).toBe('50');
    expect(byCount.lines).toEqual(['40', '50']);
  });

  it("sends an event_id client only that event's messages", () => {
    const { hub: streamHub } = hub(100);
    const sink = new RecordingSink();
    streamHub.attach(sink, { position: { kind: 'live' }, eventId: 'b' });
    streamHub.publish([entry(1, 'a'), entry(2, 'b'), entry(3, 'a'), entry(4, 'b')]);
    expect(sink.lines).toEqual(['2', '4']);
  });

  it('stops writing to a full client and goes on from where it stopped once it drains', () => {
    const { hub: streamHub } = hub(100);
    const sink = new RecordingSink(2);
    streamHub.attach(sink, LIVE);
    streamHub.publish(entries(1, 5));
    expect(sink.lines).toEqual(['1', '2']);
    // Published while it is full: held in the buffer, not written.
    streamHub.publish(entries(6, 7));
    expect(sink.lines).toEqual(['1', '2']);
    sink.drain();
    expect(sink.lines).toEqual(['1', '2', '3', '4', '5', '6', '7']);
  });

  it('drops a client that fell behind the replay buffer rather than queue for it', () => {
    const { hub: streamHub, events } = hub(3);
    const slow = new RecordingSink(1);
    const fast = new RecordingSink();
    streamHub.attach(slow, LIVE);
    streamHub.attach(fast, LIVE);
    streamHub.publish(entries(1, 1));
    expect(slow.lines).toEqual(['1']);
    // Full since message 1; message 2 is still held after 4 arrived, gone once 5 arrives.
    streamHub.publish(entries(2, 4));
    expect(slow.closed).toBe(false);
    streamHub.publish(entries(5, 5));
    slow.drain();
    expect(slow.closed).toBe(true);
    expect(events.dropped).toEqual(['lagged']);
    expect(streamHub.clientCount).toBe(1);
    expect(fast.lines).toEqual(['1', '2', '3', '4', '5']);
  });

  it('closes each connection after `dropEvery` messages (fault injection)', () => {
    const { hub: streamHub, events } = hub(100, { dropEvery: 3 });
    const sink = new RecordingSink();
    streamHub.attach(sink, LIVE);
    streamHub.publish(entries(1, 5));
    expect(sink.lines).toEqual(['1', '2', '3']);
    expect(sink.closed).toBe(true);
    expect(events).toEqual({ sent: 3, dropped: ['fault'] });
    expect(streamHub.clientCount).toBe(0);
  });

  it('pauses a client for `stallMs` after every `stallEvery` messages (fault injection)', async () => {
    jest.useFakeTimers();
    const { hub: streamHub } = hub(100, { stallEvery: 2, stallMs: 1_000 });
    const sink = new RecordingSink();
    streamHub.attach(sink, LIVE);
    streamHub.publish(entries(1, 5));
    expect(sink.lines).toEqual(['1', '2']);
    await jest.advanceTimersByTimeAsync(999);
    expect(sink.lines).toEqual(['1', '2']);
    await jest.advanceTimersByTimeAsync(1);
    expect(sink.lines).toEqual(['1', '2', '3', '4']);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sink.lines).toEqual(['1', '2', '3', '4', '5']);
  });

  it('sends a long replay in slices, yielding to the event loop between them', async () => {
    const { hub: streamHub } = hub(10_000);
    streamHub.publish(entries(1, 5_000));
    const sink = new RecordingSink();
    streamHub.attach(sink, { position: { kind: 'since_count', count: 5_000 } });
    expect(sink.lines).toHaveLength(2_000);
    await turn();
    expect(sink.lines).toHaveLength(4_000);
    await turn();
    expect(sink.lines).toHaveLength(5_000);
    expect(sink.lines.at(-1)).toBe('5000');
  });

  it('forgets a client that hung up and writes nothing more to it', () => {
    const { hub: streamHub } = hub(100);
    const sink = new RecordingSink();
    streamHub.attach(sink, LIVE);
    streamHub.publish(entries(1, 1));
    sink.hangUp();
    streamHub.publish(entries(2, 2));
    expect(sink.lines).toEqual(['1']);
    expect(streamHub.clientCount).toBe(0);
  });

  it('closes every client on closeAll', () => {
    const { hub: streamHub } = hub(100);
    const sinks = [new RecordingSink(), new RecordingSink()];
    for (const sink of sinks) streamHub.attach(sink, LIVE);
    streamHub.closeAll();
    expect(sinks.map((s) => s.closed)).toEqual([true, true]);
    expect(streamHub.clientCount).toBe(0);
  });
});
