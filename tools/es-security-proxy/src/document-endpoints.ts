import {
  BULK_ACTION,
  DELETE_ACTION,
  INDEX_ACTION,
  type RequestPlan,
  SEARCH_ACTION,
  UPDATE_ACTION,
  type WriteOp,
  documentWriteChecks,
  onIndices,
} from './request-plan';
import { type Route, type RouteParams, route } from './router';

/** The single index a document API names (`/<index>/_doc/<id>`). */
const single = (p: RouteParams): string => p.index?.join(',') ?? '';

/**
 * Index and create run as a one-item bulk: the request's action on its name
 * only, then what any bulk write of that document needs.
 */
function documentWrite(op: WriteOp, p: RouteParams): RequestPlan {
  const action = op === 'delete' ? DELETE_ACTION : INDEX_ACTION;
  return {
    action,
    checks: [{ kind: 'action-name', action }, ...documentWriteChecks(op, single(p))],
  };
}

function update(p: RouteParams): RequestPlan {
  const name = single(p);
  return {
    action: UPDATE_ACTION,
    checks: [
      { kind: 'indices', action: UPDATE_ACTION, names: [name], literal: true },
      { kind: 'auto-create', names: [name] },
    ],
  };
}

const indexOp = (q: URLSearchParams): WriteOp =>
  q.get('op_type') === 'create' ? 'create' : 'index';

/**
 * Delete and update by query search the indices as the user, then write the
 * hits back through bulk (item actions delete, and index for update).
 */
function byQuery(action: string, op: WriteOp, p: RouteParams): RequestPlan {
  const names = p.index ?? ['_all'];
  return {
    action,
    checks: [
      { kind: 'indices', action, names },
      { kind: 'indices', action: SEARCH_ACTION, names },
      { kind: 'indices', action: 'indices:data/write/bulk[s]', names },
      {
        kind: 'indices',
        action: `indices:data/write/${op === 'delete' ? 'delete' : 'index:op_type/index'}`,
        names,
      },
    ],
  };
}

const search = (p: RouteParams): RequestPlan => ({
  ...onIndices(SEARCH_ACTION, p.index),
  // Without an index in the path, the body may name a point in time instead.
  ...(p.index ? {} : { body: 'search' as const }),
});

const composite =
  (action: string, body: 'mget' | 'msearch' | 'bulk') =>
  (p: RouteParams): RequestPlan => ({
    action,
    checks: [{ kind: 'action-name', action }],
    ...(p.index ? { pathIndices: p.index } : {}),
    body,
  });

const anyUser = (action: string) => (): RequestPlan => ({ action, checks: [], anyUser: true });

const on =
  (action: string) =>
  (p: RouteParams): RequestPlan =>
    onIndices(action, p.index);

/** Reading, searching and writing documents. */
export const DOCUMENT_ROUTES: readonly Route[] = [
  route('GET,POST', '/_search/scroll', anyUser('indices:data/read/scroll')),
  route('GET,POST', '/_search/scroll/{id}', anyUser('indices:data/read/scroll')),
  route('DELETE', '/_search/scroll', anyUser('indices:data/read/scroll/clear')),
  route('DELETE', '/_search/scroll/{id}', anyUser('indices:data/read/scroll/clear')),
  route('DELETE', '/_pit', anyUser('indices:data/read/close_point_in_time')),
  route('GET,POST', '/_search', search),
  route('GET,POST', '/{index}/_search', search),
  route('POST', '/{index}/_pit', on('indices:data/read/open_point_in_time')),
  // `_count` runs a size-0 search.
  route('GET,POST', '/_count', on(SEARCH_ACTION)),
  route('GET,POST', '/{index}/_count', on(SEARCH_ACTION)),
  route('GET,POST', '/_msearch', composite('indices:data/read/msearch', 'msearch')),
  route('GET,POST', '/{index}/_msearch', composite('indices:data/read/msearch', 'msearch')),
  route('GET,POST', '/_mget', composite('indices:data/read/mget', 'mget')),
  route('GET,POST', '/{index}/_mget', composite('indices:data/read/mget', 'mget')),
  route('POST,PUT', '/_bulk', composite(BULK_ACTION, 'bulk')),
  route('POST,PUT', '/{index}/_bulk', composite(BULK_ACTION, 'bulk')),
  route('GET,HEAD', '/{index}/_doc/{id}', on('indices:data/read/get')),
  route('GET,HEAD', '/{index}/_source/{id}', on('indices:data/read/get')),
  route('PUT,POST', '/{index}/_doc/{id}', (p, q) => documentWrite(indexOp(q), p)),
  // An id the server generates makes the write a create.
  route('POST', '/{index}/_doc', (p) => documentWrite('create', p)),
  route('PUT,POST', '/{index}/_create/{id}', (p) => documentWrite('create', p)),
  route('DELETE', '/{index}/_doc/{id}', (p) => documentWrite('delete', p)),
  route('POST', '/{index}/_update/{id}', update),
  route('POST', '/{index}/_delete_by_query', (p) =>
    byQuery('indices:data/write/delete/byquery', 'delete', p),
  ),
  route('POST', '/{index}/_update_by_query', (p) =>
    byQuery('indices:data/write/update/byquery', 'index', p),
  ),
  route('POST', '/_reindex', () => ({
    action: 'indices:data/write/reindex',
    checks: [{ kind: 'action-name', action: 'indices:data/write/reindex' }],
    body: 'reindex',
  })),
  route('GET,POST', '/{index}/_explain/{id}', on('indices:data/read/explain')),
  route('GET,POST', '/{index}/_termvectors', on('indices:data/read/tv')),
  route('GET,POST', '/{index}/_termvectors/{id}', on('indices:data/read/tv')),
  route('GET,POST', '/_field_caps', on('indices:data/read/field_caps')),
  route('GET,POST', '/{index}/_field_caps', on('indices:data/read/field_caps')),
  route('GET,POST', '/{index}/_terms_enum', on('indices:data/read/xpack/termsenum/list')),
  route('GET,POST', '/_search_shards', on('indices:admin/shards/search_shards')),
  route('GET,POST', '/{index}/_search_shards', on('indices:admin/shards/search_shards')),
];
