/**
 * The named privileges of Elasticsearch 9.2 and the action patterns each
 * grants, transcribed from `IndexPrivilege.java` and
 * `ClusterPrivilegeResolver.java` (x-pack/plugin/core, security/authz/privilege).
 * Privileges this proxy cannot enforce (conditional ones, failure-store
 * selectors) are listed with the patterns they grant on regular data so a role
 * naming them still loads, as it would in Elasticsearch.
 */
export interface PrivilegeDefinition {
  readonly name: string;
  readonly patterns: readonly string[];
  /** Patterns taken out again (`manage` is everything on the cluster but security). */
  readonly except?: readonly string[];
}

const define = (
  name: string,
  patterns: readonly string[],
  except?: readonly string[],
): PrivilegeDefinition => (except ? { name, patterns, except } : { name, patterns });

const FIELD_CAPS = 'indices:data/read/field_caps*';
const RESOLVE_INDEX = 'indices:admin/resolve/index';
const RESOLVE_CLUSTER = 'indices:admin/resolve/cluster';
const SEARCH_SHARDS = ['indices:admin/shards/search_shards', 'indices:admin/search/search_shards'];
const SIMULATE_BULK = 'indices:data/write/simulate/bulk*';
const ROLLUP_CAPS = 'indices:data/read/xpack/rollup/get/index/caps*';

export const INDEX_PRIVILEGES: readonly PrivilegeDefinition[] = [
  define('none', []),
  define('all', ['indices:*', 'internal:transport/proxy/indices:*']),
  define('read', ['indices:data/read/*', RESOLVE_INDEX, RESOLVE_CLUSTER]),
  define('read_cross_cluster', [
    'internal:transport/proxy/indices:data/read/*',
    ...SEARCH_SHARDS,
    RESOLVE_CLUSTER,
    'indices:data/read/esql',
    'indices:data/read/esql/compute',
  ]),
  define('create', ['indices:data/write/index*', 'indices:data/write/bulk*', SIMULATE_BULK]),
  define('create_doc', [
    'indices:data/write/index',
    'indices:data/write/index[*',
    'indices:data/write/index:op_type/create',
    'indices:data/write/bulk*',
    SIMULATE_BULK,
  ]),
  define('index', [
    'indices:data/write/index*',
    'indices:data/write/bulk*',
    'indices:data/write/update*',
    SIMULATE_BULK,
  ]),
  define('delete', ['indices:data/write/delete*', 'indices:data/write/bulk*']),
  define('write', ['indices:data/write/*', 'indices:admin/mapping/auto_put']),
  define('monitor', ['indices:monitor/*']),
  define('manage', ['indices:monitor/*', 'indices:admin/*', FIELD_CAPS, ROLLUP_CAPS]),
  define('create_index', [
    'indices:admin/create',
    'indices:admin/auto_create',
    'indices:admin/data_stream/create',
  ]),
  define('delete_index', ['indices:admin/delete', 'indices:admin/data_stream/delete']),
  define('view_index_metadata', [
    'indices:admin/aliases/get',
    'indices:admin/get',
    'indices:admin/mappings/fields/get*',
    'indices:admin/mappings/get',
    ...SEARCH_SHARDS,
    'indices:admin/validate/query*',
    'indices:monitor/settings/get',
    'indices:admin/ilm/explain',
    'indices:admin/data_stream/get',
    'indices:admin/data_stream/lifecycle/get',
    'indices:admin/data_stream/lifecycle/explain',
    RESOLVE_INDEX,
    RESOLVE_CLUSTER,
    FIELD_CAPS,
    ROLLUP_CAPS,
    'indices:monitor/transform/checkpoint*',
  ]),
  define('manage_follow_index', [
    'indices:admin/xpack/ccr/put_follow',
    'indices:admin/xpack/ccr/unfollow',
    'indices:admin/close*',
    'indices:admin/data_stream/promote',
    'indices:admin/rollover',
  ]),
  define('manage_leader_index', ['indices:admin/xpack/ccr/forget_follower*']),
  define('manage_ilm', ['indices:admin/ilm/*']),
  define('manage_data_stream_lifecycle', ['indices:admin/data_stream/lifecycle/*']),
  define('maintenance', [
    'indices:admin/refresh*',
    'indices:admin/flush*',
    'indices:admin/synced_flush',
    'indices:admin/forcemerge*',
  ]),
  define('auto_configure', ['indices:admin/mapping/auto_put', 'indices:admin/auto_create']),
  define('cross_cluster_replication', [
    'indices:data/read/xpack/ccr/shard_changes*',
    'indices:monitor/stats*',
    'indices:admin/seq_no/add_retention_lease*',
    'indices:admin/seq_no/remove_retention_lease*',
    'indices:admin/seq_no/renew_retention_lease*',
  ]),
  define('cross_cluster_replication_internal', [
    'indices:internal/admin/ccr/restore/session/clear*',
    'indices:internal/admin/ccr/restore/file_chunk/get*',
    'indices:internal/admin/ccr/restore/session/put*',
    'internal:transport/proxy/indices:internal/admin/ccr/restore/session/clear*',
    'internal:transport/proxy/indices:internal/admin/ccr/restore/file_chunk/get*',
  ]),
  // Failure-store privileges apply to the `::failures` selector only, which this proxy does not model.
  define('read_failure_store', []),
  define('manage_failure_store', []),
];

const SECURITY = 'cluster:admin/xpack/security/';
const ALL_CLUSTER = ['cluster:*', 'indices:admin/template/*', 'indices:admin/index_template/*'];
const TRANSFORM = ['cluster:monitor/data_frame/*', 'cluster:monitor/transform/*'];
const MANAGE_TRANSFORM = [...TRANSFORM, 'cluster:admin/data_frame/*', 'cluster:admin/transform/*'];
const PIPELINES = ['cluster:admin/ingest/pipeline/*'];
const SNAPSHOT_READ = [
  'cluster:admin/snapshot/status*',
  'cluster:admin/snapshot/get',
  'cluster:admin/repository/get',
];
const ILM_STATUS = 'cluster:admin/ilm/operation_mode/get';

export const CLUSTER_PRIVILEGES: readonly PrivilegeDefinition[] = [
  define('none', []),
  define('all', ALL_CLUSTER),
  define('monitor', [
    'cluster:monitor/*',
    'indices:admin/template/get',
    'cluster:admin/component_template/get',
    'indices:admin/index_template/get',
  ]),
  define('monitor_ml', ['cluster:monitor/xpack/ml/*']),
  define('monitor_text_structure', ['cluster:monitor/text_structure/*']),
  define('monitor_data_frame_transforms', TRANSFORM),
  define('monitor_transform', TRANSFORM),
  define('monitor_watcher', ['cluster:monitor/xpack/watcher/*']),
  define('monitor_rollup', ['cluster:monitor/xpack/rollup/*']),
  define('manage', ALL_CLUSTER, [`${SECURITY}*`]),
  define('manage_ml', ['cluster:admin/xpack/ml/*', 'cluster:monitor/xpack/ml/*']),
  define('manage_data_frame_transforms', MANAGE_TRANSFORM),
  define('manage_transform', MANAGE_TRANSFORM),
  define('manage_token', [`${SECURITY}token/*`]),
  define('manage_watcher', ['cluster:admin/xpack/watcher/*', 'cluster:monitor/xpack/watcher/*']),
  define('manage_index_templates', [
    'indices:admin/template/*',
    'indices:admin/index_template/*',
    'cluster:admin/component_template/*',
  ]),
  define('manage_ingest_pipelines', PIPELINES),
  define('read_pipeline', [
    'cluster:admin/ingest/pipeline/get',
    'cluster:admin/ingest/pipeline/simulate',
  ]),
  define('transport_client', ['cluster:monitor/nodes/liveness', 'cluster:monitor/state']),
  define('manage_security', [`${SECURITY}*`]),
  define('manage_saml', [`${SECURITY}saml/*`, `${SECURITY}token/invalidate`]),
  define('manage_oidc', [`${SECURITY}oidc/*`]),
  define('manage_api_key', [`${SECURITY}api_key/*`]),
  // Conditional in Elasticsearch (the caller's own keys only); never granted here.
  define('manage_own_api_key', []),
  define('grant_api_key', [`${SECURITY}api_key/grant*`]),
  define('manage_service_account', [`${SECURITY}service_account/*`]),
  define('manage_user_profile', [`${SECURITY}profile/*`]),
  define('manage_pipeline', PIPELINES),
  define('manage_rollup', ['cluster:admin/xpack/rollup/*', 'cluster:monitor/xpack/rollup/*']),
  define('manage_autoscaling', ['cluster:admin/autoscaling/*']),
  define('manage_ccr', [
    'cluster:admin/xpack/ccr/*',
    'cluster:monitor/state',
    `${SECURITY}user/has_privileges`,
  ]),
  define('read_ccr', ['cluster:monitor/state', `${SECURITY}user/has_privileges`]),
  define('create_snapshot', ['cluster:admin/snapshot/create', ...SNAPSHOT_READ]),
  define('monitor_snapshot', SNAPSHOT_READ),
  define('manage_ilm', ['cluster:admin/ilm/*']),
  define('read_ilm', ['cluster:admin/ilm/get', ILM_STATUS]),
  define('manage_slm', [
    'cluster:admin/slm/*',
    'cluster:admin/ilm/start',
    'cluster:admin/ilm/stop',
    ILM_STATUS,
  ]),
  define('read_slm', ['cluster:admin/slm/get', ILM_STATUS]),
  define('delegate_pki', [`${SECURITY}delegate_pki`, `${SECURITY}token/invalidate`]),
  define('manage_enrich', ['cluster:admin/xpack/enrich/*']),
  define('manage_logstash_pipelines', ['cluster:admin/logstash/pipeline/*']),
  define('cancel_task', ['cluster:admin/tasks/cancel*']),
];
