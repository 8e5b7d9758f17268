import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';

/**
 * The content type Elasticsearch answers with: the versioned media type, with the version the
 * client asked for, when it asked for one (the JavaScript client does), JSON otherwise.
 */
function jsonContentType(request: IncomingMessage): string {
  const asked = /vnd\.elasticsearch\+json;\s*compatible-with=(\d+)/.exec(
    request.headers.accept ?? '',
  );
  return asked
    ? `application/vnd.elasticsearch+json;compatible-with=${asked[1]}`
    : 'application/json; charset=UTF-8';
}

/** Sends a JSON answer of the proxy's own, with the headers Elasticsearch sends. */
export function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: OutgoingHttpHeaders = {},
): void {
  const payload = Buffer.from(JSON.stringify(body));
  response.writeHead(status, {
    // The client refuses a 2xx answer without it (its product check).
    'x-elastic-product': 'Elasticsearch',
    'content-type': jsonContentType(request),
    'content-length': String(payload.length),
    ...extraHeaders,
  });
  response.end(request.method === 'HEAD' ? undefined : payload);
}

/** Headers of an upstream answer the proxy re-encodes. */
export function rewrittenHeaders(
  headers: IncomingHttpHeaders,
  length: number,
): OutgoingHttpHeaders {
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (
      ![
        'content-length',
        'content-encoding',
        'transfer-encoding',
        'connection',
        'keep-alive',
      ].includes(name)
    ) {
      result[name] = value;
    }
  }
  result['content-length'] = String(length);
  return result;
}
