import type { AuthorizationContext, Refusal } from './authorizer';
import { bulkBody, bulkItemRefusals, deniedBulkItem, parseBulk } from './bulk';
import { deniedDoc, multiGetBody, multiGetRefusals, parseMultiGet } from './multi-get';
import {
  deniedSearch,
  multiSearchBody,
  multiSearchRefusals,
  parseMultiSearch,
} from './multi-search';

/**
 * A request of many items Elasticsearch authorizes one by one (bulk,
 * multi-get, multi-search): refused items get an error entry in the answer,
 * the others run.
 */
export interface MultiItem {
  readonly count: number;
  readonly refusals: readonly (Refusal | undefined)[];
  /** The array of the answer that holds one entry per item, in order. */
  readonly key: 'items' | 'docs' | 'responses';
  /** The body with only the items at these positions. */
  body(positions: readonly number[]): Buffer;
  /** The entry of a refused item. */
  denied(position: number, reason: string): unknown;
  /** The whole answer when every item is refused. */
  allDenied(entries: unknown[]): Record<string, unknown>;
}

function at<T>(items: readonly T[], position: number): T {
  const item = items[position];
  if (item === undefined) throw new RangeError(`no item at ${position}`);
  return item;
}

export async function multiItem(
  kind: 'bulk' | 'mget' | 'msearch',
  raw: Buffer,
  pathIndices: readonly string[] | undefined,
  context: AuthorizationContext,
): Promise<MultiItem> {
  switch (kind) {
    case 'bulk': {
      const items = parseBulk(raw, pathIndices);
      return {
        count: items.length,
        refusals: await bulkItemRefusals(items, context),
        key: 'items',
        body: (positions) => bulkBody(positions.map((p) => at(items, p))),
        denied: (position, reason) => deniedBulkItem(at(items, position), reason),
        allDenied: (entries) => ({ errors: true, took: 0, items: entries }),
      };
    }
    case 'mget': {
      const request = parseMultiGet(raw, pathIndices);
      return {
        count: request.docs.length,
        refusals: await multiGetRefusals(request, context),
        key: 'docs',
        body: (positions) =>
          multiGetBody(
            request,
            positions.map((p) => at(request.docs, p)),
          ),
        denied: (position, reason) => deniedDoc(at(request.docs, position), reason),
        allDenied: (entries) => ({ docs: entries }),
      };
    }
    case 'msearch': {
      const items = parseMultiSearch(raw, pathIndices);
      return {
        count: items.length,
        refusals: await multiSearchRefusals(items, context),
        key: 'responses',
        body: (positions) => multiSearchBody(positions.map((p) => at(items, p))),
        denied: (_position, reason) => deniedSearch(reason),
        allDenied: (entries) => ({ took: 0, responses: entries }),
      };
    }
  }
}

/**
 * The upstream answer for the allowed items with the refused items' entries
 * put back in their places; undefined when the answer is not one entry per
 * allowed item (an error of the whole request, passed on as it is).
 */
export function mergeAnswer(
  request: MultiItem,
  answer: Record<string, unknown>,
  deniedEntries: ReadonlyMap<number, unknown>,
): Record<string, unknown> | undefined {
  const upstreamEntries = answer[request.key];
  if (
    !Array.isArray(upstreamEntries) ||
    upstreamEntries.length !== request.count - deniedEntries.size
  ) {
    return undefined;
  }
  let next = 0;
  const fromUpstream = upstreamEntries as unknown[];
  const entries = Array.from({ length: request.count }, (_, position): unknown =>
    deniedEntries.has(position) ? deniedEntries.get(position) : fromUpstream[next++],
  );
  return {
    ...answer,
    [request.key]: entries,
    ...(request.key === 'items' ? { errors: true } : {}),
  };
}
