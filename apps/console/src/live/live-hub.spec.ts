import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { LiveEventName, LiveQuery } from '@meetup/console-views';
import { Registry } from '@meetup/observability';
import { ConsoleMetrics } from '../console.metrics';
import type { LiveFeed } from '../feed/live-feed';
import { LiveHub } from './live-hub';

/** The part of LiveFeed the hub uses: change notifications and rendered views. */
class Feed {
  currentVersion = 1;
  revision = 'a';
  private listener: ((changed: LiveEventName[], version: number) => void) | undefined;

  onChange(listener: (changed: LiveEventName[], version: number) => void): void {
    this.listener = listener;
  }

  render(view: LiveEventName, query: LiveQuery): string {
    return `${view}:${query.country ?? 'all'}:${this.revision}`;
  }

  change(views: LiveEventName[], revision: string): void {
    this.currentVersion += 1;
    this.revision = revision;
    this.listener?.(views, this.currentVersion);
  }
}

/** An event-stream response that can be made to need draining, as a slow reader's does. */
class Response extends EventEmitter {
  readonly written: string[] = [];
  writableNeedDrain = false;
  ended = false;
  status = 0;

  writeHead(status: number): this {
    this.status = status;
    return this;
  }

  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }

  end(): void {
    this.ended = true;
  }

  drain(): void {
    this.writableNeedDrain = false;
    this.emit('drain');
  }

  events(): string[] {
    return this.written.filter((w) => w.startsWith('id:')).map((w) => w.split('\n')[2]!.slice(6));
  }
}

const QUERY: LiveQuery = { range: '1h', country: undefined };

function setUp(maxPages = 10) {
  const feed = new Feed();
  const metrics = new ConsoleMetrics(new Registry());
  const hub = new LiveHub(feed as unknown as LiveFeed, metrics, maxPages);
  const open = (query: LiveQuery = QUERY) => {
    const response = new Response();
    hub.open(query, response as unknown as ServerResponse);
    return response;
  };
  return { feed, hub, open };
}

describe('LiveHub', () => {
  it('opens a page with the reconnect delay and every view, then sends each change', () => {
    const { feed, hub, open } = setUp();
    const page = open({ ...QUERY, country: 'de' });
    expect(page.status).toBe(200);
    expect(page.written[0]).toBe('retry: 1000\n\n');
    expect(page.events()).toEqual([
      'responses:de:a',
      'trending:de:a',
      'batch:de:a',
      'alerts:de:a',
      'health:de:a',
    ]);
    feed.change(['trending'], 'b');
    expect(page.written.at(-1)).toBe('id: 2\nevent: trending\ndata: trending:de:b\n\n');
    hub.close();
  });

  it('keeps only the newest version of each view for a page that reads slowly, sent once it drains', () => {
    const { feed, hub, open } = setUp();
    const slow = open();
    const fast = open();
    slow.writableNeedDrain = true;
    feed.change(['responses', 'trending'], 'b');
    feed.change(['responses'], 'c');
    feed.change(['responses'], 'd');
    expect(fast.events().slice(5)).toEqual([
      'responses:all:b',
      'trending:all:b',
      'responses:all:c',
      'responses:all:d',
    ]);
    expect(slow.events()).toHaveLength(5);
    slow.drain();
    expect(slow.events().slice(5)).toEqual(['responses:all:d', 'trending:all:b']);
    hub.close();
  });

  it('stops flushing when the page needs to drain again, and goes on at the next drain', () => {
    const { feed, hub, open } = setUp();
    const slow = open();
    slow.writableNeedDrain = true;
    feed.change(['responses', 'trending', 'batch'], 'b');
    slow.writableNeedDrain = false;
    slow.write = function (this: Response, chunk: string) {
      this.written.push(chunk);
      this.writableNeedDrain = true;
      return false;
    };
    slow.emit('drain');
    expect(slow.events().slice(5)).toEqual(['responses:all:b']);
    slow.drain();
    expect(slow.events().slice(5)).toEqual(['responses:all:b', 'trending:all:b']);
    hub.close();
  });

  it('refuses pages past its limit, and every page once closing', () => {
    const { hub, open } = setUp(2);
    const first = open();
    open();
    expect(hub.refusal()).toBe('too_many_pages');
    first.emit('close');
    expect(hub.size).toBe(1);
    expect(hub.refusal()).toBeUndefined();
    hub.close();
    expect(hub.refusal()).toBe('stopping');
  });

  it('ends every stream on close and writes nothing more', () => {
    const { feed, hub, open } = setUp();
    const pages = [open(), open()];
    hub.close();
    expect(pages.map((p) => p.ended)).toEqual([true, true]);
    expect(hub.size).toBe(0);
    const before = pages[0]!.written.length;
    feed.change(['responses'], 'b');
    expect(pages[0]!.written).toHaveLength(before);
  });

  it('pings every open page every 15 s so proxies keep the stream', () => {
    jest.useFakeTimers();
    try {
      const { hub, open } = setUp();
      const page = open();
      jest.advanceTimersByTime(15_000);
      expect(page.written.at(-1)).toBe(': ping\n\n');
      hub.close();
    } finally {
      jest.useRealTimers();
    }
  });
});
