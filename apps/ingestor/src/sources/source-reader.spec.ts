import type { StreamConnection, StreamHandlers } from '@meetup/meetup-stream';
import { createLogger, Registry } from '@meetup/observability';
import { createIngestorMetrics, type IngestorMetrics } from '../ingestor.metrics';
import { IngestBuffer, type PendingRecord } from '../pipeline/ingest-buffer';
import { SourcePosition } from '../pipeline/source-position';
import {
  resumePosition,
  SourceReader,
  type SourceReaderOptions,
  type StreamOpener,
} from './source-reader';

const SOURCE = { name: 'meetup', url: 'http://stream.test/2/rsvps', topic: 'meetup.rsvps' };

/** One open connection of the in-memory stream. */
class Connection implements StreamConnection {
  paused = false;
  closedByReader = false;

  constructor(private readonly handlers: StreamHandlers) {}

  deliver(text: string): void {
    this.handlers.message(Buffer.from(text));
  }

  /** The source ends the connection. */
  drop(error?: Error): void {
    this.handlers.closed(error);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  close(): void {
    this.closedByReader = true;
    this.handlers.closed();
  }
}

/** A stream source in memory: records the URLs asked for, opens or refuses as scripted. */
class InMemoryStream {
  readonly urls: string[] = [];
  readonly connections: Connection[] = [];
  private readonly answers: (Error | Promise<void>)[] = [];

  /** How the next connection attempts are answered; any after those open at once. */
  answerNext(...answers: (Error | Promise<void>)[]): void {
    this.answers.push(...answers);
  }

  readonly open: StreamOpener = async (url, handlers) => {
    this.urls.push(url);
    const answer = this.answers.shift();
    if (answer instanceof Error) throw answer;
    await answer;
    const connection = new Connection(handlers);
    this.connections.push(connection);
    return connection;
  };

  get current(): Connection | undefined {
    return this.connections.at(-1);
  }

  sinceMtimes(): (string | null)[] {
    return this.urls.map((url) => new URL(url).searchParams.get('since_mtime'));
  }
}

function pending(n: number): PendingRecord {
  return {
    topic: SOURCE.topic,
    key: `event-${n}`,
    value: Buffer.from(String(n)),
    headers: {},
    source: SOURCE.name,
    watermark: n,
  };
}

async function reconnects(metrics: IngestorMetrics): Promise<number> {
  return (await metrics.reconnects.get()).values.reduce((sum, v) => sum + v.value, 0);
}

interface Harness {
  reader: SourceReader;
  stream: InMemoryStream;
  buffer: IngestBuffer;
  position: SourcePosition;
  received: string[];
  metrics: IngestorMetrics;
}

function harness(overrides: Partial<SourceReaderOptions> = {}): Harness {
  const stream = new InMemoryStream();
  const buffer = new IngestBuffer(2);
  const position = new SourcePosition(undefined);
  const received: string[] = [];
  const metrics = createIngestorMetrics(new Registry());
  const reader = new SourceReader({
    source: SOURCE,
    position,
    buffer,
    marginMs: 10_000,
    initialSinceMtime: undefined,
    reconnect: { initialMs: 100, maxMs: 1_000, jitter: 0 },
    metrics,
    logger: createLogger({ serviceName: 'ingestor', level: 'silent' }),
    message: (raw) => received.push(raw.toString()),
    open: stream.open,
    ...overrides,
  });
  return { reader, stream, buffer, position: overrides.position ?? position, received, metrics };
}

describe('resumePosition', () => {
  const options = { marginMs: 10_000, initialSinceMtime: undefined };

  it('asks for the live stream when nothing was received and no initial mtime is set', () => {
    expect(resumePosition(undefined, options)).toEqual({ kind: 'live' });
  });

  it('starts a replica without a checkpoint at the initial mtime', () => {
    expect(resumePosition(undefined, { ...options, initialSinceMtime: 0 })).toEqual({
      kind: 'since_mtime',
      mtime: 0,
    });
  });

  it('resumes the margin before the newest mtime received, whatever the initial mtime', () => {
    const withInitial = { ...options, initialSinceMtime: 5 };
    expect(resumePosition(1_700_000_060_000, withInitial)).toEqual({
      kind: 'since_mtime',
      mtime: 1_700_000_050_000,
    });
  });

  it('never asks for a negative mtime', () => {
    expect(resumePosition(3_000, options)).toEqual({ kind: 'since_mtime', mtime: 0 });
  });
});

describe('SourceReader', () => {
  let started: SourceReader[] = [];
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(async () => {
    const stopping = Promise.all(started.map((reader) => reader.stop()));
    started = [];
    await jest.advanceTimersByTimeAsync(1_000);
    await stopping;
    jest.useRealTimers();
  });

  function start(h: Harness): Harness {
    started.push(h.reader);
    h.reader.start();
    return h;
  }

  it('connects to the source URL and hands over every message as received', async () => {
    const h = start(harness({ initialSinceMtime: 1_000 }));
    await jest.advanceTimersByTimeAsync(0);
    expect(h.stream.urls).toEqual(['http://stream.test/2/rsvps?since_mtime=1000']);
    h.stream.current?.deliver('{"rsvp_id":1}');
    h.stream.current?.deliver('not json');
    expect(h.received).toEqual(['{"rsvp_id":1}', 'not json']);
  });

  it('reconnects after the source drops it, the margin before the newest mtime received', async () => {
    const h = start(harness());
    await jest.advanceTimersByTimeAsync(0);
    h.position.observe(1_700_000_060_000);
    h.stream.current?.drop(new Error('socket hang up'));
    await jest.advanceTimersByTimeAsync(99);
    expect(h.stream.urls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.stream.sinceMtimes()).toEqual([null, '1700000050000']);
    expect(await reconnects(h.metrics)).toBe(1);
  });

  it('retries a refused connection with growing backoff, and starts over once connected', async () => {
    const h = harness();
    h.stream.answerNext(new Error('ECONNREFUSED'), new Error('ECONNREFUSED'));
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    await jest.advanceTimersByTimeAsync(100);
    expect(h.stream.urls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(199);
    expect(h.stream.connections).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(h.stream.connections).toHaveLength(1);
    h.stream.current?.drop();
    await jest.advanceTimersByTimeAsync(100);
    expect(h.stream.connections).toHaveLength(2);
    expect(await reconnects(h.metrics)).toBe(3);
  });

  it('pauses its connection while the buffer is full and resumes it once drained to half', async () => {
    const h = start(harness());
    await jest.advanceTimersByTimeAsync(0);
    h.buffer.push(pending(1));
    expect(h.stream.current?.paused).toBe(false);
    h.buffer.push(pending(2));
    expect(h.stream.current?.paused).toBe(true);
    h.buffer.take(1);
    expect(h.stream.current?.paused).toBe(false);
  });

  it('does not connect while the buffer is full, and connects once it has room', async () => {
    const h = harness();
    h.buffer.push(pending(1));
    h.buffer.push(pending(2));
    start(h);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(h.stream.urls).toEqual([]);
    h.buffer.take(2);
    await jest.advanceTimersByTimeAsync(100);
    expect(h.stream.connections).toHaveLength(1);
    expect(h.stream.current?.paused).toBe(false);
  });

  it('opens paused when the buffer filled while it was connecting', async () => {
    let opened: () => void = () => undefined;
    const h = harness();
    h.stream.answerNext(new Promise<void>((resolve) => (opened = resolve)));
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    h.buffer.push(pending(1));
    h.buffer.push(pending(2));
    opened();
    await jest.advanceTimersByTimeAsync(0);
    expect(h.stream.current?.paused).toBe(true);
  });

  it('on stop, closes its connection and never reconnects', async () => {
    const h = start(harness());
    await jest.advanceTimersByTimeAsync(0);
    started = [];
    await h.reader.stop();
    expect(h.stream.current?.closedByReader).toBe(true);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(h.stream.urls).toHaveLength(1);
  });

  it('on stop, cuts a backoff wait short', async () => {
    const h = harness({ reconnect: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } });
    h.stream.answerNext(new Error('ECONNREFUSED'));
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    started = [];
    let stopped = false;
    void h.reader.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    expect(h.stream.urls).toHaveLength(1);
  });

  it('closes a connection that opened after it was stopped', async () => {
    let opened: () => void = () => undefined;
    const h = harness();
    h.stream.answerNext(new Promise<void>((resolve) => (opened = resolve)));
    start(h);
    await jest.advanceTimersByTimeAsync(0);
    started = [];
    const stopping = h.reader.stop();
    opened();
    await stopping;
    expect(h.stream.current?.closedByReader).toBe(true);
    expect(h.stream.urls).toHaveLength(1);
  });
});
