import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import WebSocket from 'ws';
import { LineSplitter } from './line-splitter';

export interface StreamHandlers {
  /** One stream message, its bytes exactly as the source sent them. */
  message(raw: Buffer): void;
  /** The connection ended (by either side); `error` when it failed. Called once. */
  closed(error?: Error): void;
}

/** An open connection to a Meetup-compatible stream. */
export interface StreamConnection {
  /** Stops reading (TCP backpressure reaches the source). */
  pause(): void;
  resume(): void;
  close(): void;
}

export class StreamConnectError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StreamConnectError';
  }
}

/** Connects over HTTP chunked (`http:`/`https:`) or WebSocket (`ws:`/`wss:`), by the URL's scheme. */
export function openStream(
  url: string,
  handlers: StreamHandlers,
  connectTimeoutMs = 10_000,
): Promise<StreamConnection> {
  const scheme = new URL(url).protocol;
  if (scheme === 'ws:' || scheme === 'wss:') return openWebSocket(url, handlers, connectTimeoutMs);
  if (scheme === 'http:' || scheme === 'https:') return openHttp(url, handlers, connectTimeoutMs);
  return Promise.reject(new StreamConnectError(`unsupported stream scheme ${scheme}`));
}

function onceOnly(closed: (error?: Error) => void): (error?: Error) => void {
  let done = false;
  return (error) => {
    if (done) return;
    done = true;
    closed(error);
  };
}

function openHttp(
  url: string,
  handlers: StreamHandlers,
  timeoutMs: number,
): Promise<StreamConnection> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  const closed = onceOnly((error) => {
    handlers.closed(error);
  });
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'application/json' }, timeout: timeoutMs });
    req.on('timeout', () => req.destroy(new StreamConnectError('stream connect timed out')));
    req.on('error', (error) => {
      reject(new StreamConnectError('stream request failed', { cause: error }));
      closed(error);
    });
    req.on('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        res.resume();
        const error = new StreamConnectError(`stream answered HTTP ${res.statusCode}`);
        reject(error);
        closed(error);
        return;
      }
      req.setTimeout(0);
      const splitter = new LineSplitter();
      res.on('data', (chunk: Buffer) => {
        for (const line of splitter.push(chunk)) handlers.message(line);
      });
      res.on('end', () => {
        closed();
      });
      res.on('close', () => {
        closed();
      });
      res.on('error', (error) => {
        closed(error);
      });
      resolve({
        pause: () => res.pause(),
        resume: () => res.resume(),
        close: () => req.destroy(),
      });
    });
    req.end();
  });
}

function openWebSocket(
  url: string,
  handlers: StreamHandlers,
  timeoutMs: number,
): Promise<StreamConnection> {
  const closed = onceOnly((error) => {
    handlers.closed(error);
  });
  return new Promise((resolve, reject) => {
    // Text frames reach the validator as the bytes sent: one that is not UTF-8 is a bad message
    // for the DLQ (reason not_json), not a protocol error. With ws's own check it closed the
    // connection (1007), and every resume was sent the same frame again.
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, skipUTF8Validation: true });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      handlers.message(
        Buffer.isBuffer(data)
          ? data
          : Array.isArray(data)
            ? Buffer.concat(data)
            : Buffer.from(data),
      );
    });
    ws.on('open', () => {
      resolve({
        pause: () => {
          ws.pause();
        },
        resume: () => {
          ws.resume();
        },
        close: () => {
          ws.terminate();
        },
      });
    });
    ws.on('error', (error) => {
      reject(new StreamConnectError('websocket failed', { cause: error }));
      closed(error);
    });
    ws.on('close', () => {
      closed();
    });
  });
}
