import type { LiveEventName } from '@meetup/console-views';
import { reconnectDelayMs } from '../src/web-logic/live-params';

export type ConnectionState = 'live' | 'reconnecting';

const EVENTS: readonly LiveEventName[] = ['responses', 'trending', 'batch', 'alerts', 'health'];

export interface LiveConnectionOptions {
  /** The stream's address, asked again at each (re)connection so it follows the page's choices. */
  url: () => string;
  onEvent: (name: LiveEventName, data: unknown, lastEventId: string) => void;
  onState: (state: ConnectionState) => void;
}

/**
 * The page's one `EventSource`. The browser retries a dropped stream by itself; when it gives
 * up (the answer was not a stream, e.g. 502/503 during a restart) it is opened again here after
 * 1 s, 2 s, … at most 5 s.
 */
export class LiveConnection {
  private source: EventSource | undefined;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: LiveConnectionOptions) {}

  /** Opens the stream, closing the one before (the range or country changed). */
  open(): void {
    this.close();
    this.options.onState('reconnecting');
    const source = new EventSource(this.options.url());
    this.source = source;
    source.addEventListener('open', () => {
      this.failures = 0;
      this.options.onState('live');
    });
    source.addEventListener('error', () => {
      if (source !== this.source) return;
      this.options.onState('reconnecting');
      if (source.readyState === EventSource.CLOSED) this.retryLater();
    });
    for (const name of EVENTS) {
      source.addEventListener(name, (event) => {
        this.receive(name, event);
      });
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.source?.close();
    this.source = undefined;
  }

  private retryLater(): void {
    this.failures += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.open();
    }, reconnectDelayMs(this.failures));
  }

  private receive(name: LiveEventName, event: MessageEvent<unknown>): void {
    let data: unknown;
    try {
      data = JSON.parse(String(event.data));
    } catch (error) {
      console.warn('console: an event that is not JSON was skipped', name, error);
      return;
    }
    this.options.onEvent(name, data, event.lastEventId);
  }
}
