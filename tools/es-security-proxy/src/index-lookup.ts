/** What the proxy asks the upstream cluster about names (`GET /_resolve/index`). */
export interface ResolvedNames {
  /** Concrete indices, each with the aliases that point at it. */
  indices: { name: string; aliases: string[] }[];
  /** Aliases, each with the indices behind it. */
  aliases: { name: string; indices: string[] }[];
  dataStreams: { name: string; backingIndices: string[] }[];
}

export interface IndexLookup {
  /**
   * The names an expression (wildcards, exclusions, literal names) matches;
   * names that do not exist are left out.
   */
  resolve(expression: readonly string[], expandWildcards: string): Promise<ResolvedNames>;
}
