import { parse } from 'yaml';
import { resolveClusterPrivileges, resolveIndexPrivileges } from './privileges';
import type { RoleDescriptor } from './types';

export class RolesFileError extends Error {}

type IndexGroup = NonNullable<RoleDescriptor['indices']>[number];

const stringList = (value: unknown, where: string): string[] => {
  // Elasticsearch takes a single string where it takes a list.
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  throw new RolesFileError(`${where} must be a string or a list of strings`);
};

/** Keys this proxy cannot enforce; a role using them would be more open here than in Elasticsearch. */
const UNSUPPORTED_INDEX_KEYS = ['field_security', 'query'];

function indexGroup(value: unknown, where: string): IndexGroup {
  if (value === null || typeof value !== 'object')
    throw new RolesFileError(`${where} must be a map`);
  const group = value as Record<string, unknown>;
  for (const key of UNSUPPORTED_INDEX_KEYS) {
    if (key in group) {
      throw new RolesFileError(
        `${where}.${key}: document and field level security are not reproduced`,
      );
    }
  }
  const result: IndexGroup = {
    names: stringList(group.names, `${where}.names`),
    privileges: stringList(group.privileges, `${where}.privileges`),
  };
  if (group.allow_restricted_indices !== undefined) {
    if (typeof group.allow_restricted_indices !== 'boolean') {
      throw new RolesFileError(`${where}.allow_restricted_indices must be true or false`);
    }
    result.allow_restricted_indices = group.allow_restricted_indices;
  }
  return result;
}

function roleDescriptor(name: string, value: unknown): RoleDescriptor {
  if (value === null || typeof value !== 'object')
    throw new RolesFileError(`role ${name} must be a map`);
  const role = value as Record<string, unknown>;
  const descriptor: RoleDescriptor = {};
  if (role.cluster !== undefined) descriptor.cluster = stringList(role.cluster, `${name}.cluster`);
  if (role.indices !== undefined) {
    if (!Array.isArray(role.indices)) throw new RolesFileError(`${name}.indices must be a list`);
    descriptor.indices = role.indices.map((group, i) => indexGroup(group, `${name}.indices[${i}]`));
  }
  validate(name, descriptor);
  return descriptor;
}

/** Throws on a privilege name Elasticsearch would not know either. */
export function validate(name: string, descriptor: RoleDescriptor): void {
  try {
    resolveClusterPrivileges(descriptor.cluster ?? []);
    for (const group of descriptor.indices ?? []) resolveIndexPrivileges(group.privileges);
  } catch (error) {
    throw new RolesFileError(`role ${name}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The roles of an Elasticsearch `roles.yml` file (the ECK `auth.roles` secret's
 * key): role name → descriptor. Only what the proxy enforces is kept
 * (cluster and index privileges); `applications`, `run_as`, `metadata` are ignored.
 */
export function parseRolesYaml(text: string): Record<string, RoleDescriptor> {
  const document: unknown = parse(text);
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new RolesFileError('roles.yml must map role names to roles');
  }
  return Object.fromEntries(
    Object.entries(document as Record<string, unknown>).map(([name, value]) => [
      name,
      roleDescriptor(name, value),
    ]),
  );
}
