import { type AuthorizationContext, type Refusal, firstRefusal } from './authorizer';
import { BodyParseError, joinNdjson, namesOf, ndjsonLines, parseJsonObject } from './ndjson';
import { SEARCH_ACTION } from './request-plan';
import { securityException } from './security-errors';

export interface SearchItem {
  readonly names: readonly string[];
  /** Header and body lines, as sent. */
  readonly lines: readonly Buffer[];
}

export function parseMultiSearch(
  raw: Buffer,
  pathIndices: readonly string[] | undefined,
): SearchItem[] {
  const lines = ndjsonLines(raw);
  if (lines.length % 2 !== 0) throw new BodyParseError('msearch body is not header and body pairs');
  const items: SearchItem[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const headerLine = lines[i] ?? Buffer.alloc(0);
    const header = parseJsonObject(headerLine, `msearch header ${i / 2}`);
    const names = namesOf(header.index) ?? pathIndices ?? ['_all'];
    items.push({ names, lines: [headerLine, lines[i + 1] ?? Buffer.alloc(0)] });
  }
  return items;
}

/** Each search of a multi-search is a search, authorized on its own indices. */
export function multiSearchRefusals(
  items: readonly SearchItem[],
  context: AuthorizationContext,
): Promise<(Refusal | undefined)[]> {
  return Promise.all(
    items.map((item) =>
      firstRefusal([{ kind: 'indices', action: SEARCH_ACTION, names: item.names }], context),
    ),
  );
}

export function multiSearchBody(items: readonly SearchItem[]): Buffer {
  return joinNdjson(items.flatMap((item) => item.lines));
}

/** A refused search's entry in `responses`. */
export function deniedSearch(reason: string): unknown {
  return { error: securityException(reason), status: 403 };
}
