import { type AuthorizationContext, firstRefusal } from './authorizer';
import { bodyChecks } from './body-checks';
import { InMemoryLookup } from './in-memory-lookup.spec-helper';
import { Role } from './role';
import type { RoleDescriptor } from './types';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const contextFor = (...indices: NonNullable<RoleDescriptor['indices']>): AuthorizationContext => ({
  role: new Role(['r'], [], [{ indices }]),
  lookup: new InMemoryLookup({ 'groups-v1': ['groups'], 'groups-v2': [] }),
  expandWildcards: 'open',
});

describe('targets found in request bodies', () => {
  it('checks manage on every index and alias of an alias swap', async () => {
    const found = bodyChecks(
      'update-aliases',
      json({
        actions: [
          { remove: { index: 'groups-v1', alias: 'groups' } },
          { add: { index: 'groups-v2', alias: 'groups' } },
        ],
      }),
      [],
    );
    const manager = contextFor({ names: ['groups*'], privileges: ['manage'] });
    expect(await firstRefusal(found.checks, manager)).toBeUndefined();
    expect(await found.finalCheck?.(manager)).toBeUndefined();
    const indexOnly = contextFor({ names: ['groups-*'], privileges: ['manage'] });
    expect(await firstRefusal(found.checks, indexOnly)).toEqual({
      action: 'indices:admin/aliases',
      indices: ['groups'],
    });
  });

  it('refuses an alias that would open more than its index, as Elasticsearch does', async () => {
    const found = bodyChecks(
      'update-aliases',
      json({ actions: [{ add: { index: 'groups-v2', alias: 'groups' } }] }),
      [],
    );
    const context = contextFor(
      { names: ['groups*'], privileges: ['manage'] },
      { names: ['groups'], privileges: ['read'] },
    );
    expect(await found.finalCheck?.(context)).toBe(
      'Adding an alias is not allowed when the alias has more permissions than any of the indices',
    );
  });

  it('needs manage on the aliases an index is created with', async () => {
    const found = bodyChecks('create-index', json({ aliases: { groups: {} } }), ['groups-v3']);
    const creator = contextFor({ names: ['groups-*'], privileges: ['create_index', 'manage'] });
    expect(await firstRefusal(found.checks, creator)).toEqual({
      action: 'indices:admin/aliases',
      indices: ['groups'],
    });
    expect(bodyChecks('create-index', json({ settings: {} }), ['groups-v3']).checks).toEqual([]);
  });

  it('reads the source and writes the destination of a reindex', () => {
    const found = bodyChecks(
      'reindex',
      json({ source: { index: 'groups-v1' }, dest: { index: 'groups-v2', op_type: 'create' } }),
      [],
    );
    expect(found.checks).toEqual([
      { kind: 'indices', action: 'indices:data/read/search', names: ['groups-v1'] },
      { kind: 'auto-create', names: ['groups-v2'] },
      {
        kind: 'indices',
        action: 'indices:data/write/bulk[s]',
        names: ['groups-v2'],
        literal: true,
      },
      {
        kind: 'indices',
        action: 'indices:data/write/index:op_type/create',
        names: ['groups-v2'],
        literal: true,
      },
    ]);
  });

  it('lets a search on a point in time go by the point in time, not by all indices', () => {
    expect(bodyChecks('search', json({ pit: { id: 'x' }, size: 10 }), []).replacesPlan).toBe(true);
    expect(bodyChecks('search', Buffer.alloc(0), []).replacesPlan).toBeUndefined();
  });
});
