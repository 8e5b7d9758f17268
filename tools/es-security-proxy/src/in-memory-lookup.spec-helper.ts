import { compilePattern } from './glob';
import type { IndexLookup, ResolvedNames } from './index-lookup';

/**
 * The names of a cluster, for unit tests of the authorization logic:
 * concrete index → its aliases. Resolves expressions as `_resolve/index` does
 * (wildcards, `-` exclusions, literal names that exist).
 */
export class InMemoryLookup implements IndexLookup {
  readonly calls: string[][] = [];

  constructor(private readonly cluster: Record<string, string[]>) {}

  resolve(expression: readonly string[]): Promise<ResolvedNames> {
    this.calls.push([...expression]);
    const aliasesOf = new Map<string, string[]>();
    for (const [index, aliases] of Object.entries(this.cluster)) {
      for (const alias of aliases) aliasesOf.set(alias, [...(aliasesOf.get(alias) ?? []), index]);
    }
    const all = [...Object.keys(this.cluster), ...aliasesOf.keys()];
    let names = new Set<string>();
    for (const element of expression) {
      if (element.startsWith('-')) {
        const excluded = compilePattern(element.slice(1));
        names = new Set([...names].filter((name) => !excluded.test(name)));
      } else {
        const pattern = compilePattern(element);
        for (const name of all) if (pattern.test(name)) names.add(name);
      }
    }
    return Promise.resolve({
      indices: Object.entries(this.cluster)
        .filter(([index]) => names.has(index))
        .map(([name, aliases]) => ({ name, aliases })),
      aliases: [...aliasesOf]
        .filter(([alias]) => names.has(alias))
        .map(([name, indices]) => ({ name, indices })),
      dataStreams: [],
    });
  }
}
