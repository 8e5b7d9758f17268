import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { IndexLookup, ResolvedNames } from './index-lookup';

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function forwardableHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const result: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name) && name !== 'authorization' && name !== 'host') result[name] = value;
  }
  return result;
}

export interface BufferedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class UpstreamError extends Error {}

/** The plain-HTTP Elasticsearch behind the proxy; it has no security of its own. */
export class Upstream implements IndexLookup {
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly base: URL;

  constructor(url: string) {
    this.base = new URL(url);
  }

  /** Sends a request; the caller writes (or pipes) the body and reads the response. */
  open(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): {
    request: http.ClientRequest;
    response: Promise<IncomingMessage>;
  } {
    const request = http.request({
      protocol: this.base.protocol,
      hostname: this.base.hostname,
      port: this.base.port,
      method,
      path,
      headers: { ...headers, host: this.base.host },
      agent: this.agent,
    });
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', (error) => {
        reject(new UpstreamError(`upstream ${method} ${path} failed`, { cause: error }));
      });
    });
    return { request, response };
  }

  /** A whole exchange, uncompressed, for responses the proxy reads or rewrites. */
  async exchange(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body?: Buffer,
  ): Promise<BufferedResponse> {
    const sent: IncomingHttpHeaders = { ...headers };
    delete sent['accept-encoding'];
    if (body) sent['content-length'] = String(body.length);
    const { request, response } = this.open(method, path, sent);
    request.end(body);
    const answer = await response;
    const chunks: Buffer[] = [];
    for await (const chunk of answer) chunks.push(chunk as Buffer);
    return {
      status: answer.statusCode ?? 502,
      headers: answer.headers,
      body: Buffer.concat(chunks),
    };
  }

  async resolve(expression: readonly string[], expandWildcards: string): Promise<ResolvedNames> {
    if (expression.length === 0) return { indices: [], aliases: [], dataStreams: [] };
    const names = expression.map((name) => encodeURIComponent(name)).join(',');
    const query = new URLSearchParams({
      expand_wildcards: expandWildcards,
      ignore_unavailable: 'true',
      allow_no_indices: 'true',
    });
    const answer = await this.exchange('GET', `/_resolve/index/${names}?${query.toString()}`, {
      accept: 'application/json',
    });
    if (answer.status !== 200) {
      throw new UpstreamError(
        `upstream resolve of [${expression.join(',')}] answered ${answer.status}: ${answer.body.toString('utf8')}`,
      );
    }
    const parsed = JSON.parse(answer.body.toString('utf8')) as {
      indices?: { name: string; aliases?: string[] }[];
      aliases?: { name: string; indices?: string[] }[];
      data_streams?: { name: string; backing_indices?: string[] }[];
    };
    return {
      indices: (parsed.indices ?? []).map((i) => ({ name: i.name, aliases: i.aliases ?? [] })),
      aliases: (parsed.aliases ?? []).map((a) => ({ name: a.name, indices: a.indices ?? [] })),
      dataStreams: (parsed.data_streams ?? []).map((d) => ({
        name: d.name,
        backingIndices: d.backing_indices ?? [],
      })),
    };
  }

  close(): void {
    this.agent.destroy();
  }
}
