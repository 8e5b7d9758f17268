import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as pause } from 'node:timers/promises';
import { SeededRandom } from '@meetup/rsvp-synthetic';
import {
  decide,
  delayOf,
  errorBody,
  validatePlan,
  type FaultAction,
  type FaultKind,
  type FaultPlan,
} from './fault-plan';

export interface FaultProxyOptions {
  /** The plain-HTTP Elasticsearch behind the proxy, e.g. http://127.0.0.1:9200. */
  upstream: string;
  /** Seeds every draw (which request a rule hits, how long a delay lasts). */
  seed: number;
  plan?: FaultPlan;
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
}

/** How many requests met each fault, and how many reached Elasticsearch. */
export type FaultCounts = Record<FaultKind | 'forwarded', number>;

export interface FaultProxy {
  url: string;
  port: number;
  /** Replaces the plan for the requests that arrive from now on; stalled requests go on. */
  setPlan(plan: FaultPlan): void;
  counts(): FaultCounts;
  close(): Promise<void>;
}

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/**
 * An HTTP proxy in front of Elasticsearch that misbehaves on a seeded plan: delays, stalls,
 * resets before or after Elasticsearch acted, and 429/503 answers. For fault tests only.
 */
class FaultingHandler {
  private plan: FaultPlan;
  private readonly random: SeededRandom;
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly upstream: URL;
  private stalled = new Set<() => void>();
  readonly counts: FaultCounts = {
    delay: 0,
    stall: 0,
    reset: 0,
    'lose-answer': 0,
    status: 0,
    forwarded: 0,
  };

  constructor(options: FaultProxyOptions) {
    this.upstream = new URL(options.upstream);
    this.random = new SeededRandom(options.seed);
    this.plan = [];
    this.setPlan(options.plan ?? []);
  }

  setPlan(plan: FaultPlan): void {
    validatePlan(plan);
    this.plan = plan;
    const waiting = this.stalled;
    this.stalled = new Set();
    for (const release of waiting) release();
  }

  async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const action = decide(this.plan, { method: request.method ?? 'GET', path }, () =>
      this.random.next(),
    );
    if (action) this.counts[action.kind] += 1;
    const gone = new AbortController();
    response.once('close', () => {
      gone.abort();
    });
    if (!(await this.before(action, request, response, gone.signal))) return;
    this.counts.forwarded += 1;
    this.forward(request, response, action?.kind === 'lose-answer');
  }

  /** Applies the part of the fault that comes before forwarding; false when nothing is forwarded. */
  private async before(
    action: FaultAction | undefined,
    request: http.IncomingMessage,
    response: http.ServerResponse,
    gone: AbortSignal,
  ): Promise<boolean> {
    switch (action?.kind) {
      case 'reset':
        request.socket.destroy();
        return false;
      case 'status':
        request.resume();
        response.writeHead(action.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(errorBody(action.status)));
        return false;
      case 'delay':
        await pause(
          delayOf(action, () => this.random.next()),
          undefined,
          { signal: gone },
        ).catch(() => undefined);
        return !gone.aborted;
      case 'stall':
        await new Promise<void>((release) => {
          this.stalled.add(release);
          gone.addEventListener(
            'abort',
            () => {
              release();
            },
            { once: true },
          );
        });
        return !gone.aborted;
      case 'lose-answer':
      case undefined:
        return true;
    }
  }

  private forward(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    loseAnswer: boolean,
  ): void {
    const outgoing = http.request(
      {
        protocol: this.upstream.protocol,
        hostname: this.upstream.hostname,
        port: this.upstream.port,
        method: request.method,
        path: request.url,
        headers: forwardable(request.headers),
        agent: this.agent,
      },
      (answer) => {
        if (loseAnswer) {
          // Elasticsearch has acted on the request; the client never learns how.
          answer.resume();
          answer.once('end', () => request.socket.destroy());
          return;
        }
        response.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
        answer.pipe(response);
      },
    );
    outgoing.once('error', (error) => {
      if (response.headersSent) response.destroy(error);
      else {
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ error: { type: 'fault_proxy_upstream', reason: error.message } }),
        );
      }
    });
    request.pipe(outgoing);
  }

  close(): void {
    this.setPlan([]);
    this.agent.destroy();
  }
}

/** Starts a fault proxy on 127.0.0.1 (by default) in front of `upstream`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const handler = new FaultingHandler(options);
  const server = http.createServer((request, response) => {
    void handler.handle(request, response);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    setPlan: (plan) => {
      handler.setPlan(plan);
    },
    counts: () => ({ ...handler.counts }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        handler.close();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      }),
  };
}
