import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { parseStreamQuery } from '@meetup/meetup-stream';
import { httpSink, wsSink } from './client-sink';
import type { StreamHub } from './stream-hub';

const STREAM_PATH = '/2/rsvps';

/** `GET /2/rsvps` as HTTP chunked streaming and as a push-only WebSocket, on one port. */
export class StreamServer {
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(
    private readonly hub: StreamHub,
    private readonly onConnect: (protocol: 'http' | 'ws', query: string) => void,
  ) {
    this.server = createServer((req, res) => {
      this.serveHttp(req, res);
    });
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== STREAM_PATH) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.onConnect('ws', url.search);
        this.hub.attach(wsSink(ws), parseStreamQuery(url.searchParams));
      });
    });
  }

  async listen(port: number, host: string): Promise<number> {
    this.server.listen(port, host);
    await once(this.server, 'listening');
    return (this.server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    this.hub.closeAll();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  private serveHttp(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== STREAM_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
    res.flushHeaders();
    this.onConnect('http', url.search);
    this.hub.attach(httpSink(res), parseStreamQuery(url.searchParams));
  }
}
