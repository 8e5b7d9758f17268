import { compilePattern, patternsPredicate } from './glob';
import {
  CLUSTER_PRIVILEGES,
  INDEX_PRIVILEGES,
  type PrivilegeDefinition,
} from './privilege-definitions';

/** A privilege as a predicate over action names. */
export type ActionPredicate = (action: string) => boolean;

function predicateOf(definition: PrivilegeDefinition): ActionPredicate {
  const grants = patternsPredicate(definition.patterns);
  const excepted = patternsPredicate(definition.except ?? []);
  return (action) => grants(action) && !excepted(action);
}

/**
 * Whether every action a grants, b grants too. Patterns are compared as
 * text (a pattern of `a` must be matched, wildcards and all, by one of `b`'s),
 * which is exact for the shapes Elasticsearch's privileges use.
 */
function subsetOf(a: PrivilegeDefinition, b: PrivilegeDefinition): boolean {
  const includes = b.patterns.map(compilePattern);
  const excludes = (b.except ?? []).map((pattern) => ({ pattern, regex: compilePattern(pattern) }));
  return a.patterns.every(
    (pattern) =>
      includes.some((regex) => regex.test(pattern)) &&
      !excludes.some((ex) => ex.regex.test(pattern) || compilePattern(pattern).test(ex.pattern)),
  );
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Index privileges from least to most privileged, as `Privilege.sortByAccessLevel`
 * orders them: by how many other privileges contain one (more first), then by name.
 */
function sortIndexPrivileges(all: readonly PrivilegeDefinition[]): PrivilegeDefinition[] {
  const containers = new Map(
    all.map((p) => [p.name, all.filter((q) => q !== p && subsetOf(p, q)).length]),
  );
  return [...all].sort(
    (a, b) =>
      (containers.get(b.name) ?? 0) - (containers.get(a.name) ?? 0) || byName(a.name, b.name),
  );
}

/**
 * Cluster privileges from least to most privileged, as
 * `ClusterPrivilegeResolver.sortByAccessLevel` orders them: by how many other
 * privileges one implies (fewer first), then by name.
 */
function sortClusterPrivileges(all: readonly PrivilegeDefinition[]): PrivilegeDefinition[] {
  const implied = new Map(
    all.map((p) => [p.name, all.filter((q) => q !== p && subsetOf(q, p)).length]),
  );
  return [...all].sort(
    (a, b) => (implied.get(a.name) ?? 0) - (implied.get(b.name) ?? 0) || byName(a.name, b.name),
  );
}

interface NamedPredicate {
  readonly name: string;
  readonly grants: ActionPredicate;
}

const compileAll = (sorted: PrivilegeDefinition[]): NamedPredicate[] =>
  sorted.map((definition) => ({ name: definition.name, grants: predicateOf(definition) }));

const INDEX = compileAll(sortIndexPrivileges(INDEX_PRIVILEGES));
const CLUSTER = compileAll(sortClusterPrivileges(CLUSTER_PRIVILEGES));

const isIndexActionName = patternsPredicate(['indices:*', 'internal:transport/proxy/indices:*']);

/**
 * Actions security treats as cluster actions, index templates included
 * (`ClusterPrivilegeResolver.isClusterAction`).
 */
export const isClusterAction = patternsPredicate([
  'cluster:*',
  'indices:admin/template/*',
  'indices:admin/index_template/*',
]);

/** The index privileges that grant `action`, least privileged first (for denial messages). */
export function indexPrivilegesGranting(action: string): string[] {
  return INDEX.filter((p) => p.grants(action)).map((p) => p.name);
}

/** The cluster privileges that grant `action`, least privileged first (for denial messages). */
export function clusterPrivilegesGranting(action: string): string[] {
  return CLUSTER.filter((p) => p.grants(action)).map((p) => p.name);
}

export class UnknownPrivilegeError extends Error {}

function resolve(
  kind: 'index' | 'cluster',
  names: readonly string[],
  known: readonly NamedPredicate[],
  isAction: ActionPredicate,
): ActionPredicate {
  const parts = names.map((raw) => {
    const name = raw.toLowerCase();
    // A privilege may also be an action name, granting it and its sub-actions.
    if (isAction(name)) return patternsPredicate([`${name}*`]);
    const found = known.find((p) => p.name === name);
    if (!found) {
      throw new UnknownPrivilegeError(
        `unknown ${kind} privilege [${raw}]. a privilege must be either one of the predefined ` +
          `${kind} privilege names [${known.map((p) => p.name).join(',')}] or a pattern over one ` +
          `of the available ${kind} actions`,
      );
    }
    return found.grants;
  });
  return (action) => parts.some((grants) => grants(action));
}

/** The union of a role's index privileges (names or action patterns); throws on an unknown name. */
export function resolveIndexPrivileges(names: readonly string[]): ActionPredicate {
  return resolve('index', names, INDEX, isIndexActionName);
}

/** The union of a role's cluster privileges (names or action patterns); throws on an unknown name. */
export function resolveClusterPrivileges(names: readonly string[]): ActionPredicate {
  return resolve('cluster', names, CLUSTER, isClusterAction);
}
