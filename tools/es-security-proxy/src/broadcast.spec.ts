import type { AuthorizationContext } from './authorizer';
import { shardRefusal, withFailedShards } from './broadcast';
import { InMemoryLookup } from './in-memory-lookup.spec-helper';
import { Role } from './role';

const context = (names: string[]): AuthorizationContext => ({
  role: new Role(['r'], [], [{ indices: [{ names, privileges: ['all'] }] }]),
  lookup: new InMemoryLookup({ 'docs-v1': ['docs'], 'docs-v2': ['docs'] }),
  expandWildcards: 'open',
});

describe('refresh and flush through an alias', () => {
  it('refuses the shards of concrete indices a role on the alias alone does not cover', async () => {
    expect(
      await shardRefusal('indices:admin/refresh[s]', ['docs'], context(['docs', 'docs-v2'])),
    ).toEqual({
      allowed: ['docs-v2'],
      denied: ['docs-v1'],
    });
  });

  it('refuses nothing when the role covers the indices too', async () => {
    expect(
      await shardRefusal('indices:admin/refresh[s]', ['docs'], context(['docs*'])),
    ).toBeUndefined();
  });

  it('leaves a missing index to Elasticsearch (a 404)', async () => {
    expect(await shardRefusal('indices:admin/refresh[s]', ['nope'], context([]))).toBeUndefined();
  });

  it('answers 200 with the refused shards failed, or 403 when none succeeded', () => {
    const denied = [{ index: 'docs-v1', reason: 'no' }];
    expect(withFailedShards({ _shards: { total: 2, successful: 1, failed: 0 } }, denied)).toEqual({
      status: 200,
      body: {
        _shards: {
          total: 3,
          successful: 1,
          failed: 1,
          failures: [
            {
              shard: 0,
              index: 'docs-v1',
              status: 'FORBIDDEN',
              reason: { type: 'security_exception', reason: 'no' },
            },
          ],
        },
      },
    });
    expect(withFailedShards(undefined, denied).status).toBe(403);
  });
});
