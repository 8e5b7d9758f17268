import { type AuthorizationContext, type Refusal, firstRefusal } from './authorizer';
import { BodyParseError, parseJsonObject } from './ndjson';
import { securityException } from './security-errors';

export const MGET_SHARD_ACTION = 'indices:data/read/mget[shard]';

export interface MultiGetDoc {
  readonly index: string;
  readonly id: unknown;
  /** The entry as sent (`docs` form), or undefined for the `ids` form. */
  readonly entry: Record<string, unknown> | undefined;
}

export interface MultiGetRequest {
  readonly body: Record<string, unknown>;
  readonly docs: MultiGetDoc[];
}

export function parseMultiGet(
  raw: Buffer,
  pathIndices: readonly string[] | undefined,
): MultiGetRequest {
  const body = parseJsonObject(raw, 'mget body');
  const pathIndex = pathIndices?.join(',');
  if (Array.isArray(body.ids)) {
    if (pathIndex === undefined) throw new BodyParseError('mget ids without an index in the path');
    return {
      body,
      docs: body.ids.map((id: unknown) => ({ index: pathIndex, id, entry: undefined })),
    };
  }
  if (!Array.isArray(body.docs)) throw new BodyParseError('mget body has neither docs nor ids');
  const docs = body.docs.map((entry, i) => {
    if (entry === null || typeof entry !== 'object')
      throw new BodyParseError(`mget doc ${i} is not an object`);
    const doc = entry as Record<string, unknown>;
    const index = typeof doc._index === 'string' ? doc._index : pathIndex;
    if (index === undefined) throw new BodyParseError(`mget doc ${i} names no index`);
    return { index, id: doc._id, entry: doc };
  });
  return { body, docs };
}

/** Multi-get authorizes each shard request on its index (`indices:data/read/mget[shard]`). */
export function multiGetRefusals(
  request: MultiGetRequest,
  context: AuthorizationContext,
): Promise<(Refusal | undefined)[]> {
  return Promise.all(
    request.docs.map((doc) =>
      firstRefusal(
        [{ kind: 'indices', action: MGET_SHARD_ACTION, names: [doc.index], literal: true }],
        context,
      ),
    ),
  );
}

/** The body with only the allowed docs (the `ids` form is all or nothing: one index). */
export function multiGetBody(request: MultiGetRequest, allowed: readonly MultiGetDoc[]): Buffer {
  const body =
    allowed[0]?.entry === undefined && allowed.length > 0
      ? request.body
      : { ...request.body, docs: allowed.map((doc) => doc.entry) };
  return Buffer.from(JSON.stringify(body));
}

/** A refused doc's entry in the response (`MultiGetResponse.Failure`). */
export function deniedDoc(doc: MultiGetDoc, reason: string): unknown {
  return { _index: doc.index, _id: doc.id, error: securityException(reason) };
}
