import type { ServerResponse } from 'node:http';
import type { LiveEventName, LiveQuery } from '@meetup/console-views';
import type { ConsoleMetrics } from '../console.metrics';
import type { LiveFeed } from '../feed/live-feed';

const ALL_VIEWS: readonly LiveEventName[] = ['responses', 'trending', 'batch', 'alerts', 'health'];
const HEARTBEAT_MS = 15_000;
/** Browsers wait this long before reconnecting after the stream ends. */
const RETRY_MS = 1_000;

interface Page {
  query: LiveQuery;
  response: ServerResponse;
  /** Views not written yet because the page reads slowly: only the newest of each is kept. */
  pending: Map<LiveEventName, string>;
}

/**
 * The open pages of the live channel. The feed's changes are fanned out here: each
 * changed view is serialised once per distinct query and written to every page that
 * asked for it. A slow page gets the newest version of a view once it drains, never a
 * queue, so memory per page is bounded by one copy of each view.
 */
export class LiveHub {
  private readonly pages = new Set<Page>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly feed: LiveFeed,
    private readonly metrics: ConsoleMetrics,
    private readonly maxPages: number,
  ) {
    feed.onChange((changed, version) => {
      for (const page of this.pages) for (const view of changed) this.send(page, view, version);
    });
    this.heartbeat = setInterval(() => {
      for (const page of this.pages)
        if (!page.response.writableNeedDrain) page.response.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.pages.size;
  }

  /** Why another page cannot be served now (the server is stopping, or at its limit), if so. */
  refusal(): 'stopping' | 'too_many_pages' | undefined {
    if (this.closed) return 'stopping';
    return this.pages.size >= this.maxPages ? 'too_many_pages' : undefined;
  }

  /** Starts the event stream of one page: every view now, then each change. */
  open(query: LiveQuery, response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Proxies (nginx ingress) must not buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    const page: Page = { query, response, pending: new Map() };
    this.pages.add(page);
    this.metrics.openPages.set(this.pages.size);
    response.on('drain', () => {
      this.flush(page);
    });
    response.on('close', () => {
      this.pages.delete(page);
      this.metrics.openPages.set(this.pages.size);
    });
    const version = this.feed.currentVersion;
    for (const view of ALL_VIEWS) this.send(page, view, version);
  }

  /**
   * Ends every stream (shutdown): pages reconnect to whichever server answers next. A page
   * reconnecting meanwhile is refused, or the HTTP server would wait for its stream forever.
   */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const page of this.pages) page.response.end();
    this.pages.clear();
    this.metrics.openPages.set(0);
  }

  private send(page: Page, view: LiveEventName, version: number): void {
    const frame = `id: ${version}\nevent: ${view}\ndata: ${this.feed.render(view, page.query)}\n\n`;
    if (page.response.writableNeedDrain) {
      page.pending.set(view, frame);
      return;
    }
    page.response.write(frame);
    this.metrics.eventsSent.inc({ view });
  }

  private flush(page: Page): void {
    for (const [view, frame] of page.pending) {
      page.pending.delete(view);
      page.response.write(frame);
      this.metrics.eventsSent.inc({ view });
      if (page.response.writableNeedDrain) return;
    }
  }
}
