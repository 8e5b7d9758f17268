import { Writable } from 'node:stream';
import { SpanStatusCode, TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { createLogger } from './logger';
import {
  contextWithParent,
  injectTraceContext,
  linksTo,
  spanContextOf,
  startTracing,
  withSpan,
  type Span,
  type TraceCarrier,
  type Tracing,
} from './tracing';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

function spanContext(traceId: string, spanId: string): SpanContext {
  return { traceId, spanId, traceFlags: TraceFlags.SAMPLED };
}

let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ serviceName: 'tracing-spec', otlpEndpoint: undefined });
});
afterAll(() => tracing.shutdown());

describe('tracing without an exporter', () => {
  it('gives spans real ids and writes their context into headers, keeping the others', () => {
    const headers: TraceCarrier = { 'ingestor.source': 'sim' };
    const span = withSpan('ingestor.batch', {}, (active) => {
      injectTraceContext(headers);
      return active;
    });
    const [, traceId, spanId] = TRACEPARENT.exec(String(headers.traceparent)) ?? [];
    expect(traceId).toBe(span.spanContext().traceId);
    expect(spanId).toBe(span.spanContext().spanId);
    expect(headers['ingestor.source']).toBe('sim');
  });

  it('reads the context back from Kafka headers (Buffers) and continues the trace', () => {
    const headers: TraceCarrier = {};
    const producer = withSpan('producer', {}, (span) => {
      injectTraceContext(headers);
      return span.spanContext();
    });
    const received = spanContextOf({ traceparent: Buffer.from(String(headers.traceparent)) });
    expect(received).toMatchObject({ traceId: producer.traceId, spanId: producer.spanId });
    const consumer = withSpan('consumer', {}, (span) => span, contextWithParent(received));
    expect(consumer.spanContext().traceId).toBe(producer.traceId);
    expect((consumer as unknown as ReadableSpan).parentSpanContext?.spanId).toBe(producer.spanId);
  });

  it('finds no context in headers without a valid traceparent', () => {
    expect(spanContextOf(undefined)).toBeUndefined();
    expect(spanContextOf({ 'ingestor.source': 'sim' })).toBeUndefined();
    expect(spanContextOf({ traceparent: '00-0-0-01' })).toBeUndefined();
  });

  it('starts a new trace for a span without a parent', () => {
    const first = withSpan('one', {}, (span) => span.spanContext().traceId);
    const second = withSpan('two', {}, (span) => span.spanContext().traceId);
    expect(first).not.toBe(second);
  });

  it('ends a span when its async work settles, and marks a failure as an error', async () => {
    let ended: Span | undefined;
    await expect(
      withSpan('failing', {}, async (span) => {
        ended = span;
        await Promise.resolve();
        throw new Error('bulk request failed');
      }),
    ).rejects.toThrow('bulk request failed');
    expect(ended?.isRecording()).toBe(false);
    const readable = ended as unknown as ReadableSpan;
    expect(readable.status.code).toBe(SpanStatusCode.ERROR);
    expect(readable.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('ends a span when its synchronous work returns or throws', () => {
    let kept: Span | undefined;
    expect(() =>
      withSpan('validate', {}, (span) => {
        kept = span;
        throw new Error('not json');
      }),
    ).toThrow('not json');
    expect(kept?.isRecording()).toBe(false);
    expect(withSpan('validate', {}, () => 42)).toBe(42);
  });
});

describe('links from a span serving many records', () => {
  const a = spanContext('a'.repeat(32), '1'.repeat(16));
  const b = spanContext('b'.repeat(32), '2'.repeat(16));

  it('links each distinct context once and leaves out the parent and records without one', () => {
    const { links, dropped } = linksTo([a, b, undefined, b, a], a);
    expect(links.map((l) => l.context)).toEqual([b]);
    expect(dropped).toBe(0);
  });

  it('links at most the bound and counts the contexts left out', () => {
    const many = Array.from({ length: 200 }, (_, i) =>
      spanContext('c'.repeat(32), i.toString(16).padStart(16, '0')),
    );
    const { links, dropped } = linksTo(many);
    expect(links).toHaveLength(128);
    expect(dropped).toBe(72);
  });
});

describe('log lines inside a span', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { lines, logger: createLogger({ serviceName: 's', level: 'info' }, destination) };
  }

  it('carry the trace and span ids of the active span', () => {
    const { lines, logger } = capture();
    const ids = withSpan('aggregator.batch', {}, (span) => {
      logger.info('batch applied');
      return span.spanContext();
    });
    expect(lines[0]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
  });

  it('carry no trace fields outside a span, and each line only its own fields', () => {
    const { lines, logger } = capture();
    logger.info({ prerequisite: 'topics' }, 'waiting');
    logger.info('started');
    expect(lines[0]).toMatchObject({ prerequisite: 'topics' });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('prerequisite');
    expect(lines[1]).not.toHaveProperty('span_id');
  });
});
