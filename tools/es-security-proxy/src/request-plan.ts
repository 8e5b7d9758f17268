/**
 * What one REST request needs from the security layer, in the order
 * Elasticsearch checks it. The transport action names are Elasticsearch's.
 */
export type Check =
  /** A cluster action (index templates included). */
  | { kind: 'cluster'; action: string }
  /** A composite request's first check: some index privilege grants the action, on any index. */
  | { kind: 'action-name'; action: string }
  /**
   * An index action on the names as requested (indices, aliases); wildcard
   * expressions are expanded to the concrete indices they match.
   */
  | { kind: 'indices'; action: string; names: readonly string[]; literal?: boolean }
  /** A write to a name that does not exist auto-creates it (`indices:admin/auto_create`). */
  | { kind: 'auto-create'; names: readonly string[] };

/** Requests whose targets are in the body; the proxy buffers those bodies. */
export type BodyKind =
  'bulk' | 'mget' | 'msearch' | 'update-aliases' | 'create-index' | 'search' | 'reindex';

export interface RequestPlan {
  /** The transport action the request starts with (for denials of the whole request). */
  readonly action: string;
  readonly checks: readonly Check[];
  /** The index expression of the path (`/<index>/_bulk`), the default of the body's items. */
  readonly pathIndices?: readonly string[];
  readonly body?: BodyKind;
  /**
   * Scroll continuation, clear scroll, close point in time: no index in the
   * request; Elasticsearch ties them to the search that opened them.
   */
  readonly anyUser?: boolean;
  /** Answered by the proxy itself. */
  readonly local?: 'authenticate';
  /**
   * Broadcast actions whose shard-level action (`indices:admin/refresh[s]`)
   * Elasticsearch authorizes again on each concrete index behind an alias.
   */
  readonly shardAction?: string;
  /** The proxy does not know the endpoint: it denies it. */
  readonly unknown?: true;
}

export const INDEX_ACTION = 'indices:data/write/index';
export const BULK_ACTION = 'indices:data/write/bulk';
export const BULK_SHARD_ACTION = 'indices:data/write/bulk[s]';
export const AUTO_CREATE_ACTION = 'indices:admin/auto_create';
export const DELETE_ACTION = 'indices:data/write/delete';
export const UPDATE_ACTION = 'indices:data/write/update';
export const SEARCH_ACTION = 'indices:data/read/search';
export const ALIASES_ACTION = 'indices:admin/aliases';

/** The action a bulk item is authorized with (`AuthorizationService.getAction(BulkItemRequest)`). */
export type WriteOp = 'index' | 'create' | 'update' | 'delete';

export function itemAction(op: WriteOp): string {
  switch (op) {
    case 'index':
      return 'indices:data/write/index:op_type/index';
    case 'create':
      return 'indices:data/write/index:op_type/create';
    case 'update':
      return UPDATE_ACTION;
    case 'delete':
      return DELETE_ACTION;
  }
}

/**
 * What a write of one document to `name` is authorized with, after the request
 * itself: auto-creation of a missing index (not for deletes), the shard bulk
 * on the name as requested, then the item's own action.
 */
export function documentWriteChecks(op: WriteOp, name: string): Check[] {
  return [
    ...(op === 'delete' ? [] : [{ kind: 'auto-create', names: [name] } as const]),
    { kind: 'indices', action: BULK_SHARD_ACTION, names: [name], literal: true },
    { kind: 'indices', action: itemAction(op), names: [name], literal: true },
  ];
}

/** The plan of an action on the indices of the request (all of them when none is named). */
export function onIndices(action: string, names: readonly string[] | undefined): RequestPlan {
  return { action, checks: [{ kind: 'indices', action, names: names ?? ['_all'] }] };
}

export function onCluster(action: string): RequestPlan {
  return { action, checks: [{ kind: 'cluster', action }] };
}
