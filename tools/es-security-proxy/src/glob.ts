/**
 * Elasticsearch's name patterns (`Automatons.patterns`), as role index names
 * and privilege action patterns use them: `*` any run of characters, `?` one
 * character, and `/…/` a (Lucene) regular expression over the whole name.
 */
export function compilePattern(pattern: string): RegExp {
  if (pattern.length > 1 && pattern.startsWith('/') && pattern.endsWith('/')) {
    return new RegExp(`^(?:${pattern.slice(1, -1)})$`, 'u');
  }
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}

/** A predicate true for any name one of the patterns matches. */
export function patternsPredicate(patterns: readonly string[]): (name: string) => boolean {
  const compiled = patterns.map(compilePattern);
  return (name) => compiled.some((regex) => regex.test(name));
}

/** Whether an index expression asks Elasticsearch to expand wildcards (`*` only: `?` is literal there). */
export function hasWildcard(expression: string): boolean {
  return expression.includes('*');
}
