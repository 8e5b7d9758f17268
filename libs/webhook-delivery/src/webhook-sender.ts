import { setTimeout as sleep } from 'node:timers/promises';
import {
  injectTraceContext,
  SpanKind,
  SpanStatusCode,
  withSpan,
  type Span,
} from '@meetup/observability';
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
      const result = await this.attempt(request, attempt);
      attempts.push(result);
      this.options.onAttempt?.(result);
      if (result.error === undefined) return { outcome: 'delivered', attempts };
      if (!retriable(result.status)) break;
      if (attempt <= request.retries) await sleep(this.backoff(request.backoffMs, attempt));
    }
    return { outcome: 'failed', attempts, error: attempts.at(-1)?.error };
  }

  private backoff(base: number, attempt: number): number {
    const exp = Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
    const random = this.options.random ?? Math.random;
    return Math.round(exp * (0.5 + random() / 2));
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
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      return {
        attempt,
        status: response.status,
        error: ok ? undefined : `http_${response.status}`,
        latencyMs: latency(),
      };
    } catch (error) {
      const timeout = error instanceof DOMException && error.name === 'TimeoutError';
      return {
        attempt,
        status: undefined,
        error: timeout ? 'timeout' : 'network',
        latencyMs: latency(),
      };
    }
  }
}

/** The status, or why it failed, on the attempt's span (never the URL's path or headers). */
function recordOutcome(span: Span, result: DeliveryAttempt): void {
  if (result.status !== undefined) span.setAttribute('http.response.status_code', result.status);
  if (result.error !== undefined) {
    span.setAttribute('error.type', result.error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
  }
}
