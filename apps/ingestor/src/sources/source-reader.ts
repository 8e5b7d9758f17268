import {
  openStream,
  streamUrl,
  type StreamConnection,
  type StreamHandlers,
  type StreamPosition,
} from '@meetup/meetup-stream';
import type { Logger } from '@meetup/observability';
import { Backoff, sleep, type BackoffOptions } from '@meetup/retry';
import type { SourceSpec } from '../config/ingestor.config';
import type { IngestorMetrics } from '../ingestor.metrics';
import type { IngestBuffer } from '../pipeline/ingest-buffer';
import type { SourcePosition } from '../pipeline/source-position';

export interface SourceReaderOptions {
  source: SourceSpec;
  position: SourcePosition;
  buffer: IngestBuffer;
  marginMs: number;
  initialSinceMtime: number | undefined;
  reconnect: BackoffOptions;
  metrics: IngestorMetrics;
  logger: Logger;
  message(raw: Buffer): void;
  /** Opens a connection to the stream (default: `openStream`, HTTP chunked or WebSocket). */
  open?: StreamOpener;
}

export type StreamOpener = (url: string, handlers: StreamHandlers) => Promise<StreamConnection>;

/**
 * Where a (re)connection starts: `marginMs` before the newest mtime received (the margin must
 * exceed the source's disorder, so late out-of-order records are asked for again; the replayed
 * duplicates are harmless downstream); before anything was received, the initial mtime, or live.
 */
export function resumePosition(
  newestReceived: number | undefined,
  options: { marginMs: number; initialSinceMtime: number | undefined },
): StreamPosition {
  if (newestReceived !== undefined) {
    return { kind: 'since_mtime', mtime: Math.max(0, newestReceived - options.marginMs) };
  }
  const initial = options.initialSinceMtime;
  return initial === undefined ? { kind: 'live' } : { kind: 'since_mtime', mtime: initial };
}

/**
 * Keeps one source connected: reconnects with exponential backoff and
 * jitter, resuming at `since_mtime` = newest mtime seen − margin; pauses
 * reading while the buffer is full and reconnects only once it has room.
 */
export class SourceReader {
  private connection: StreamConnection | undefined;
  /** Aborted by `stop`: ends the loop and cuts its waits short. */
  private readonly halt = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly backoff: Backoff;

  constructor(private readonly options: SourceReaderOptions) {
    this.backoff = new Backoff(options.reconnect);
    options.buffer.onPressure((pressured) => {
      if (pressured) this.connection?.pause();
      else this.connection?.resume();
    });
  }

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.halt.abort();
    this.connection?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { source, metrics, logger } = this.options;
    let first = true;
    while (!this.stopped) {
      if (!first) {
        metrics.reconnects.inc({ source: source.name });
        await sleep(this.backoff.next(), this.halt.signal);
      }
      first = false;
      if (!(await this.waitForRoom())) return;
      const position = resumePosition(this.options.position.received, this.options);
      const sinceMtime = position.kind === 'since_mtime' ? position.mtime : undefined;
      try {
        const { closed } = await this.connect(streamUrl(source.url, { position }));
        logger.info({ source: source.name, url: source.url, sinceMtime }, 'source connected');
        this.backoff.reset();
        const error = await closed;
        this.connection = undefined;
        logger.info(
          { source: source.name, newestMtime: this.options.position.received, err: error },
          'source disconnected',
        );
      } catch (error) {
        logger.warn({ source: source.name, err: error, sinceMtime }, 'source connect failed');
      }
    }
  }

  private get stopped(): boolean {
    return this.halt.signal.aborted;
  }

  private async connect(url: string): Promise<{ closed: Promise<Error | undefined> }> {
    let onClosed: (error?: Error) => void = () => undefined;
    const closed = new Promise<Error | undefined>((resolve) => (onClosed = resolve));
    const open = this.options.open ?? openStream;
    this.connection = await open(url, {
      message: (raw) => {
        this.options.message(raw);
      },
      closed: onClosed,
    });
    if (this.options.buffer.underPressure) this.connection.pause();
    if (this.stopped) this.connection.close();
    return { closed };
  }

  /** Resolves true once the buffer has room, false if the reader stopped meanwhile. */
  private async waitForRoom(): Promise<boolean> {
    while (this.options.buffer.underPressure && !this.stopped) {
      await sleep(100, this.halt.signal);
    }
    return !this.stopped;
  }
}
