import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { countryInfo } from '@meetup/country-info';
import { parseLastEventId, parseLiveQuery, type LiveQuery } from '@meetup/console-views';
import { ConsoleMetrics } from '../console.metrics';
import { LiveFeed } from '../feed/live-feed';
import { LiveHub } from './live-hub';

const REFUSALS = {
  stopping: 'this console is stopping; retry in a moment',
  too_many_pages: 'the console serves as many pages as it may; retry later',
} as const;

const isKnownCountry = (code: string) => countryInfo(code) !== undefined;

function refuse(response: ServerResponse, status: number, error: string, message: string): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ error, message }));
}

/** The live channel (Server-Sent Events) and the same views as one JSON document. */
@Controller('api')
export class LiveController {
  constructor(
    @Inject(LiveFeed) private readonly feed: LiveFeed,
    @Inject(LiveHub) private readonly hub: LiveHub,
    @Inject(ConsoleMetrics) private readonly metrics: ConsoleMetrics,
  ) {}

  @Get('live')
  live(
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId: unknown,
    @Res() response: ServerResponse,
  ): void {
    const parsed = this.parse(query, response);
    if (parsed === undefined) return;
    // Every connection gets every view in full, so the id only has to be well-formed.
    const id = parseLastEventId(lastEventId);
    if (!id.ok) {
      this.metrics.refusedPages.inc({ reason: 'bad_request' });
      refuse(response, 400, 'bad_request', id.message);
      return;
    }
    const refusal = this.hub.refusal();
    if (refusal !== undefined) {
      this.metrics.refusedPages.inc({ reason: refusal });
      response.setHeader('Retry-After', '5');
      refuse(response, 503, refusal, REFUSALS[refusal]);
      return;
    }
    this.hub.open(parsed, response);
  }

  @Get('snapshot')
  snapshot(@Query() query: Record<string, unknown>, @Res() response: ServerResponse): void {
    const parsed = this.parse(query, response);
    if (parsed === undefined) return;
    response.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    response.end(JSON.stringify(this.feed.snapshot(parsed)));
  }

  private parse(query: Record<string, unknown>, response: ServerResponse): LiveQuery | undefined {
    const parsed = parseLiveQuery(query, isKnownCountry);
    if (parsed.ok) return parsed.value;
    this.metrics.refusedPages.inc({ reason: 'bad_request' });
    refuse(response, 400, 'bad_request', parsed.message);
    return undefined;
  }
}
