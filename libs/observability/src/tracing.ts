import {
  context,
  isSpanContextValid,
  propagation,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export { SpanKind, SpanStatusCode, type Span, type SpanContext } from '@opentelemetry/api';

export interface TracingConfig {
  serviceName: string;
  /** OTLP/HTTP base URL (`http://collector:4318`); without it spans are created but not exported. */
  otlpEndpoint: string | undefined;
}

export interface Tracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/** A span that serves many records (a batch) links to at most this many of their contexts. */
export const MAX_SPAN_LINKS = 128;

/**
 * Starts the OpenTelemetry SDK. A tracer provider is always registered, so
 * spans get real ids and W3C trace context flows through Kafka and webhook
 * headers even when nothing is exported; an exporter is added only when an
 * OTLP endpoint is configured. The SDK's other signals stay off: metrics are
 * prom-client's and logs pino's, and neither may reach for a default endpoint.
 */
export function startTracing(config: TracingConfig): Tracing {
  const endpoint = config.otlpEndpoint?.replace(/\/$/, '');
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    autoDetectResources: false,
    // With an exporter the SDK builds the batch processor from OTEL_BSP_* (schedule delay, queue).
    ...(endpoint
      ? { traceExporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }) }
      : { spanProcessors: [new NoopSpanProcessor()] }),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { tracer: trace.getTracer(config.serviceName), shutdown: () => sdk.shutdown() };
}

/** The tracer of the project's own spans (the service is named by the resource). */
function tracer(): Tracer {
  return trace.getTracer('meetup-analytics');
}

/**
 * Runs `work` in a new active span and ends it when `work` returns or settles;
 * a thrown error is recorded on the span (status error) and rethrown.
 */
export function withSpan<T>(
  name: string,
  options: SpanOptions,
  work: (span: Span) => T,
  parent: Context = context.active(),
): T {
  return tracer().startActiveSpan(name, options, parent, (span) => {
    const fail = (error: unknown) => {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      throw error;
    };
    let result: T;
    try {
      result = work(span);
    } catch (error) {
      return fail(error);
    }
    if (result instanceof Promise) {
      return result.then((value: unknown) => {
        span.end();
        return value;
      }, fail) as T;
    }
    span.end();
    return result;
  });
}

/** Carrier for trace context: Kafka headers, HTTP headers. */
export type TraceCarrier = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

/** Writes the active trace context (`traceparent`, `tracestate`) into message headers. */
export function injectTraceContext(carrier: TraceCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, {
    set: (c, key, value) => {
      c[key] = value;
    },
  });
}

/** Reads a trace context from message headers (Kafka gives Buffers). */
export function extractTraceContext(carrier: TraceCarrier): Context {
  return propagation.extract(context.active(), carrier, {
    keys: (c) => Object.keys(c),
    get: (c, key) => {
      const value = c[key];
      const first = Array.isArray(value) ? value[0] : value;
      return first === undefined ? undefined : first.toString();
    },
  });
}

/** The span context a record's headers carry, if they carry a valid one. */
export function spanContextOf(carrier: TraceCarrier | undefined): SpanContext | undefined {
  if (carrier === undefined) return undefined;
  const found = trace.getSpanContext(extractTraceContext(carrier));
  return found && isSpanContextValid(found) ? found : undefined;
}

/** A context whose parent is `parent` (a record's span context), for `withSpan`. */
export function contextWithParent(parent: SpanContext | undefined): Context {
  return parent ? trace.setSpanContext(context.active(), parent) : context.active();
}

/**
 * Links from a span that serves many records to the records' span contexts:
 * one per distinct context, at most `max` (the rest are counted, not linked),
 * leaving out `except` (the span's parent, already its relation).
 */
export function linksTo(
  contexts: Iterable<SpanContext | undefined>,
  except?: SpanContext,
  max = MAX_SPAN_LINKS,
): { links: Link[]; dropped: number } {
  const seen = new Set<string>(except ? [`${except.traceId}/${except.spanId}`] : []);
  const links: Link[] = [];
  let dropped = 0;
  for (const spanContext of contexts) {
    if (spanContext === undefined) continue;
    const key = `${spanContext.traceId}/${spanContext.spanId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (links.length < max) links.push({ context: spanContext });
    else dropped += 1;
  }
  return { links, dropped };
}

/**
 * `trace_id` and `span_id` of the active span, for log lines (a pino mixin); nothing
 * without one. A new object each call: pino merges the line's fields into it.
 */
export function activeSpanLogFields(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
