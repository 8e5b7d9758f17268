import type { ServerResponse } from 'node:http';
import type { LiveQuery } from '@meetup/console-views';
import { Registry } from '@meetup/observability';
import { ConsoleMetrics } from '../console.metrics';
import type { LiveFeed } from '../feed/live-feed';
import { LiveController } from './live.controller';
import type { LiveHub } from './live-hub';

/** What the controller writes to a response. */
class Response {
  status = 0;
  readonly headers: Record<string, string> = {};
  body = '';

  writeHead(status: number, headers: Record<string, string> = {}): this {
    this.status = status;
    Object.assign(this.headers, headers);
    return this;
  }

  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  end(body = ''): void {
    this.body = body;
  }

  json(): unknown {
    return JSON.parse(this.body);
  }
}

function setUp(refusal?: 'stopping' | 'too_many_pages') {
  const opened: LiveQuery[] = [];
  const hub = {
    refusal: () => refusal,
    open: (query: LiveQuery) => opened.push(query),
  } as unknown as LiveHub;
  const feed = {
    snapshot: (query: LiveQuery) => ({ version: 7, query }),
  } as unknown as LiveFeed;
  const metrics = new ConsoleMetrics(new Registry());
  const controller = new LiveController(feed, hub, metrics);
  const respond = (call: (response: ServerResponse) => void) => {
    const response = new Response();
    call(response as unknown as ServerResponse);
    return response;
  };
  return { controller, opened, metrics, respond };
}

describe('LiveController', () => {
  it('opens the live channel of a valid query', () => {
    const { controller, opened, respond } = setUp();
    respond((r) => {
      controller.live({ range: '24h', country: 'de' }, undefined, r);
    });
    expect(opened).toEqual([{ range: '24h', country: 'de' }]);
  });

  it('refuses an unknown country or range with 400 and says why', async () => {
    const { controller, opened, metrics, respond } = setUp();
    const response = respond((r) => {
      controller.live({ range: '1h', country: 'zz' }, undefined, r);
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: 'bad_request' });
    const snapshot = respond((r) => {
      controller.snapshot({ range: '7d' }, r);
    });
    expect(snapshot.status).toBe(400);
    expect(opened).toEqual([]);
    const refused = await metrics.refusedPages.get();
    expect(refused.values).toEqual([
      expect.objectContaining({ labels: { reason: 'bad_request' }, value: 2 }),
    ]);
  });

  it('refuses a malformed Last-Event-ID with 400', () => {
    const { controller, opened, respond } = setUp();
    const response = respond((r) => {
      controller.live({}, 'not-a-number', r);
    });
    expect(response.status).toBe(400);
    expect(opened).toEqual([]);
  });

  it('asks the page to come back later (503, Retry-After) when the hub is full or stopping', () => {
    for (const refusal of ['too_many_pages', 'stopping'] as const) {
      const { controller, opened, respond } = setUp(refusal);
      const response = respond((r) => {
        controller.live({}, undefined, r);
      });
      expect(response.status).toBe(503);
      expect(response.headers['Retry-After']).toBe('5');
      expect(response.json()).toMatchObject({ error: refusal });
      expect(opened).toEqual([]);
    }
  });

  it('answers the snapshot of a query as one uncached JSON document', () => {
    const { controller, respond } = setUp();
    const response = respond((r) => {
      controller.snapshot({ range: '15m' }, r);
    });
    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(response.json()).toEqual({ version: 7, query: { range: '15m' } });
  });
});
