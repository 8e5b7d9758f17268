import type { estypes } from '@elastic/elasticsearch';
import { chunkBySize } from '@meetup/size-chunks';

/** A document to index (create or replace). */
export interface BulkDocument<Ref> {
  index: string;
  /** Omitted: Elasticsearch picks one (lines that are never rewritten, such as history). */
  id?: string;
  doc: object;
  /** External version: an older or equal one is answered 409, which means "already newer". */
  version?: number;
  /** The caller's handle on the document (its Kafka record, say), handed back if it is dropped. */
  ref: Ref;
}

/** A document to delete; one already gone (404) counts as deleted. */
export interface BulkDeletion<Ref> {
  delete: true;
  index: string;
  id: string;
  ref: Ref;
}

export type BulkOperation<Ref> = BulkDocument<Ref> | BulkDeletion<Ref>;

/** A document Elasticsearch refused for good (a mapping error, say): retrying cannot help. */
export interface DroppedDocument<Ref> {
  ref: Ref;
  operation: BulkOperation<Ref>;
  status: number;
  /** Elasticsearch's error type and reason. */
  reason: string;
}

/** What one bulk request did to its operations. */
export interface BulkRequestOutcome<Ref> {
  /** To send again: answered 429/502/503/504, or all of them when the request failed. */
  retry: EncodedOperation<Ref>[];
  dropped: DroppedDocument<Ref>[];
  stored: number;
  /** Why the request failed as a whole. */
  error?: unknown;
}

/** An operation as it goes on the wire: its NDJSON lines, serialized once, and their size. */
export interface EncodedOperation<Ref> {
  operation: BulkOperation<Ref>;
  lines: string[];
  /** UTF-8 bytes of the lines, newlines included. */
  bytes: number;
}

export function encodeOperation<Ref>(operation: BulkOperation<Ref>): EncodedOperation<Ref> {
  const target = {
    _index: operation.index,
    ...(operation.id === undefined ? {} : { _id: operation.id }),
  };
  const lines =
    'delete' in operation
      ? [JSON.stringify({ delete: target })]
      : [
          JSON.stringify({
            index:
              operation.version === undefined
                ? target
                : { ...target, version: operation.version, version_type: 'external' },
          }),
          JSON.stringify(operation.doc),
        ];
  const bytes = lines.reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8') + 1, 0);
  return { operation, lines, bytes };
}

/**
 * Consecutive groups of at most `flushBytes` each, in order; an operation larger than that
 * goes alone (Elasticsearch refuses it or not: splitting a document is not an option).
 */
export function chunkByBytes<T extends { bytes: number }>(
  items: readonly T[],
  flushBytes: number,
): T[][] {
  return chunkBySize(items, (item) => item.bytes, flushBytes);
}

/**
 * Statuses of a document that may succeed later: Elasticsearch pushes back (429) or a node
 * or shard is away (502, 503, 504). Anything else 4xx/5xx is about the document itself.
 */
const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export type ItemOutcome = 'stored' | 'retry' | 'dropped';

/** What one item of a bulk response means for its operation. */
export function classifyItem(
  operation: BulkOperation<unknown>,
  status: number | undefined,
): ItemOutcome {
  // A response without the item (never seen, but not a reason to lose the document).
  if (status === undefined) return 'retry';
  if (status < 300) return 'stored';
  const deletion = 'delete' in operation;
  // An external version not above the stored one: the stored document is as new or newer.
  if (status === 409 && !deletion && operation.version !== undefined) return 'stored';
  if (status === 404 && deletion) return 'stored';
  return RETRIABLE_STATUSES.has(status) ? 'retry' : 'dropped';
}

/** The status and error of a bulk response item, whatever its action. */
export function itemResult(
  item: estypes.BulkResponse['items'][number] | undefined,
): estypes.BulkResponseItem | undefined {
  return item === undefined ? undefined : Object.values(item)[0];
}

/** Elasticsearch's words for a refused document: type, reason and the cause under it. */
export function itemErrorReason(error: estypes.ErrorCause | undefined): string {
  if (!error) return 'rejected';
  const parts = [error.type, error.reason ?? undefined, error.caused_by?.reason ?? undefined];
  return parts.filter((part): part is string => typeof part === 'string' && part !== '').join(': ');
}

/** Each operation's fate from the response's items (same order as the request). */
export function outcomeOf<Ref>(
  response: estypes.BulkResponse,
  pending: readonly EncodedOperation<Ref>[],
): BulkRequestOutcome<Ref> {
  const outcome: BulkRequestOutcome<Ref> = { retry: [], dropped: [], stored: 0 };
  pending.forEach((encoded, i) => {
    const item = itemResult(response.items[i]);
    switch (classifyItem(encoded.operation, item?.status)) {
      case 'stored':
        outcome.stored += 1;
        return;
      case 'retry':
        outcome.retry.push(encoded);
        return;
      case 'dropped':
        outcome.dropped.push({
          ref: encoded.operation.ref,
          operation: encoded.operation,
          status: item?.status ?? 0,
          reason: itemErrorReason(item?.error),
        });
    }
  });
  return outcome;
}
