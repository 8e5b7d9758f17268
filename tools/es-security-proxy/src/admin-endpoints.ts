import { hasWildcard } from './glob';
import { ALIASES_ACTION, type Check, type RequestPlan, onCluster, onIndices } from './request-plan';
import { type Route, type RouteParams, route } from './router';

const on =
  (action: string) =>
  (p: RouteParams): RequestPlan =>
    onIndices(action, p.index);
const cluster = (action: string) => (): RequestPlan => onCluster(action);

/**
 * Get aliases: the indices named, else the alias names (Elasticsearch narrows
 * a request without indices to what the user may see; a literal alias name
 * the user may not see is checked here, so the gap shows).
 */
function getAliases(p: RouteParams): RequestPlan {
  const action = 'indices:admin/aliases/get';
  const aliases = (p.name ?? []).filter((name) => !hasWildcard(name) && name !== '_all');
  const checks: Check[] = p.index
    ? [{ kind: 'indices', action, names: p.index }]
    : aliases.length > 0
      ? [{ kind: 'indices', action, names: aliases, literal: true }]
      : [{ kind: 'indices', action, names: ['_all'] }];
  return { action, checks };
}

/** `PUT|DELETE /<index>/_alias/<name>`: manage on the indices and on the aliases. */
function putAlias(p: RouteParams): RequestPlan {
  return {
    action: ALIASES_ACTION,
    checks: [
      { kind: 'indices', action: ALIASES_ACTION, names: p.index ?? [] },
      { kind: 'indices', action: ALIASES_ACTION, names: p.name ?? [], literal: true },
    ],
  };
}

/** Refresh and flush: also their shard-level action, on each concrete index. */
const broadcast =
  (action: string) =>
  (p: RouteParams): RequestPlan => ({
    ...onIndices(action, p.index),
    shardAction: `${action}[s]`,
  });

function nodes(p: RouteParams): RequestPlan {
  for (const [segment, action] of [
    ['stats', 'cluster:monitor/nodes/stats'],
    ['hot_threads', 'cluster:monitor/nodes/hot_threads'],
    ['usage', 'cluster:monitor/nodes/usage'],
  ] as const) {
    if (p.rest.includes(segment)) return onCluster(action);
  }
  return onCluster('cluster:monitor/nodes/info');
}

/** `_cat/indices` gathers settings, stats, state and health. */
const catIndices = (p: RouteParams): RequestPlan => ({
  action: 'indices:monitor/stats',
  checks: [
    { kind: 'cluster', action: 'cluster:monitor/state' },
    { kind: 'cluster', action: 'cluster:monitor/health' },
    { kind: 'indices', action: 'indices:monitor/settings/get', names: p.index ?? ['_all'] },
    { kind: 'indices', action: 'indices:monitor/stats', names: p.index ?? ['_all'] },
  ],
});

const templates = (prefix: string, base: string): Route[] => [
  route('PUT,POST', `${base}/{name}`, cluster(`${prefix}/put`)),
  route('GET', base, cluster(`${prefix}/get`)),
  route('GET', `${base}/{name}`, cluster(`${prefix}/get`)),
  route('DELETE', `${base}/{name}`, cluster(`${prefix}/delete`)),
];

/** Cluster, templates, pipelines, tasks. */
export const CLUSTER_ROUTES: readonly Route[] = [
  route('GET', '/', cluster('cluster:monitor/main')),
  route('GET', '/_cluster/health', cluster('cluster:monitor/health')),
  route('GET', '/_cluster/health/{*}', cluster('cluster:monitor/health')),
  route('GET', '/_cluster/state/{*}', cluster('cluster:monitor/state')),
  route('GET', '/_cluster/settings', cluster('cluster:monitor/settings')),
  route('PUT', '/_cluster/settings', cluster('cluster:admin/settings/update')),
  route('GET', '/_cluster/stats/{*}', cluster('cluster:monitor/stats')),
  route('GET', '/_nodes/{*}', nodes),
  route('GET', '/_cat/health', cluster('cluster:monitor/health')),
  route('GET', '/_cat/indices', catIndices),
  route('GET', '/_cat/indices/{index}', catIndices),
  route('GET', '/_cat/count', on('indices:data/read/search')),
  route('GET', '/_cat/count/{index}', on('indices:data/read/search')),
  route('GET', '/_tasks', cluster('cluster:monitor/tasks/lists')),
  route('POST', '/_tasks/_cancel', cluster('cluster:admin/tasks/cancel')),
  route('GET', '/_tasks/{id}', cluster('cluster:monitor/task/get')),
  route('POST', '/_tasks/{id}/_cancel', cluster('cluster:admin/tasks/cancel')),
  route(
    'POST',
    '/_index_template/_simulate_index/{name}',
    cluster('indices:admin/index_template/simulate_index'),
  ),
  route('POST', '/_index_template/_simulate', cluster('indices:admin/index_template/simulate')),
  route(
    'POST',
    '/_index_template/_simulate/{name}',
    cluster('indices:admin/index_template/simulate'),
  ),
  ...templates('indices:admin/index_template', '/_index_template'),
  ...templates('indices:admin/template', '/_template'),
  ...templates('cluster:admin/component_template', '/_component_template'),
  route('GET', '/_ilm/status', cluster('cluster:admin/ilm/operation_mode/get')),
  route('PUT', '/_ilm/policy/{name}', cluster('cluster:admin/ilm/put')),
  route('GET', '/_ilm/policy', cluster('cluster:admin/ilm/get')),
  route('GET', '/_ilm/policy/{name}', cluster('cluster:admin/ilm/get')),
  route('DELETE', '/_ilm/policy/{name}', cluster('cluster:admin/ilm/delete')),
  route('PUT', '/_ingest/pipeline/{name}', cluster('cluster:admin/ingest/pipeline/put')),
  route('GET', '/_ingest/pipeline', cluster('cluster:admin/ingest/pipeline/get')),
  route('GET', '/_ingest/pipeline/{name}', cluster('cluster:admin/ingest/pipeline/get')),
  route('DELETE', '/_ingest/pipeline/{name}', cluster('cluster:admin/ingest/pipeline/delete')),
  route('GET', '/_security/_authenticate', () => ({
    action: 'cluster:admin/xpack/security/user/authenticate',
    checks: [],
    anyUser: true,
    local: 'authenticate',
  })),
];

/** Index administration. */
export const INDEX_ROUTES: readonly Route[] = [
  route('GET', '/_alias', getAliases),
  route('GET', '/_alias/{name}', getAliases),
  route('GET', '/_aliases', getAliases),
  route('GET', '/{index}/_alias', getAliases),
  route('GET', '/{index}/_alias/{name}', getAliases),
  route('GET', '/{index}/_aliases', getAliases),
  route('PUT,POST,DELETE', '/{index}/_alias/{name}', putAlias),
  route('PUT,POST,DELETE', '/{index}/_aliases/{name}', putAlias),
  route('POST', '/_aliases', () => ({
    action: ALIASES_ACTION,
    checks: [{ kind: 'action-name', action: ALIASES_ACTION }],
    body: 'update-aliases',
  })),
  route('GET,POST', '/_refresh', broadcast('indices:admin/refresh')),
  route('GET,POST', '/{index}/_refresh', broadcast('indices:admin/refresh')),
  route('GET,POST', '/_flush', broadcast('indices:admin/flush')),
  route('GET,POST', '/{index}/_flush', broadcast('indices:admin/flush')),
  route('POST', '/_forcemerge', on('indices:admin/forcemerge')),
  route('POST', '/{index}/_forcemerge', on('indices:admin/forcemerge')),
  route('POST', '/_cache/clear', on('indices:admin/cache/clear')),
  route('POST', '/{index}/_cache/clear', on('indices:admin/cache/clear')),
  route('GET', '/_mapping', on('indices:admin/mappings/get')),
  route('GET', '/{index}/_mapping', on('indices:admin/mappings/get')),
  route('PUT,POST', '/{index}/_mapping', on('indices:admin/mapping/put')),
  route('GET', '/_mapping/field/{name}', on('indices:admin/mappings/fields/get')),
  route('GET', '/{index}/_mapping/field/{name}', on('indices:admin/mappings/fields/get')),
  route('GET', '/_settings', on('indices:monitor/settings/get')),
  route('GET', '/_settings/{name}', on('indices:monitor/settings/get')),
  route('GET', '/{index}/_settings', on('indices:monitor/settings/get')),
  route('GET', '/{index}/_settings/{name}', on('indices:monitor/settings/get')),
  route('PUT', '/_settings', on('indices:admin/settings/update')),
  route('PUT', '/{index}/_settings', on('indices:admin/settings/update')),
  route('GET', '/_resolve/index/{index}', on('indices:admin/resolve/index')),
  route('GET', '/_stats/{*}', on('indices:monitor/stats')),
  route('GET', '/{index}/_stats/{*}', on('indices:monitor/stats')),
  route('GET', '/_segments', on('indices:monitor/segments')),
  route('GET', '/{index}/_segments', on('indices:monitor/segments')),
  route('GET', '/_recovery', on('indices:monitor/recovery')),
  route('GET', '/{index}/_recovery', on('indices:monitor/recovery')),
  route('GET', '/{index}/_ilm/explain', on('indices:admin/ilm/explain')),
  route('GET,POST', '/_validate/query', on('indices:admin/validate/query')),
  route('GET,POST', '/{index}/_validate/query', on('indices:admin/validate/query')),
  route('POST', '/{index}/_open', on('indices:admin/open')),
  route('POST', '/{index}/_close', on('indices:admin/close')),
  route('PUT', '/{index}', (p) => ({
    ...onIndices('indices:admin/create', p.index),
    // Aliases in the body need manage on them and on the index.
    body: 'create-index',
    pathIndices: p.index ?? [],
  })),
  route('DELETE', '/{index}', on('indices:admin/delete')),
  route('GET', '/{index}', on('indices:admin/get')),
];
