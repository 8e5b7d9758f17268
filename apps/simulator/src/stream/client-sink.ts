import type { ServerResponse } from 'node:http';
import type WebSocket from 'ws';

const NEWLINE = Buffer.from('\n');
const WS_HIGH_WATER_BYTES = 1024 * 1024;

/** Where a client's messages go; `write` answers false when the client must catch up first. */
export interface ClientSink {
  readonly protocol: 'http' | 'ws';
  write(line: Buffer): boolean;
  /** Calls `resume` once the client can take more. */
  whenWritable(resume: () => void): void;
  close(): void;
  onClose(listener: () => void): void;
}

export function httpSink(res: ServerResponse): ClientSink {
  return {
    protocol: 'http',
    write: (line) => res.write(Buffer.concat([line, NEWLINE])),
    whenWritable: (resume) => res.once('drain', resume),
    close: () => res.end(),
    onClose: (listener) => res.on('close', listener),
  };
}

export function wsSink(ws: WebSocket): ClientSink {
  return {
    protocol: 'ws',
    write: (line) => {
      ws.send(line, { binary: false });
      return ws.bufferedAmount < WS_HIGH_WATER_BYTES;
    },
    // ws has no drain event: look again shortly.
    whenWritable: (resume) => setTimeout(resume, 5),
    close: () => {
      ws.close(1000, 'closing');
    },
    onClose: (listener) => ws.on('close', listener),
  };
}
