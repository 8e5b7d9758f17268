import { planRequest } from './endpoints';
import type { RequestPlan } from './request-plan';

/** A plan as one line per check, plus what else it needs. */
function summary(method: string, url: string): string[] {
  const parsed = new URL(url, 'http://es');
  const plan: RequestPlan = planRequest(method, parsed.pathname, parsed.searchParams);
  const lines = plan.checks.map((check) => {
    switch (check.kind) {
      case 'cluster':
        return `cluster ${check.action}`;
      case 'action-name':
        return `name ${check.action}`;
      case 'indices':
        return `${check.action} [${check.names.join(',')}]`;
      case 'auto-create':
        return `auto-create [${check.names.join(',')}]`;
    }
  });
  if (plan.body) lines.push(`body ${plan.body}`);
  if (plan.anyUser) lines.push('any user');
  if (plan.shardAction) lines.push(`shards ${plan.shardAction}`);
  if (plan.unknown) lines.push('unknown');
  return lines;
}

const WRITE = ['indices:data/write/bulk[s]'];

describe('REST requests mapped to the actions Elasticsearch authorizes', () => {
  describe('documents', () => {
    it.each([
      [
        'PUT',
        '/rsvps/_doc/1',
        [
          'name indices:data/write/index',
          'auto-create [rsvps]',
          `${WRITE[0]} [rsvps]`,
          'indices:data/write/index:op_type/index [rsvps]',
        ],
      ],
      [
        'PUT',
        '/rsvps/_doc/1?op_type=create',
        [
          'name indices:data/write/index',
          'auto-create [rsvps]',
          `${WRITE[0]} [rsvps]`,
          'indices:data/write/index:op_type/create [rsvps]',
        ],
      ],
      [
        'POST',
        '/rsvps/_doc',
        [
          'name indices:data/write/index',
          'auto-create [rsvps]',
          `${WRITE[0]} [rsvps]`,
          'indices:data/write/index:op_type/create [rsvps]',
        ],
      ],
      [
        'PUT',
        '/rsvps/_create/1',
        [
          'name indices:data/write/index',
          'auto-create [rsvps]',
          `${WRITE[0]} [rsvps]`,
          'indices:data/write/index:op_type/create [rsvps]',
        ],
      ],
      [
        'DELETE',
        '/rsvps/_doc/1',
        [
          'name indices:data/write/delete',
          `${WRITE[0]} [rsvps]`,
          'indices:data/write/delete [rsvps]',
        ],
      ],
      ['POST', '/rsvps/_update/1', ['indices:data/write/update [rsvps]', 'auto-create [rsvps]']],
      ['GET', '/rsvps/_doc/1', ['indices:data/read/get [rsvps]']],
      ['HEAD', '/rsvps/_doc/1', ['indices:data/read/get [rsvps]']],
      ['GET', '/rsvps/_source/1', ['indices:data/read/get [rsvps]']],
    ])('%s %s', (method, url, expected) => {
      expect(summary(method, url)).toEqual(expected);
    });
  });

  describe('many documents in one request', () => {
    it.each([
      ['POST', '/_bulk', ['name indices:data/write/bulk', 'body bulk']],
      ['PUT', '/rsvps/_bulk?refresh=wait_for', ['name indices:data/write/bulk', 'body bulk']],
      ['POST', '/_mget', ['name indices:data/read/mget', 'body mget']],
      ['POST', '/leases/_mget', ['name indices:data/read/mget', 'body mget']],
      ['POST', '/_msearch', ['name indices:data/read/msearch', 'body msearch']],
    ])('%s %s', (method, url, expected) => {
      expect(summary(method, url)).toEqual(expected);
    });
  });

  describe('search', () => {
    it.each([
      ['POST', '/rsvps,groups/_search', ['indices:data/read/search [rsvps,groups]']],
      ['GET', '/activity-p*/_search?size=0', ['indices:data/read/search [activity-p*]']],
      ['POST', '/_search', ['indices:data/read/search [_all]', 'body search']],
      ['POST', '/rsvps/_count', ['indices:data/read/search [rsvps]']],
      ['POST', '/rsvps/_pit?keep_alive=1m', ['indices:data/read/open_point_in_time [rsvps]']],
      ['DELETE', '/_pit', ['any user']],
      ['POST', '/_search/scroll', ['any user']],
      ['GET', '/_search/scroll/abc', ['any user']],
      ['DELETE', '/_search/scroll', ['any user']],
      [
        'POST',
        '/rsvps/_delete_by_query',
        [
          'indices:data/write/delete/byquery [rsvps]',
          'indices:data/read/search [rsvps]',
          `${WRITE[0]} [rsvps]`,
          'indices:data/write/delete [rsvps]',
        ],
      ],
      [
        'POST',
        '/rsvps/_update_by_query',
        [
          'indices:data/write/update/byquery [rsvps]',
          'indices:data/read/search [rsvps]',
          `${WRITE[0]} [rsvps]`,
          'indices:data/write/index:op_type/index [rsvps]',
        ],
      ],
      ['POST', '/_reindex', ['name indices:data/write/reindex', 'body reindex']],
    ])('%s %s', (method, url, expected) => {
      expect(summary(method, url)).toEqual(expected);
    });
  });

  describe('indices', () => {
    it.each([
      ['PUT', '/rsvps-v1', ['indices:admin/create [rsvps-v1]', 'body create-index']],
      ['DELETE', '/rsvps-v1,rsvps-v2', ['indices:admin/delete [rsvps-v1,rsvps-v2]']],
      ['HEAD', '/rsvps', ['indices:admin/get [rsvps]']],
      ['GET', '/rsvps-v*?expand_wildcards=open,closed', ['indices:admin/get [rsvps-v*]']],
      ['HEAD', '/_alias/rsvps', ['indices:admin/aliases/get [rsvps]']],
      ['GET', '/_alias/rsvps', ['indices:admin/aliases/get [rsvps]']],
      ['GET', '/rsvps-v1/_alias', ['indices:admin/aliases/get [rsvps-v1]']],
      [
        'PUT',
        '/rsvps-v1/_alias/rsvps',
        ['indices:admin/aliases [rsvps-v1]', 'indices:admin/aliases [rsvps]'],
      ],
      ['POST', '/_aliases', ['name indices:admin/aliases', 'body update-aliases']],
      [
        'POST',
        '/rsvps/_refresh',
        ['indices:admin/refresh [rsvps]', 'shards indices:admin/refresh[s]'],
      ],
      ['POST', '/_refresh', ['indices:admin/refresh [_all]', 'shards indices:admin/refresh[s]']],
      ['POST', '/rsvps/_flush', ['indices:admin/flush [rsvps]', 'shards indices:admin/flush[s]']],
      ['GET', '/rsvps/_mapping', ['indices:admin/mappings/get [rsvps]']],
      [
        'PUT',
        '/activity-p*/_mapping?allow_no_indices=true',
        ['indices:admin/mapping/put [activity-p*]'],
      ],
      ['PUT', '/rsvps-v1/_settings', ['indices:admin/settings/update [rsvps-v1]']],
      ['GET', '/rsvps/_settings', ['indices:monitor/settings/get [rsvps]']],
      ['GET', '/_resolve/index/activity-p*', ['indices:admin/resolve/index [activity-p*]']],
      ['GET', '/rsvps/_stats', ['indices:monitor/stats [rsvps]']],
    ])('%s %s', (method, url, expected) => {
      expect(summary(method, url)).toEqual(expected);
    });
  });

  describe('cluster', () => {
    it.each([
      ['GET', '/_cluster/health?timeout=2s', ['cluster cluster:monitor/health']],
      ['GET', '/_cluster/health/rsvps', ['cluster cluster:monitor/health']],
      ['GET', '/', ['cluster cluster:monitor/main']],
      ['PUT', '/_index_template/rsvps', ['cluster indices:admin/index_template/put']],
      ['HEAD', '/_index_template/rsvps', ['cluster indices:admin/index_template/get']],
      ['DELETE', '/_index_template/rsvps', ['cluster indices:admin/index_template/delete']],
      ['PUT', '/_ilm/policy/hot', ['cluster cluster:admin/ilm/put']],
      ['GET', '/_tasks/node:1', ['cluster cluster:monitor/task/get']],
      [
        'GET',
        '/_cat/indices?format=json',
        [
          'cluster cluster:monitor/state',
          'cluster cluster:monitor/health',
          'indices:monitor/settings/get [_all]',
          'indices:monitor/stats [_all]',
        ],
      ],
      ['GET', '/_security/_authenticate', ['any user']],
    ])('%s %s', (method, url, expected) => {
      expect(summary(method, url)).toEqual(expected);
    });
  });

  it('decodes the names in the path', () => {
    expect(summary('GET', '/%3Clogs-%7Bnow%2Fd%7D%3E/_search')).toEqual([
      'indices:data/read/search [<logs-{now/d}>]',
    ]);
  });

  it.each([
    ['POST', '/_sql'],
    ['POST', '/rsvps/_rollover'],
    ['GET', '/_snapshot'],
    ['PATCH', '/rsvps/_doc/1'],
  ])('marks %s %s as unknown, to be denied', (method, url) => {
    expect(summary(method, url)).toEqual(['unknown']);
  });
});
