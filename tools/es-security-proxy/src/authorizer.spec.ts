import { type AuthorizationContext, firstRefusal } from './authorizer';
import { InMemoryLookup } from './in-memory-lookup.spec-helper';
import { documentWriteChecks } from './request-plan';
import { Role } from './role';
import type { RoleDescriptor } from './types';

const CLUSTER = {
  'meetup_rsvps-v1': ['meetup_rsvps'],
  'activity-p2024010100': [],
  'activity-p2024010101': [],
  'other-v1': ['other'],
};

function contextFor(descriptor: RoleDescriptor): AuthorizationContext & { lookup: InMemoryLookup } {
  return {
    role: new Role(['r'], [], [descriptor]),
    lookup: new InMemoryLookup(CLUSTER),
    expandWildcards: 'open',
  };
}

const search = (names: string[]) =>
  [{ kind: 'indices', action: 'indices:data/read/search', names }] as const;

describe('authorization of index names', () => {
  it('checks a literal name as requested, without asking the cluster', async () => {
    const context = contextFor({ indices: [{ names: ['meetup_rsvps'], privileges: ['read'] }] });
    expect(await firstRefusal(search(['meetup_rsvps']), context)).toBeUndefined();
    expect(await firstRefusal(search(['meetup_rsvps-v1']), context)).toEqual({
      action: 'indices:data/read/search',
      indices: ['meetup_rsvps-v1'],
    });
    expect(context.lookup.calls).toEqual([]);
  });

  it('expands a wildcard and refuses the concrete indices the role does not cover', async () => {
    const context = contextFor({
      indices: [{ names: ['activity-p2024010100'], privileges: ['read'] }],
    });
    expect(await firstRefusal(search(['activity-p*']), context)).toEqual({
      action: 'indices:data/read/search',
      indices: ['activity-p2024010101'],
    });
  });

  it('lets a wildcard that matches nothing through (Elasticsearch answers it empty)', async () => {
    const context = contextFor({ indices: [] });
    expect(await firstRefusal(search(['nothing-*']), context)).toBeUndefined();
  });

  it('lets an index through an alias the same expression matched', async () => {
    const context = contextFor({ indices: [{ names: ['meetup_rsvps'], privileges: ['read'] }] });
    expect(await firstRefusal(search(['meetup_*']), context)).toBeUndefined();
    expect(await firstRefusal(search(['meetup_rsvps-*']), context)).toEqual({
      action: 'indices:data/read/search',
      indices: ['meetup_rsvps-v1'],
    });
  });

  it('reads _all as every index', async () => {
    const context = contextFor({
      indices: [{ names: ['meetup_*', 'activity-*'], privileges: ['read'] }],
    });
    expect(await firstRefusal(search(['_all']), context)).toEqual({
      action: 'indices:data/read/search',
      indices: ['other-v1'],
    });
  });

  it('honours exclusions after a wildcard', async () => {
    const context = contextFor({
      indices: [{ names: ['meetup_*', 'activity-*'], privileges: ['read'] }],
    });
    expect(await firstRefusal(search(['*', '-other*']), context)).toBeUndefined();
  });
});

describe('authorization of a document write', () => {
  it('needs auto-create only for a name that does not exist', async () => {
    const context = contextFor({ indices: [{ names: ['*'], privileges: ['write'] }] });
    expect(
      await firstRefusal(documentWriteChecks('index', 'meetup_rsvps'), context),
    ).toBeUndefined();
    expect(
      await firstRefusal(documentWriteChecks('index', 'activity-p2024010102'), context),
    ).toEqual({
      action: 'indices:admin/auto_create',
      indices: ['activity-p2024010102'],
    });
  });

  it('does not ask the cluster when the role may auto-create', async () => {
    const context = contextFor({
      indices: [{ names: ['activity-*'], privileges: ['create_doc', 'auto_configure'] }],
    });
    expect(
      await firstRefusal(documentWriteChecks('create', 'activity-p2024010102'), context),
    ).toBeUndefined();
    expect(context.lookup.calls).toEqual([]);
  });

  it('refuses the shard bulk first on a name the role does not cover at all', async () => {
    const context = contextFor({ indices: [{ names: ['meetup_*'], privileges: ['write'] }] });
    expect(await firstRefusal(documentWriteChecks('delete', 'other'), context)).toEqual({
      action: 'indices:data/write/bulk[s]',
      indices: ['other'],
    });
  });

  it('refuses an overwrite to a role that may only create', async () => {
    const context = contextFor({ indices: [{ names: ['meetup_*'], privileges: ['create_doc'] }] });
    expect(await firstRefusal(documentWriteChecks('index', 'meetup_rsvps'), context)).toEqual({
      action: 'indices:data/write/index:op_type/index',
      indices: ['meetup_rsvps'],
    });
    expect(
      await firstRefusal(documentWriteChecks('create', 'meetup_rsvps'), context),
    ).toBeUndefined();
  });
});
