import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { freePort } from '@meetup/test-support';

/** A span as the receiver decoded it from OTLP/HTTP protobuf (the fields the tests read). */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: SpanKindName;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
  /** `error` when the span's status is error. */
  status: 'unset' | 'ok' | 'error';
}

export interface ReceivedRequest {
  method: string;
  path: string;
  /** service.name of each resource a trace export carried. */
  services: string[];
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
type SpanKindName = (typeof KINDS)[number];
const STATUSES = ['unset', 'ok', 'error'] as const;

/**
 * An in-process OTLP/HTTP collector on loopback: accepts `POST /v1/traces`
 * (protobuf, the project's exporter), keeps every span, and records every
 * request whatever its path, so a test also sees exports it did not expect.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;
  private port = 0;

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = await freePort();
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        (status) => response.writeHead(status, { 'content-type': 'application/x-protobuf' }).end(),
        () => response.writeHead(400).end(),
      );
    });
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async handle(request: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    const path = request.url ?? '/';
    const method = request.method ?? '';
    if (method !== 'POST' || path !== '/v1/traces') {
      this.requests.push({ method, path, services: [] });
      return 404;
    }
    const spans = decodeExportTraceServiceRequest(body);
    this.requests.push({ method, path, services: [...new Set(spans.map((s) => s.service))] });
    this.spans.push(...spans);
    return 200;
  }
}

/** A record of a topic with the trace context its producer put in its headers. */
export interface TracedRecord {
  rsvpId: string;
  partition: number;
  offset: string;
  traceId: string;
  spanId: string;
}

/** The trace of one RSVP as the receiver holds it: service, span, ids and relation, as a tree. */
export function describeTrace(
  record: TracedRecord,
  ingestorBatch: ReceivedSpan,
  aggregatorBatch: ReceivedSpan,
  all: readonly ReceivedSpan[],
): string {
  const line = (span: ReceivedSpan, depth: number, relation: string) =>
    `${'  '.repeat(depth)}${span.service} ${span.name} [${span.kind}] trace=${span.traceId} span=${span.spanId} ${relation}`;
  const lines = [
    `trace of RSVP ${record.rsvpId} (partition ${record.partition}, offset ${record.offset}):`,
    line(ingestorBatch, 0, 'root'),
  ];
  const relation =
    aggregatorBatch.parentSpanId === ingestorBatch.spanId
      ? `parent=${aggregatorBatch.parentSpanId}`
      : `parent=${aggregatorBatch.parentSpanId || '-'} link→${ingestorBatch.spanId}`;
  const walk = (span: ReceivedSpan, depth: number, how: string) => {
    lines.push(
      line(span, depth, how) +
        (span.links.length > 0 ? ` links=${span.links.length}` : '') +
        ` ${JSON.stringify(span.attributes)}`,
    );
    for (const child of all.filter(
      (s) => s.traceId === span.traceId && s.parentSpanId === span.spanId,
    )) {
      walk(child, depth + 1, `parent=${span.spanId}`);
    }
  };
  walk(aggregatorBatch, 1, relation);
  return lines.join('\n');
}

// --- A minimal protobuf reader for opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.
// The exporter sends protobuf only and @opentelemetry/otlp-transformer ships no .proto files or
// decoder, so the few messages the tests read are decoded by field number (trace.proto).

type Field = { wire: 0; value: number } | { wire: 2; value: Buffer } | { wire: 1 | 5 };

function fieldsOf(buffer: Buffer): Map<number, Field[]> {
  const fields = new Map<number, Field[]>();
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = buffer[pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  while (pos < buffer.length) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    let field: Field;
    if (wire === 0) field = { wire, value: varint() };
    else if (wire === 2) {
      const length = varint();
      field = { wire, value: buffer.subarray(pos, pos + length) };
      pos += length;
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      field = { wire };
    } else throw new Error(`unsupported wire type ${wire}`);
    fields.set(number, [...(fields.get(number) ?? []), field]);
  }
  return fields;
}

function messages(fields: Map<number, Field[]>, number: number): Map<number, Field[]>[] {
  return (fields.get(number) ?? []).flatMap((f) => (f.wire === 2 ? [fieldsOf(f.value)] : []));
}

function bytes(fields: Map<number, Field[]>, number: number): Buffer {
  const field = fields.get(number)?.[0];
  return field?.wire === 2 ? field.value : Buffer.alloc(0);
}

function varintOf(fields: Map<number, Field[]>, number: number): number {
  const field = fields.get(number)?.[0];
  return field?.wire === 0 ? field.value : 0;
}

/** KeyValue (1 key, 2 AnyValue: 1 string, 2 bool, 3 int; others are not read). */
function attributesOf(keyValues: Map<number, Field[]>[]): ReceivedSpan['attributes'] {
  const attributes: ReceivedSpan['attributes'] = {};
  for (const keyValue of keyValues) {
    const key = bytes(keyValue, 1).toString();
    const [value] = messages(keyValue, 2);
    if (!value) continue;
    if (value.has(1)) attributes[key] = bytes(value, 1).toString();
    else if (value.has(2)) attributes[key] = varintOf(value, 2) === 1;
    else if (value.has(3)) attributes[key] = varintOf(value, 3);
  }
  return attributes;
}

/** ResourceSpans (1 resource, 2 scope spans) → ScopeSpans (2 spans) → Span. */
export function decodeExportTraceServiceRequest(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of messages(fieldsOf(body), 1)) {
    const [resource] = messages(resourceSpans, 1);
    const service = String(attributesOf(resource ? messages(resource, 1) : [])['service.name']);
    for (const scopeSpans of messages(resourceSpans, 2)) {
      for (const span of messages(scopeSpans, 2)) spans.push(spanOf(span, service));
    }
  }
  return spans;
}

/** Span: 1 trace id, 2 span id, 4 parent, 5 name, 6 kind, 9 attributes, 13 links, 15 status (3 code). */
function spanOf(span: Map<number, Field[]>, service: string): ReceivedSpan {
  const [status] = messages(span, 15);
  return {
    service,
    traceId: bytes(span, 1).toString('hex'),
    spanId: bytes(span, 2).toString('hex'),
    parentSpanId: bytes(span, 4).toString('hex'),
    name: bytes(span, 5).toString(),
    kind: KINDS[varintOf(span, 6)] ?? 'unspecified',
    attributes: attributesOf(messages(span, 9)),
    links: messages(span, 13).map((link) => ({
      traceId: bytes(link, 1).toString('hex'),
      spanId: bytes(link, 2).toString('hex'),
    })),
    status: STATUSES[status ? varintOf(status, 3) : 0] ?? 'unset',
  };
}
