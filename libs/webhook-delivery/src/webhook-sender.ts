import http from 'node:http';
import https from 'node:https';
import {
  injectTraceContext,
  SpanKind,
  SpanStatusCode,
  withSpan,
  type Span,
} from '@meetup/observability';
import { backoffDelay, sleep } from '@meetup/retry';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signBody } from './signature';
import { UrlRefusedError, type UrlGuard } from './url-guard';

export interface WebhookRequest {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  body: string;
  /** HMAC-SHA256 secret; the signature header is sent when present. */
  secret?: string;
  /** The same on every attempt, so the receiver can drop repeats. */
  idempotencyKey: string;
  timeoutMs: number;
  /** Attempts after the first one. */
  retries: number;
  /** First backoff; doubles per attempt, with jitter, capped at 30 s. */
  backoffMs: number;
}

export interface DeliveryAttempt {
  attempt: number;
  status: number | undefined;
  /** Why the attempt failed: `http_500`, `timeout`, `network`, … (never headers or secrets). */
  error: string | undefined;
  latencyMs: number;
}

export interface DeliveryResult {
  outcome: 'delivered' | 'failed' | 'refused';
  attempts: DeliveryAttempt[];
  error?: string;
}

export interface WebhookSenderOptions {
  guard: UrlGuard;
  /** Called after each attempt (history, metrics). */
  onAttempt?: (attempt: DeliveryAttempt) => void;
  random?: () => number;
}

const MAX_BACKOFF_MS = 30_000;

function retriable(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Sends a webhook with a timeout per attempt and bounded exponential backoff between attempts. */
export class WebhookSender {
  constructor(private readonly options: WebhookSenderOptions) {}

  async send(request: WebhookRequest): Promise<DeliveryResult> {
    try {
      await this.options.guard.check(request.url);
    } catch (error) {
      if (error instanceof UrlRefusedError) {
        return { outcome: 'refused', attempts: [], error: error.reason };
      }
      throw error;
    }
    const attempts: DeliveryAttempt[] = [];
    for (let attempt = 1; attempt <= request.retries + 1; attempt++) {
      let result: DeliveryAttempt;
      try {
        result = await this.attempt(request, attempt);
      } catch (error) {
        if (error instanceof UrlRefusedError)
          return { outcome: 'refused', attempts, error: error.reason };
        throw error;
      }
      attempts.push(result);
      this.options.onAttempt?.(result);
      if (result.error === undefined) return { outcome: 'delivered', attempts };
      if (!retriable(result.status)) break;
      if (attempt <= request.retries) {
        const backoff = { initialMs: request.backoffMs, maxMs: MAX_BACKOFF_MS, jitter: 0.5 };
        await sleep(backoffDelay(attempt - 1, backoff, this.options.random));
      }
    }
    return { outcome: 'failed', attempts, error: attempts.at(-1)?.error };
  }

  /** One attempt, one span (`webhook.attempt`) whose context goes out as `traceparent`. */
  private attempt(request: WebhookRequest, attempt: number): Promise<DeliveryAttempt> {
    const url = new URL(request.url);
    const attributes = {
      'http.request.method': request.method,
      'server.address': url.hostname,
      'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      'http.request.resend_count': attempt - 1,
    };
    return withSpan('webhook.attempt', { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const result = await this.attemptTraced(request, attempt);
      recordOutcome(span, result);
      return result;
    });
  }

  private async attemptTraced(request: WebhookRequest, attempt: number): Promise<DeliveryAttempt> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      ...request.headers,
      [IDEMPOTENCY_HEADER]: request.idempotencyKey,
    };
    injectTraceContext(headers);
    if (request.secret) headers[SIGNATURE_HEADER] = signBody(request.body, request.secret);
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const timeout = AbortSignal.timeout(request.timeoutMs);
    try {
      const status = await sendOnce(request, headers, this.options.guard, timeout);
      const ok = status >= 200 && status < 300;
      return { attempt, status, error: ok ? undefined : `http_${status}`, latencyMs: latency() };
    } catch (error) {
      // Refused when connecting (the name now resolves to a refused address): no retry.
      if (error instanceof UrlRefusedError) throw error;
      return {
        attempt,
        status: undefined,
        error: timeout.aborted ? 'timeout' : 'network',
        latencyMs: latency(),
      };
    }
  }
}

/**
 * One request, connected through the guard's `lookup` (every address connected to is
 * checked), never following a redirect (a 3xx is the answer); resolves to the status.
 */
function sendOnce(
  request: WebhookRequest,
  headers: Record<string, string>,
  guard: UrlGuard,
  signal: AbortSignal,
): Promise<number> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      url,
      {
        method: request.method,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: guard.lookup,
        signal,
      },
      (response) => {
        response.resume();
        response.once('end', () => {
          resolve(response.statusCode ?? 0);
        });
        response.once('error', reject);
      },
    );
    outgoing.once('error', reject);
    outgoing.end(request.body);
  });
}

/** The status, or why it failed, on the attempt's span (never the URL's path or headers). */
function recordOutcome(span: Span, result: DeliveryAttempt): void {
  if (result.status !== undefined) span.setAttribute('http.response.status_code', result.status);
  if (result.error !== undefined) {
    span.setAttribute('error.type', result.error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
  }
}
