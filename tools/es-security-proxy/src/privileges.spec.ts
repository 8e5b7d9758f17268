import {
  UnknownPrivilegeError,
  clusterPrivilegesGranting,
  indexPrivilegesGranting,
  isClusterAction,
} from './privileges';
import { Role, SUPERUSER } from './role';
import type { RoleDescriptor } from './types';

const roleWith = (...groups: { names: string[]; privileges: string[] }[]): Role =>
  new Role(['r'], [], [{ indices: groups }]);

describe('privileges that grant an action, least privileged first (as in Elasticsearch messages)', () => {
  it.each([
    ['indices:data/read/search', 'read,all'],
    ['indices:data/write/bulk', 'create_doc,create,delete,index,write,all'],
    ['indices:data/write/index:op_type/create', 'create_doc,create,index,write,all'],
    ['indices:data/write/index:op_type/index', 'create,index,write,all'],
    ['indices:data/write/delete', 'delete,write,all'],
    ['indices:admin/auto_create', 'auto_configure,create_index,manage,all'],
    ['indices:admin/refresh', 'maintenance,manage,all'],
    ['indices:admin/aliases/get', 'view_index_metadata,manage,all'],
    ['indices:monitor/stats', 'monitor,cross_cluster_replication,manage,all'],
  ])('index action %s is granted by [%s]', (action, names) => {
    expect(indexPrivilegesGranting(action).join(',')).toBe(names);
  });

  it.each([
    ['cluster:monitor/health', 'monitor,manage,all'],
    ['indices:admin/index_template/put', 'manage_index_templates,manage,all'],
    ['cluster:admin/ilm/put', 'manage_ilm,manage,all'],
  ])('cluster action %s is granted by [%s]', (action, names) => {
    expect(clusterPrivilegesGranting(action).join(',')).toBe(names);
  });

  it('treats index templates as cluster actions', () => {
    expect(isClusterAction('indices:admin/index_template/put')).toBe(true);
    expect(isClusterAction('indices:admin/create')).toBe(false);
  });
});

describe('index privileges of a role', () => {
  it('lets create_doc create documents but not overwrite or update them', () => {
    const role = roleWith({ names: ['logs'], privileges: ['create_doc'] });
    expect(role.allowsIndexActionName('indices:data/write/index')).toBe(true);
    expect(role.allowsIndexAction('indices:data/write/bulk[s]', 'logs')).toBe(true);
    expect(role.allowsIndexAction('indices:data/write/index:op_type/create', 'logs')).toBe(true);
    expect(role.allowsIndexAction('indices:data/write/index:op_type/index', 'logs')).toBe(false);
    expect(role.allowsIndexAction('indices:data/write/update', 'logs')).toBe(false);
    expect(role.allowsIndexAction('indices:data/write/delete', 'logs')).toBe(false);
  });

  it('lets read search, get, count, multi-get and resolve names, and write nothing', () => {
    const role = roleWith({ names: ['logs'], privileges: ['read'] });
    for (const action of [
      'indices:data/read/search',
      'indices:data/read/get',
      'indices:data/read/mget[shard]',
    ]) {
      expect(role.allowsIndexAction(action, 'logs')).toBe(true);
    }
    expect(role.allowsIndexAction('indices:admin/resolve/index', 'logs')).toBe(true);
    expect(role.allowsIndexAction('indices:data/write/bulk[s]', 'logs')).toBe(false);
    expect(role.allowsIndexAction('indices:admin/get', 'logs')).toBe(false);
  });

  it('lets view_index_metadata get aliases, indices and resolve names, and read no document', () => {
    const role = roleWith({ names: ['logs*'], privileges: ['view_index_metadata'] });
    expect(role.allowsIndexAction('indices:admin/aliases/get', 'logs')).toBe(true);
    expect(role.allowsIndexAction('indices:admin/get', 'logs-v1')).toBe(true);
    expect(role.allowsIndexAction('indices:admin/resolve/index', 'logs-v1')).toBe(true);
    expect(role.allowsIndexAction('indices:data/read/search', 'logs')).toBe(false);
  });

  it('lets manage create, delete and alias indices and refresh them, and write no document', () => {
    const role = roleWith({ names: ['logs*'], privileges: ['manage'] });
    for (const action of [
      'indices:admin/create',
      'indices:admin/delete',
      'indices:admin/aliases',
      'indices:admin/refresh',
    ]) {
      expect(role.allowsIndexAction(action, 'logs-v2')).toBe(true);
    }
    expect(role.allowsIndexAction('indices:data/write/index:op_type/index', 'logs-v2')).toBe(false);
  });

  it('lets write auto-put mappings but not auto-create indices', () => {
    const role = roleWith({ names: ['logs'], privileges: ['write'] });
    expect(role.allowsIndexAction('indices:admin/mapping/auto_put', 'logs')).toBe(true);
    expect(role.allowsIndexAction('indices:admin/auto_create', 'logs')).toBe(false);
  });

  it('matches an alias and its versioned indices with one trailing wildcard', () => {
    const role = roleWith({ names: ['meetup_rsvps*'], privileges: ['read'] });
    expect(role.allowsIndexAction('indices:data/read/search', 'meetup_rsvps')).toBe(true);
    expect(role.allowsIndexAction('indices:data/read/search', 'meetup_rsvps-v1')).toBe(true);
    expect(role.allowsIndexAction('indices:data/read/search', 'meetup_groups')).toBe(false);
  });

  it('matches ? as one character and /…/ as a regular expression', () => {
    const role = roleWith(
      { names: ['log?'], privileges: ['read'] },
      { names: ['/metrics-[0-9]+/'], privileges: ['read'] },
    );
    expect(role.allowsIndexAction('indices:data/read/search', 'logs')).toBe(true);
    expect(role.allowsIndexAction('indices:data/read/search', 'logsx')).toBe(false);
    expect(role.allowsIndexAction('indices:data/read/search', 'metrics-12')).toBe(true);
    expect(role.allowsIndexAction('indices:data/read/search', 'metrics-x')).toBe(false);
  });

  it('takes an action name as a privilege, granting it and its sub-actions', () => {
    const role = roleWith({ names: ['logs'], privileges: ['indices:admin/aliases'] });
    expect(role.allowsIndexAction('indices:admin/aliases', 'logs')).toBe(true);
    expect(role.allowsIndexAction('indices:admin/aliases/get', 'logs')).toBe(true);
    expect(role.allowsIndexAction('indices:admin/create', 'logs')).toBe(false);
  });

  it('keeps restricted indices out of a wildcard unless the role allows them', () => {
    expect(
      roleWith({ names: ['*'], privileges: ['all'] }).allowsIndexAction(
        'indices:data/read/search',
        '.security-7',
      ),
    ).toBe(false);
    const allowed = new Role(
      ['r'],
      [],
      [{ indices: [{ names: ['*'], privileges: ['read'], allow_restricted_indices: true }] }],
    );
    expect(allowed.allowsIndexAction('indices:data/read/search', '.security-7')).toBe(true);
  });

  it('refuses an unknown privilege name, as Elasticsearch refuses the role', () => {
    expect(() => roleWith({ names: ['logs'], privileges: ['reed'] })).toThrow(
      UnknownPrivilegeError,
    );
    expect(() => new Role(['r'], [], [{ cluster: ['monitr'] }])).toThrow(
      /unknown cluster privilege \[monitr\]/,
    );
  });
});

describe('roles of a user', () => {
  const roles = new Map<string, RoleDescriptor>([
    ['superuser', SUPERUSER],
    ['reader', { cluster: ['monitor'], indices: [{ names: ['a*'], privileges: ['read'] }] }],
    ['writer', { indices: [{ names: ['b'], privileges: ['write'] }] }],
  ]);

  it('unites the effective roles, sorted, and names the ones that do not exist', () => {
    const role = Role.of(['writer', 'ghost', 'reader'], roles);
    expect(role.names).toEqual(['reader', 'writer']);
    expect(role.notFound).toEqual(['ghost']);
    expect(role.allowsIndexAction('indices:data/read/search', 'a1')).toBe(true);
    expect(role.allowsIndexAction('indices:data/write/bulk[s]', 'b')).toBe(true);
    expect(role.allowsClusterAction('cluster:monitor/health')).toBe(true);
    expect(role.allowsClusterAction('cluster:admin/settings/update')).toBe(false);
  });

  it('lets the superuser do anything but write to restricted indices', () => {
    const role = Role.of(['superuser'], roles);
    expect(role.allowsClusterAction('cluster:admin/settings/update')).toBe(true);
    expect(role.allowsClusterAction('cluster:admin/xpack/security/user/put')).toBe(true);
    expect(role.allowsIndexAction('indices:admin/delete', 'anything')).toBe(true);
    expect(role.allowsIndexAction('indices:data/read/search', '.security-7')).toBe(true);
    expect(role.allowsIndexAction('indices:data/write/bulk[s]', '.security-7')).toBe(false);
  });

  it('leaves manage on the cluster short of security administration', () => {
    const role = new Role(['r'], [], [{ cluster: ['manage'] }]);
    expect(role.allowsClusterAction('cluster:admin/settings/update')).toBe(true);
    expect(role.allowsClusterAction('indices:admin/index_template/put')).toBe(true);
    expect(role.allowsClusterAction('cluster:admin/xpack/security/user/put')).toBe(false);
  });
});
