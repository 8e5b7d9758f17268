import { type AuthorizationContext, targetsOf } from './authorizer';
import { BodyParseError, namesOf, parseJsonObject } from './ndjson';
import { ALIASES_ACTION, type Check, SEARCH_ACTION, documentWriteChecks } from './request-plan';

/** Checks found in a body, and a final check with its own reason (alias permissions). */
export interface BodyChecks {
  readonly checks: Check[];
  readonly finalCheck?: (context: AuthorizationContext) => Promise<string | undefined>;
  /** Replaces the plan's own checks (a search on a point in time names no index). */
  readonly replacesPlan?: boolean;
}

/** Actions compared to tell whether an alias would open more than its indices. */
const COMPARED_ACTIONS = [
  'indices:data/read/search',
  'indices:data/read/get',
  'indices:data/write/index:op_type/index',
  'indices:data/write/index:op_type/create',
  'indices:data/write/update',
  'indices:data/write/delete',
  'indices:data/write/bulk[s]',
  'indices:admin/refresh',
  'indices:admin/aliases',
  'indices:admin/delete',
  'indices:admin/mapping/put',
  'indices:monitor/stats',
];

interface AliasAction {
  readonly type: 'add' | 'remove' | 'remove_index';
  readonly indices: string[];
  readonly aliases: string[];
}

function aliasActions(body: Record<string, unknown>): AliasAction[] {
  if (!Array.isArray(body.actions)) throw new BodyParseError('_aliases body has no actions');
  return body.actions.map((entry, i) => {
    const [type, ...more] = Object.keys((entry ?? {}) as object);
    if (
      type === undefined ||
      more.length > 0 ||
      !['add', 'remove', 'remove_index'].includes(type)
    ) {
      throw new BodyParseError(`_aliases action ${i} is not one add, remove or remove_index`);
    }
    const spec = ((entry as Record<string, unknown>)[type] ?? {}) as Record<string, unknown>;
    return {
      type: type as AliasAction['type'],
      indices: [...(namesOf(spec.index) ?? []), ...(namesOf(spec.indices) ?? [])],
      aliases: [...(namesOf(spec.alias) ?? []), ...(namesOf(spec.aliases) ?? [])],
    };
  });
}

/**
 * `_aliases`: manage (`indices:admin/aliases`) on every index and alias named;
 * and, as `IndicesAliasesRequestInterceptor` does, an added alias may not
 * grant more than the user has on the index.
 */
function updateAliases(body: Record<string, unknown>): BodyChecks {
  const actions = aliasActions(body);
  const checks: Check[] = actions.flatMap((a): Check[] => [
    { kind: 'indices', action: ALIASES_ACTION, names: a.indices },
    ...(a.aliases.length > 0
      ? [{ kind: 'indices', action: ALIASES_ACTION, names: a.aliases, literal: true } as const]
      : []),
  ]);
  const finalCheck = async (context: AuthorizationContext): Promise<string | undefined> => {
    for (const add of actions.filter((a) => a.type === 'add')) {
      const indices = await targetsOf(add.indices, false, context);
      const wider = indices.some(({ name: index }) =>
        add.aliases.some((alias) =>
          COMPARED_ACTIONS.some(
            (action) =>
              context.role.allowsIndexAction(action, alias) &&
              !context.role.allowsIndexAction(action, index),
          ),
        ),
      );
      if (wider) {
        return 'Adding an alias is not allowed when the alias has more permissions than any of the indices';
      }
    }
    return undefined;
  };
  return { checks, finalCheck };
}

/** Create index with aliases in the body: manage on the index and on the aliases as well. */
function createIndex(body: Record<string, unknown>, pathIndices: readonly string[]): BodyChecks {
  const aliases = body.aliases && typeof body.aliases === 'object' ? Object.keys(body.aliases) : [];
  if (aliases.length === 0) return { checks: [] };
  return {
    checks: [
      { kind: 'indices', action: ALIASES_ACTION, names: pathIndices, literal: true },
      { kind: 'indices', action: ALIASES_ACTION, names: aliases, literal: true },
    ],
  };
}

/** Reindex reads the source and bulk-writes the destination as the user. */
function reindex(body: Record<string, unknown>): BodyChecks {
  const source = (body.source ?? {}) as Record<string, unknown>;
  const dest = (body.dest ?? {}) as Record<string, unknown>;
  const destIndex = typeof dest.index === 'string' ? dest.index : undefined;
  const sourceIndices = namesOf(source.index);
  if (destIndex === undefined || (sourceIndices === undefined && source.remote === undefined)) {
    throw new BodyParseError('_reindex body names no source or destination index');
  }
  const op = dest.op_type === 'create' ? 'create' : 'index';
  return {
    checks: [
      // A remote source is read with the remote cluster's own credentials.
      ...(source.remote === undefined && sourceIndices
        ? [{ kind: 'indices', action: SEARCH_ACTION, names: sourceIndices } as const]
        : []),
      ...documentWriteChecks(op, destIndex),
    ],
  };
}

/** A search without an index in the path on a point in time is authorized by the PIT's indices. */
function search(body: Record<string, unknown>): BodyChecks {
  return body.pit === undefined ? { checks: [] } : { checks: [], replacesPlan: true };
}

export function bodyChecks(
  kind: 'update-aliases' | 'create-index' | 'reindex' | 'search',
  raw: Buffer,
  pathIndices: readonly string[],
): BodyChecks {
  const body = parseJsonObject(raw, `${kind} body`);
  switch (kind) {
    case 'update-aliases':
      return updateAliases(body);
    case 'create-index':
      return createIndex(body, pathIndices);
    case 'reindex':
      return reindex(body);
    case 'search':
      return search(body);
  }
}
