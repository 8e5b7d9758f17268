import {
  Backoff,
  openStream,
  streamUrl,
  type BackoffOptions,
  type StreamConnection,
  type StreamPosition,
} from '@meetup/meetup-stream';
import type { Logger } from '@meetup/observability';
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
}

/**
 * Keeps one source connected: reconnects with exponential backoff and
 * jitter, resuming at `since_mtime` = newest mtime seen − margin; pauses
 * reading while the buffer is full and reconnects only once it has room.
 */
export class SourceReader {
  private connection: StreamConnection | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wakeStop: (() => void) | undefined;
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
    this.stopped = true;
    this.connection?.close();
    this.wakeStop?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    const { source, metrics, logger } = this.options;
    let first = true;
    while (!this.stopped) {
      if (!first) {
        metrics.reconnects.inc({ source: source.name });
        await this.sleep(this.backoff.next());
      }
      first = false;
      await this.waitForRoom();
      if (this.halted) return;
      const position = this.resumePosition();
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

  private get halted(): boolean {
    return this.stopped;
  }

  private async connect(url: string): Promise<{ closed: Promise<Error | undefined> }> {
    let onClosed: (error?: Error) => void = () => undefined;
    const closed = new Promise<Error | undefined>((resolve) => (onClosed = resolve));
    this.connection = await openStream(url, {
      message: (raw) => {
        this.options.message(raw);
      },
      closed: onClosed,
    });
    if (this.options.buffer.underPressure) this.connection.pause();
    if (this.stopped) this.connection.close();
    return { closed };
  }

  private resumePosition(): StreamPosition {
    const newest = this.options.position.received;
    if (newest !== undefined) {
      return { kind: 'since_mtime', mtime: Math.max(0, newest - this.options.marginMs) };
    }
    const initial = this.options.initialSinceMtime;
    return initial === undefined ? { kind: 'live' } : { kind: 'since_mtime', mtime: initial };
  }

  private async waitForRoom(): Promise<void> {
    while (this.options.buffer.underPressure && !this.stopped) await this.sleep(100);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeStop = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
