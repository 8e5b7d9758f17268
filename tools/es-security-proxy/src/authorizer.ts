import { hasWildcard } from './glob';
import type { IndexLookup, ResolvedNames } from './index-lookup';
import { AUTO_CREATE_ACTION, type Check } from './request-plan';
import type { Role } from './role';

/** What Elasticsearch would refuse: the action, and the names it was refused on. */
export interface Refusal {
  readonly action: string;
  readonly indices: readonly string[];
}

export interface AuthorizationContext {
  readonly role: Role;
  readonly lookup: IndexLookup;
  /** The request's `expand_wildcards` (Elasticsearch's default: open indices). */
  readonly expandWildcards: string;
}

/** Whether an element of an index expression needs the cluster's names to resolve. */
export function needsResolution(name: string): boolean {
  return name === '_all' || hasWildcard(name) || name.startsWith('-');
}

/** A name to authorize, and the aliases (matched by the same expression) that also cover it. */
interface Target {
  readonly name: string;
  readonly via: readonly string[];
}

/**
 * The names an index expression stands for. Literal names are authorized as
 * requested (Elasticsearch checks an alias, or a name that does not exist, by
 * its own name). Wildcards expand to the concrete indices they match; an index
 * also passes through an alias the expression matched. A wildcard matching
 * nothing yields no name: Elasticsearch answers it with an empty result.
 */
export async function targetsOf(
  names: readonly string[],
  literal: boolean,
  context: AuthorizationContext,
): Promise<Target[]> {
  if (literal || !names.some(needsResolution)) return names.map((name) => ({ name, via: [] }));
  const plain = names.filter((name) => !needsResolution(name));
  const expression = names.map((name) => (name === '_all' ? '*' : name));
  const resolved = await context.lookup.resolve(
    expression.filter((name) => needsResolution(name)),
    context.expandWildcards,
  );
  return [...plain.map((name) => ({ name, via: [] })), ...expanded(resolved)];
}

function expanded(resolved: ResolvedNames): Target[] {
  const matchedAliases = new Set(resolved.aliases.map((alias) => alias.name));
  return [
    ...resolved.indices.map((index) => ({
      name: index.name,
      via: index.aliases.filter((alias) => matchedAliases.has(alias)),
    })),
    ...resolved.dataStreams.map((stream) => ({ name: stream.name, via: [] })),
  ];
}

async function missingNames(
  names: readonly string[],
  context: AuthorizationContext,
): Promise<string[]> {
  const found = await context.lookup.resolve(names, 'all');
  const existing = new Set([
    ...found.indices.map((i) => i.name),
    ...found.aliases.map((a) => a.name),
    ...found.dataStreams.map((d) => d.name),
  ]);
  return names.filter((name) => !existing.has(name));
}

async function refusalOf(
  check: Check,
  context: AuthorizationContext,
): Promise<Refusal | undefined> {
  const { role } = context;
  switch (check.kind) {
    case 'cluster':
      return role.allowsClusterAction(check.action)
        ? undefined
        : { action: check.action, indices: [] };
    case 'action-name':
      return role.allowsIndexActionName(check.action)
        ? undefined
        : { action: check.action, indices: [] };
    case 'indices': {
      const targets = await targetsOf(check.names, check.literal ?? false, context);
      const denied = targets
        .filter(
          (t) => ![t.name, ...t.via].some((name) => role.allowsIndexAction(check.action, name)),
        )
        .map((t) => t.name);
      return denied.length > 0
        ? { action: check.action, indices: [...new Set(denied)] }
        : undefined;
    }
    case 'auto-create': {
      // Only a role that may not auto-create needs to know whether the name exists.
      const unsure = check.names.filter(
        (name) => !role.allowsIndexAction(AUTO_CREATE_ACTION, name),
      );
      if (unsure.length === 0) return undefined;
      const missing = await missingNames(unsure, context);
      return missing.length > 0 ? { action: AUTO_CREATE_ACTION, indices: missing } : undefined;
    }
  }
}

/** The first check Elasticsearch would refuse, in Elasticsearch's order; undefined when all pass. */
export async function firstRefusal(
  checks: readonly Check[],
  context: AuthorizationContext,
): Promise<Refusal | undefined> {
  for (const check of checks) {
    const refusal = await refusalOf(check, context);
    if (refusal) return refusal;
  }
  return undefined;
}
