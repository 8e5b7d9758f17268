import { Client, errors } from '@elastic/elasticsearch';
import {
  issueTestCertificate,
  testElasticsearch,
  testEngines,
  uniqueName,
} from '@meetup/test-support';
import { type EsSecurityProxy, startEsSecurityProxy } from '../src';

async function responseError(call: Promise<unknown>): Promise<errors.ResponseError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof errors.ResponseError) return error;
    throw error;
  }
  throw new Error('the request succeeded');
}

describe('es-security-proxy in front of the test Elasticsearch', () => {
  const prefix = uniqueName('es-proxy');
  const allowed = `${prefix}-allowed`;
  const forbiddenIndex = `${prefix}-forbidden`;
  const tls = issueTestCertificate();
  const direct = testElasticsearch();
  let proxy: EsSecurityProxy;
  const clients: Client[] = [];

  const clientAs = (username: string, password: string): Client => {
    const client = new Client({
      node: proxy.url,
      auth: { username, password },
      tls: { ca: tls.ca },
      maxRetries: 0,
      requestTimeout: 30_000,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    proxy = await startEsSecurityProxy({
      upstream: testEngines().elasticsearchUrl,
      tls: { key: tls.key, cert: tls.cert },
      users: [
        { username: 'elastic', password: 'elastic-secret', roles: ['superuser'] },
        { username: 'app', password: 'app-secret', roles: ['app_role'] },
      ],
      roles: {
        app_role: {
          cluster: ['monitor'],
          indices: [
            {
              names: [`${allowed}*`],
              privileges: ['read', 'write', 'create_index', 'maintenance'],
            },
          ],
        },
      },
    });
    await direct.indices.create({ index: forbiddenIndex });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await proxy.close();
    // The test cluster requires names, not wildcards, to delete indices.
    const { indices } = await direct.indices.resolveIndex({ name: `${prefix}-*` });
    if (indices.length > 0) await direct.indices.delete({ index: indices.map((i) => i.name) });
    await direct.close();
  });

  // Each test asserts the denials it caused, and that there were no others.
  let denialsBefore = 0;
  const denials = () => proxy.denials.slice(denialsBefore);
  beforeEach(() => {
    denialsBefore = proxy.denials.length;
  });

  it('writes and searches through the proxy what the role allows', async () => {
    const app = clientAs('app', 'app-secret');
    await app.index({ index: allowed, id: '1', document: { n: 1 }, refresh: 'wait_for' });
    const found = await app.search({ index: allowed, query: { match_all: {} } });
    expect(found.hits.hits.map((hit) => hit._source)).toEqual([{ n: 1 }]);
    expect((await app.cluster.health({ timeout: '5s' })).status).not.toBe('red');
    expect(denials()).toEqual([]);
  });

  it('answers a search on an index the role does not cover with the 403 of Elasticsearch', async () => {
    const error = await responseError(
      clientAs('app', 'app-secret').search({ index: forbiddenIndex }),
    );
    expect(error.meta.statusCode).toBe(403);
    const reason =
      `action [indices:data/read/search] is unauthorized for user [app] with effective roles [app_role] ` +
      `on indices [${forbiddenIndex}], this action is granted by the index privileges [read,all]`;
    expect(error.body).toEqual({
      error: {
        root_cause: [{ type: 'security_exception', reason }],
        type: 'security_exception',
        reason,
      },
      status: 403,
    });
    expect(denials()).toEqual([
      {
        user: 'app',
        action: 'indices:data/read/search',
        indices: [forbiddenIndex],
        status: 403,
        method: 'GET',
        path: `/${forbiddenIndex}/_search`,
      },
    ]);
  });

  it('writes the allowed item of a bulk and reports the refused one with its 403', async () => {
    const app = clientAs('app', 'app-secret');
    const result = await app.bulk({
      refresh: 'wait_for',
      operations: [
        { index: { _index: `${allowed}-bulk`, _id: 'kept' } },
        { n: 1 },
        { index: { _index: forbiddenIndex, _id: 'refused' } },
        { n: 2 },
      ],
    });
    expect(result.errors).toBe(true);
    expect(result.items.map((item) => item.index?.status)).toEqual([201, 403]);
    expect(result.items[1]?.index?.error).toEqual({
      type: 'security_exception',
      reason:
        `action [indices:data/write/bulk[s]] is unauthorized for user [app] with effective roles [app_role] ` +
        `on indices [${forbiddenIndex}], this action is granted by the index privileges ` +
        '[create_doc,create,delete,index,write,all]',
    });
    await direct.indices.refresh({ index: [`${allowed}-bulk`, forbiddenIndex] });
    expect((await direct.count({ index: `${allowed}-bulk` })).count).toBe(1);
    expect((await direct.count({ index: forbiddenIndex })).count).toBe(0);
    expect(denials().map((d) => [d.action, d.indices, d.status])).toEqual([
      ['indices:data/write/bulk[s]', [forbiddenIndex], 403],
    ]);
  });

  it('refuses a wrong password with the 401 of Elasticsearch and never echoes the password', async () => {
    const error = await responseError(clientAs('app', 'not-the-password').cluster.health());
    expect(error.meta.statusCode).toBe(401);
    expect(error.meta.headers?.['www-authenticate']).toBe(
      'Basic realm="security", charset="UTF-8"',
    );
    expect((error.body as { error: { type: string; reason: string } }).error).toMatchObject({
      type: 'security_exception',
      reason: 'unable to authenticate user [app] for REST request [/_cluster/health]',
    });
    expect(JSON.stringify(error.body)).not.toContain('not-the-password');
    expect(denials()).toEqual([
      {
        user: 'app',
        action: 'authenticate',
        indices: [],
        status: 401,
        method: 'GET',
        path: '/_cluster/health',
      },
    ]);
  });

  it('pages with scroll and with a point in time, as the batch job does', async () => {
    const app = clientAs('app', 'app-secret');
    const index = `${allowed}-pages`;
    await direct.bulk({
      index,
      refresh: true,
      operations: [1, 2, 3].flatMap((n) => [{ index: { _id: String(n) } }, { n }]),
    });
    const scrolled: unknown[] = [];
    for await (const hit of app.helpers.scrollDocuments({ index, size: 2, sort: ['n'] })) {
      scrolled.push(hit);
    }
    expect(scrolled).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const pit = await app.openPointInTime({ index, keep_alive: '1m' });
    const page = await app.search({ pit: { id: pit.id }, size: 10, sort: ['n'] });
    expect(page.hits.hits).toHaveLength(3);
    await app.closePointInTime({ id: pit.id });
    expect(denials()).toEqual([]);
  });

  it('answers a multi-get doc on a forbidden index with its error and returns the others', async () => {
    await direct.index({ index: forbiddenIndex, id: 'secret', document: { n: 0 }, refresh: true });
    await direct.index({ index: `${allowed}-mget`, id: 'open', document: { n: 1 }, refresh: true });
    const { docs } = await clientAs('app', 'app-secret').mget({
      docs: [
        { _index: forbiddenIndex, _id: 'secret' },
        { _index: `${allowed}-mget`, _id: 'open' },
      ],
    });
    expect(docs[0]).toMatchObject({ _id: 'secret', error: { type: 'security_exception' } });
    expect(docs[1]).toMatchObject({ _id: 'open', found: true, _source: { n: 1 } });
    expect(denials().map((d) => [d.action, d.indices])).toEqual([
      ['indices:data/read/mget[shard]', [forbiddenIndex]],
    ]);
  });

  it('fails the refresh of an index only an alias of the role covers, as Elasticsearch does', async () => {
    const alias = `${allowed}-via-alias`;
    const behind = `${prefix}-behind-v1`;
    await direct.indices.create({ index: behind, aliases: { [alias]: {} } });
    const app = clientAs('app', 'app-secret');
    // Reading through the alias works; the shard-level refresh is authorized on the index.
    expect((await app.count({ index: alias })).count).toBe(0);
    const error = await responseError(app.indices.refresh({ index: alias }));
    expect(error.meta.statusCode).toBe(403);
    expect(error.body).toMatchObject({
      _shards: { successful: 0, failed: 1, failures: [{ index: behind, status: 'FORBIDDEN' }] },
    });
    expect(denials().map((d) => [d.action, d.indices])).toEqual([
      ['indices:admin/refresh[s]', [behind]],
    ]);
  });

  it('lets the superuser do anything', async () => {
    const elastic = clientAs('elastic', 'elastic-secret');
    const index = `${prefix}-admin-v1`;
    await elastic.indices.putIndexTemplate({
      name: `${prefix}-admin`,
      index_patterns: [`${prefix}-admin-v*`],
    });
    await elastic.indices.create({ index, aliases: { [`${prefix}-admin`]: {} } });
    await elastic.index({ index: `${prefix}-admin`, document: { n: 1 }, refresh: true });
    expect((await elastic.count({ index: `${prefix}-*` })).count).toBeGreaterThanOrEqual(1);
    expect(await elastic.indices.existsAlias({ name: `${prefix}-admin` })).toBe(true);
    await elastic.indices.delete({ index });
    await elastic.indices.deleteIndexTemplate({ name: `${prefix}-admin` });
    expect(denials()).toEqual([]);
  });

  it('denies an endpoint it cannot map, saying so', async () => {
    const error = await responseError(
      clientAs('elastic', 'elastic-secret').transport.request({
        method: 'GET',
        path: '/_snapshot',
      }),
    );
    expect(error.meta.statusCode).toBe(403);
    expect((error.body as { error: { reason: string } }).error.reason).toMatch(
      /es-security-proxy does not know the endpoint \[GET \/_snapshot\]/,
    );
    expect(denials().map((d) => d.action)).toEqual(['unknown']);
  });
});
