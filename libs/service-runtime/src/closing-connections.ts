import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Makes a stopping server end each connection after its response. `server.close()` closes
 * the connections idle at that moment, but a keep-alive connection busy then is served for
 * as long as its client reuses it within the keep-alive timeout — a page retrying a refused
 * stream every few seconds kept a console from ever exiting. Returns the switch to flip when
 * the server starts stopping: responses not yet begun then, and all later ones, say
 * `Connection: close`.
 */
export function closeConnectionsWhenStopping(server: Server): () => void {
  let stopping = false;
  const unanswered = new Set<ServerResponse>();
  const closeAfter = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('Connection', 'close');
  };
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (stopping) {
      closeAfter(response);
      return;
    }
    unanswered.add(response);
    response.once('close', () => unanswered.delete(response));
  });
  return () => {
    stopping = true;
    for (const response of unanswered) closeAfter(response);
    unanswered.clear();
  };
}
