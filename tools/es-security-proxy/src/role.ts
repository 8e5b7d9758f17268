import { patternsPredicate } from './glob';
import {
  type ActionPredicate,
  resolveClusterPrivileges,
  resolveIndexPrivileges,
} from './privileges';
import type { RoleDescriptor } from './types';

/**
 * Elasticsearch's built-in `superuser`: everything on the cluster and on
 * every index, and read-only on the restricted (system) indices.
 */
export const SUPERUSER: RoleDescriptor = {
  cluster: ['all'],
  indices: [
    { names: ['*'], privileges: ['all'], allow_restricted_indices: false },
    {
      names: ['*'],
      privileges: ['monitor', 'read', 'view_index_metadata', 'read_cross_cluster'],
      allow_restricted_indices: true,
    },
  ],
};

/**
 * Indices a wildcard in a role does not reach unless `allow_restricted_indices`
 * is set: the security and async-search system indices.
 */
const isRestrictedIndex = patternsPredicate(['.security', '.security-*', '.async-search*']);

interface IndexGroup {
  readonly names: (index: string) => boolean;
  readonly grants: ActionPredicate;
  readonly allowRestricted: boolean;
}

export function isRestricted(index: string): boolean {
  return isRestrictedIndex(index);
}

/** The permissions of a user: the union of its effective roles. */
export class Role {
  private readonly cluster: ActionPredicate[];
  private readonly groups: IndexGroup[];

  /**
   * @param names the effective roles (the user's roles that exist), sorted as
   *   Elasticsearch prints them
   * @param notFound the user's roles that do not exist
   */
  constructor(
    readonly names: readonly string[],
    readonly notFound: readonly string[],
    descriptors: readonly RoleDescriptor[],
  ) {
    this.cluster = descriptors.map((d) => resolveClusterPrivileges(d.cluster ?? []));
    this.groups = descriptors.flatMap((d) =>
      (d.indices ?? []).map((group) => ({
        names: patternsPredicate(group.names),
        grants: resolveIndexPrivileges(group.privileges),
        allowRestricted: group.allow_restricted_indices ?? false,
      })),
    );
  }

  static of(roleNames: readonly string[], roles: ReadonlyMap<string, RoleDescriptor>): Role {
    const found = [...new Set(roleNames.filter((name) => roles.has(name)))].sort();
    const notFound = [...new Set(roleNames.filter((name) => !roles.has(name)))].sort();
    const descriptors = found.flatMap((name) => roles.get(name) ?? []);
    return new Role(found, notFound, descriptors);
  }

  allowsClusterAction(action: string): boolean {
    return this.cluster.some((grants) => grants(action));
  }

  /**
   * The check of composite requests (bulk, multi-get, multi-search, single
   * document writes): whether any index privilege of the role grants the action.
   */
  allowsIndexActionName(action: string): boolean {
    return this.groups.some((group) => group.grants(action));
  }

  /** Whether the role grants `action` on the index, alias or data stream named `name`. */
  allowsIndexAction(action: string, name: string): boolean {
    const restricted = isRestrictedIndex(name);
    return this.groups.some(
      (group) =>
        (group.allowRestricted || !restricted) && group.names(name) && group.grants(action),
    );
  }
}
