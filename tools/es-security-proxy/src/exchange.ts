import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { AuthorizationContext, Refusal } from './authorizer';
import { sendJson } from './reply';
import { actionDeniedReason, forbidden } from './security-errors';
import type { Denial } from './types';
import { type Upstream, forwardableHeaders } from './upstream';

/** One authenticated request on its way through the proxy. */
export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly method: string;
  readonly url: URL;
  readonly username: string;
  readonly context: AuthorizationContext;
}

/** A body the proxy read: as sent, and decoded when the client compressed it. */
export interface Body {
  readonly sent: Buffer;
  readonly decoded: Buffer;
}

export async function readBody(request: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const sent = Buffer.concat(chunks);
  const encoding = request.headers['content-encoding'];
  const decoded =
    encoding === 'gzip' ? gunzipSync(sent) : encoding === 'deflate' ? inflateSync(sent) : sent;
  return { sent, decoded };
}

/** Request headers for a body the proxy rewrote (sent uncompressed). */
export function rewrittenRequestHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const result = forwardableHeaders(headers);
  delete result['content-encoding'];
  delete result['content-length'];
  return result;
}

/**
 * Streams the request (or the body already read) to the upstream and its
 * answer back, unchanged but for the credentials.
 */
export async function forward(upstream: Upstream, exchange: Exchange, body?: Body): Promise<void> {
  const { request, response, method } = exchange;
  const headers = forwardableHeaders(request.headers);
  if (body) headers['content-length'] = String(body.sent.length);
  const sent = upstream.open(method, request.url ?? '/', headers);
  if (body) sent.request.end(body.sent);
  else void pipeline(request, sent.request).catch(() => sent.request.destroy());
  const answer = await sent.response;
  response.writeHead(answer.statusCode ?? 502, forwardableHeaders(answer.headers));
  await pipeline(answer, response);
}

/** Every 401 and 403 the proxy answers goes through here. */
export class DenialLog {
  constructor(private readonly denials: Denial[]) {}

  record(
    user: string,
    refusal: Refusal,
    status: 401 | 403,
    exchange: Pick<Exchange, 'method' | 'url'>,
  ): void {
    this.denials.push({
      user,
      action: refusal.action,
      indices: [...refusal.indices],
      status,
      method: exchange.method,
      path: exchange.url.pathname,
    });
  }

  /** Records the refusal of a part of the request (an item, a shard) and words it. */
  refusePart(exchange: Exchange, refusal: Refusal): string {
    this.record(exchange.username, refusal, 403, exchange);
    return actionDeniedReason(
      exchange.username,
      exchange.context.role,
      refusal.action,
      refusal.indices,
    );
  }

  /** Records and answers the 403 of the whole request. */
  refuse(exchange: Exchange, refusal: Refusal, reason?: string): void {
    const worded = this.refusePart(exchange, refusal);
    sendJson(exchange.request, exchange.response, 403, forbidden(reason ?? worded));
  }
}
