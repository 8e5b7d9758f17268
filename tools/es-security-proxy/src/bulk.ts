import { randomBytes } from 'node:crypto';
import { type AuthorizationContext, type Refusal, firstRefusal } from './authorizer';
import { BodyParseError, joinNdjson, ndjsonLines, parseJsonObject } from './ndjson';
import { type WriteOp, documentWriteChecks } from './request-plan';

export interface BulkItem {
  readonly op: WriteOp;
  readonly index: string;
  readonly id: string | undefined;
  /** The action line and, but for deletes, the source line, as sent. */
  readonly lines: readonly Buffer[];
}

const OPS = new Set<string>(['index', 'create', 'update', 'delete']);

/**
 * The items of a `_bulk` body. A body Elasticsearch would reject as a whole
 * (bad JSON, unknown operation, no index) throws: the proxy refuses it
 * rather than guess what Elasticsearch would authorize.
 */
export function parseBulk(body: Buffer, pathIndices: readonly string[] | undefined): BulkItem[] {
  const lines = ndjsonLines(body);
  const items: BulkItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const actionLine = lines[i];
    if (actionLine === undefined) break;
    const action = parseJsonObject(actionLine, `bulk line ${i + 1}`);
    const [op, ...more] = Object.keys(action);
    if (op === undefined || more.length > 0 || !OPS.has(op)) {
      throw new BodyParseError(
        `bulk line ${i + 1} is not one index, create, update or delete action`,
      );
    }
    const meta = action[op] as Record<string, unknown> | null;
    const index = typeof meta?._index === 'string' ? meta._index : pathIndices?.join(',');
    if (index === undefined || index === '') {
      throw new BodyParseError(`bulk line ${i + 1} names no index`);
    }
    const id = typeof meta?._id === 'string' ? meta._id : undefined;
    const itemLines = op === 'delete' ? [actionLine] : [actionLine, lines[++i]];
    if (itemLines.some((line) => line === undefined)) {
      throw new BodyParseError(`bulk line ${i + 1} has no source line`);
    }
    items.push({ op: op as WriteOp, index, id, lines: itemLines as Buffer[] });
  }
  return items;
}

/**
 * Each item's refusal, as Elasticsearch authorizes items: auto-creation of a
 * missing index, then the shard bulk and the item's action on the name as written.
 */
export async function bulkItemRefusals(
  items: readonly BulkItem[],
  context: AuthorizationContext,
): Promise<(Refusal | undefined)[]> {
  const cache = new Map<string, Promise<Refusal | undefined>>();
  return Promise.all(
    items.map((item) => {
      const key = `${item.op}\u0000${item.index}`;
      let refusal = cache.get(key);
      if (!refusal) {
        refusal = firstRefusal(documentWriteChecks(item.op, item.index), context);
        cache.set(key, refusal);
      }
      return refusal;
    }),
  );
}

export function bulkBody(items: readonly BulkItem[]): Buffer {
  return joinNdjson(items.flatMap((item) => item.lines));
}

/** Elasticsearch generates the id of a create without one before authorizing it. */
const generatedId = (): string => randomBytes(15).toString('base64url');

/** A refused item's entry in the bulk response (`BulkItemResponse.Failure`). */
export function deniedBulkItem(item: BulkItem, reason: string): unknown {
  return {
    [item.op]: {
      _index: item.index,
      _id: item.id ?? generatedId(),
      status: 403,
      error: { type: 'security_exception', reason },
    },
  };
}
