import { propagation, context, trace, type Context, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingConfig {
  serviceName: string;
  /** OTLP/HTTP base URL (`http://collector:4318`); without it spans are created but not exported. */
  otlpEndpoint: string | undefined;
}

export interface Tracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK. Context propagation (W3C trace context) is
 * always on, so trace ids flow through Kafka headers even when nothing is
 * exported; an exporter is added only when an OTLP endpoint is configured.
 */
export function startTracing(config: TracingConfig): Tracing {
  const spanProcessors = config.otlpEndpoint
    ? [
        new BatchSpanProcessor({
          exporter: new OTLPTraceExporter({
            url: `${config.otlpEndpoint.replace(/\/$/, '')}/v1/traces`,
          }),
        }),
      ]
    : [];
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }),
    autoDetectResources: false,
    spanProcessors,
    instrumentations: [],
  });
  sdk.start();
  return { tracer: trace.getTracer(config.serviceName), shutdown: () => sdk.shutdown() };
}

/** Carrier for trace context: Kafka headers, HTTP headers. */
export type TraceCarrier = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

/** Writes the active trace context into message headers. */
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

/** The trace id of the active span, for log correlation. */
export function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}
